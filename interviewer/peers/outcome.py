"""What a peer-session event makes the bot say: posts in the pair's conversation, private
notes, and the human interviewer's scoring form."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.core.rubric import SCALE_MAX, SCALE_MIN, Criterion
from interviewer.diagrams.view import DiagramView

PEER_USAGE = "`{cmd} peer start` and `{cmd} peer end`, in your pair's private conversation"
NOT_HERE = (
    "No peer mock is paired in this conversation: a session runs in the private conversation "
    "the weekly pairing opened for its pair (`{cmd} pair` to take part)."
)
ONLY_PAIR = "Only the two members paired here can start or end this peer mock."
ONLY_INTERVIEWER = "Only this session's interviewer scores it."
FORM_OUT_OF_DATE = "That form is out of date."
"""A press the form cannot read (a forged or stale value), as both platforms answer it."""
SCORES = range(SCALE_MIN, SCALE_MAX + 1)
SCALE = {1: "1 no signal", 2: "2 partial", 3: "3 solid", 4: "4 exceptional"}
"""The form's choices: every label of a peer mock's scores (both platforms' forms, their
placeholders, the interviewer's brief) is read from here."""
SCALE_RANGE = f"{SCALE_MIN}-{SCALE_MAX}"
"""The scores' range as a form's placeholder shows it."""


@dataclass(frozen=True)
class PeerForm:
    """The rubric form the human interviewer fills in privately after the session."""

    session_id: int
    interviewer: str
    conversation: str
    title: str
    criteria: tuple[Criterion, ...] = tuple(Criterion)


@dataclass
class PeerOutcome:
    """What a peer-session event makes the bot say: posts in the pair's conversation, private
    notes (user, text), the interviewer's form, and a diagram the candidate drew, as read (an
    image in the conversation, as in an interview)."""

    platform: str
    conversation: str
    posts: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    form: PeerForm | None = None
    diagram: DiagramView | None = None
