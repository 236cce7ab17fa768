"""A rule-based judge of interviewer turns (issue 21, "How to measure it, honestly").

It knows nothing of how the interviewer works: it reads the problem's authored plan from the
bank (prompt, hidden facts, expected points, probes, curveballs, hints) and what the candidate
wrote, annotated by a scripted persona (bench/personas/) with what each message is. Every turn
gets a verdict: on target, or the reasons it is not (REASONS).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from bench.turn_words import (
    ACK,
    AGREE,
    CLOSING_QUESTION,
    DEFAULT,
    DEFER,
    NUMBER,
    PRESS,
    REASONED,
    REDIRECT,
    content_stems,
    jaccard,
    mentioned_unquoted,
    paraphrased,
    plain,
    question_part,
    quoted_spans,
    sentences,
    stems_of,
    verbatim_in,
    without_quotes,
)
from interviewer.bank import Curveball, Problem

REASONS = {
    "quote_not_verbatim": "quotes words the candidate never wrote",
    "mention_not_said": "says 'you mentioned X' (or 'you'd rely on X') for an X the candidate "
    "never said",
    "off_plan": "asks about a topic neither in the problem's plan nor in the last answer",
    "already_answered": "asks what the last answer already explained",
    "repeated": "asks again what an earlier turn asked",
    "fact_repeated": "repeats a fact already given, unasked",
    "line_repeated": "says a line again, word for word, that an earlier turn said",
    "question_not_answered": "the candidate asked a question; the turn neither answers it nor "
    "says it is their call with a default",
    "deep_dive_ignored": "the candidate asked to go deep on a topic; the turn goes elsewhere",
    "dont_know_pressed": "the candidate said they don't know; the turn presses for detail",
    "dont_know_not_acknowledged": "the candidate said they don't know; the turn neither "
    "acknowledges it nor offers a smaller step or a move on",
    "off_topic_followed": "follows the candidate off topic instead of one line back",
    "off_topic_new_facts": "answers an off-topic message with facts of the problem",
    "probe_after_summary": "a new probe after the candidate's wrap-up summary",
    "claim_unchallenged": "a wrong claim goes without pushback on the next turn",
    "claim_agreed": "agrees with a wrong claim",
    "claim_answer_given": "pushes back by giving the answer away",
    "curveball_already_handled": "throws a curveball the candidate already handled",
}

CLOCK_KINDS = frozenset({"time_warning", "time_left", "notice"})
"""Turn kinds the judge leaves alone (the clock's and the system's); every other kind, new
ones included, is an interviewer turn to judge."""

COMMON_SHARE = 0.1  # a stem in a tenth of the problem's authored texts tells no topic apart
OFF_PLAN_SHARE = 0.5  # at least half the question's content words must be in plan or answer
REPEAT_SIMILARITY = 0.6  # Jaccard of content stems at which two questions are the same
LINE_WORDS = 4  # a sentence this long said twice is a repeated line, not a turn of phrase
PARAPHRASE_SHARE = 0.5  # "you'd rely on X": at least half of X's words are the candidate's
ANSWERED_SHARE = 0.75  # a question whose words the last answer holds this much is answered


@dataclass(frozen=True)
class Said:
    """One candidate message and what the persona script says it is."""

    text: str
    act: str = "answer"
    topic: tuple[str, ...] = ()
    claim: tuple[str, ...] = ()
    correction: tuple[str, ...] = ()
    curveball: str | None = None
    explains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The judge's verdict on one interviewer turn."""

    turn: str
    kind: str
    stage: str
    after: Said | None
    reasons: tuple[str, ...]

    @property
    def on_target(self) -> bool:
        """Whether no rule fired."""
        return not self.reasons


@dataclass
class TurnJudge:
    """Judges one interview's interviewer turns in order; `hear` each candidate message."""

    problem: Problem
    curveballs: Mapping[str, Curveball]
    said: list[Said] = field(default_factory=list)
    asked: list[set[str]] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    handled: set[str] = field(default_factory=set)
    thrown: set[str] = field(default_factory=set)
    plan: set[str] = field(init=False)
    spread: Counter[str] = field(init=False)  # in how many authored texts each stem occurs
    authored: list[str] = field(init=False)

    def __post_init__(self) -> None:
        p = self.problem
        texts = [p.title, p.prompt, *p.topics]
        texts += [f.answer for f in p.hidden_facts]
        texts += [t for pts in p.expected.values() for e in pts for t in (e.point, e.question)]
        texts += [pr.question for pr in p.probes]
        texts += [h for hs in p.hints.values() for h in hs]
        texts += [self.curveballs[c].text for c in p.curveballs if c in self.curveballs]
        self.authored = texts
        self.spread = Counter(stem for t in texts for stem in content_stems(t))
        self.plan = set(self.spread)

    def hear(self, said: Said) -> None:
        """A candidate message, in order."""
        self.said.append(said)
        if said.act == "handles_curveball" and said.curveball:
            self.handled.add(said.curveball)

    def curveball_of(self, text: str) -> str | None:
        """Which of the problem's curveballs a turn throws, by its words."""
        have = content_stems(text)
        best, score = None, 0.0
        for cid in self.problem.curveballs:
            ball = content_stems(self.curveballs[cid].text) if cid in self.curveballs else set()
            share = len(ball & have) / len(ball) if ball else 0.0
            if share > score:
                best, score = cid, share
        return best if score >= 0.6 else None

    def judge(self, text: str, kind: str, stage: str, reply_to: Said | None) -> Verdict:
        """The verdict on one interviewer turn; `reply_to` is the message it answers, if any."""
        reasons: list[str] = []
        reasons += self._quotes(text)
        ball = self.curveball_of(text) if kind in ("curveball", "message") else None
        if ball is not None:
            if ball in self.handled:
                reasons.append("curveball_already_handled")
            elif ball in self.thrown and kind == "curveball":
                reasons.append("repeated")  # the same curveball a second time
            self.thrown.add(ball)
        asked = content_stems(without_quotes(question_part(text))) if "?" in text else set()
        last = self.said[-1] if self.said else None
        if ball is None and asked:
            reasons += self._topic(asked, last)
            if any(jaccard(asked, before) >= REPEAT_SIMILARITY for before in self.asked):
                reasons.append("repeated")
        if ball is None and reply_to is not None:
            reasons += self._in_kind(text, asked, reply_to)
        elif ball is not None and reply_to is not None and reply_to.act == "summary":
            reasons.append("probe_after_summary")
        reasons += self._facts_again(text, last)
        if last is None or all(s.text != last.text for s in self.said[:-1]):
            reasons += self._lines_again(text)  # a message said twice may get its reply twice
        if asked:
            self.asked.append(asked)
        self.told.append(plain(text))
        return Verdict(text, kind, stage, reply_to, tuple(dict.fromkeys(reasons)))

    # ---- the rules -----------------------------------------------------------------------------

    def _quotes(self, text: str) -> list[str]:
        wrote = [s.text for s in self.said]
        out: list[str] = []
        for span, attributed in quoted_spans(text):
            if verbatim_in(span, wrote):
                continue
            if attributed or not verbatim_in(span, self.authored):
                out.append("quote_not_verbatim")
        said = set().union(*(content_stems(t) for t in wrote)) if wrote else set()
        for named in mentioned_unquoted(text):
            if not content_stems(named) <= said:
                out.append("mention_not_said")
        for named in paraphrased(text):
            stems = content_stems(named)
            if len(stems & said) < PARAPHRASE_SHARE * len(stems):
                out.append("mention_not_said")
        return out

    def _lines_again(self, text: str) -> list[str]:
        facts = [plain(f.answer) for f in self.problem.hidden_facts]
        for line in sentences(text):
            said = plain(line)
            if (
                line.endswith("?")
                or len(said.split()) < LINE_WORDS
                or any(said in f for f in facts)
            ):
                continue  # questions are the repeat rule's; facts are the fact rule's
            if any(said in before for before in self.told):
                return ["line_repeated"]
        return []

    def _facts_again(self, text: str, last: Said | None) -> list[str]:
        wanted = content_stems(last.text) | stems_of(last.topic) if last else set()
        for fact in self.problem.hidden_facts:
            said = plain(fact.answer)
            again = said in plain(text) and any(said in before for before in self.told)
            if again and not content_stems(fact.answer) & wanted:
                return ["fact_repeated"]
        return []

    def _topic(self, asked: set[str], last: Said | None) -> list[str]:
        answer = content_stems(last.text) if last else set()
        known = self.plan | answer
        if len(asked & known) < OFF_PLAN_SHARE * len(asked):
            return ["off_plan"]
        if last is None or last.act not in ("answer", "handles_curveball"):
            return []
        # Asked again: the question's words are the answer's, and the answer gave a reason (or
        # the script says it explained that); a one-word question only on the script's word.
        explained = bool(stems_of(last.explains) & asked)
        reasoned = explained or (len(asked) > 1 and bool(REASONED.search(last.text.lower())))
        if reasoned and len(asked & answer) >= ANSWERED_SHARE * len(asked):
            return ["already_answered"]
        return []

    def _in_kind(self, text: str, asked: set[str], said: Said) -> list[str]:
        whole = content_stems(text)
        topic = stems_of(said.topic) if said.topic else content_stems(said.text)
        if said.act == "question_to_interviewer":
            defers = bool(DEFER.search(text)) and bool(DEFAULT.search(text))
            return [] if whole & topic or defers else ["question_not_answered"]
        focus = content_stems(without_quotes(question_part(text)))  # quoting X is not asking it
        if said.act == "deep_dive_request":
            return [] if self.about(focus, topic) else ["deep_dive_ignored"]
        if said.act == "dont_know":
            if PRESS.search(text):
                return ["dont_know_pressed"]
            return [] if ACK.search(text) else ["dont_know_not_acknowledged"]
        if said.act == "off_topic":
            return self._off_topic(text, asked, topic)
        if said.act == "summary":
            probes = [s for s in sentences(text) if "?" in s and not CLOSING_QUESTION.search(s)]
            return ["probe_after_summary"] if probes else []
        if said.act == "wrong_claim":
            return self._pushback(text, focus, said)
        return []

    def about(self, asked: set[str], topic: set[str]) -> bool:
        """Whether a question is about a topic: it shares a word that tells the topic apart in
        this problem (one its plan uses rarely; a GPU scheduler's "gpu" is everywhere), or two
        of the topic's words; any one word when all of the topic's are common."""
        common = max(4.0, COMMON_SHARE * len(self.authored))
        rare = {s for s in topic if self.spread[s] < common}
        shared = asked & topic
        return bool(shared & rare) or len(shared) >= 2 or (not rare and bool(shared))

    def _pushback(self, text: str, focus: set[str], said: Said) -> list[str]:
        claim = stems_of(said.claim) if said.claim else content_stems(said.text)
        if AGREE.search(text):
            return ["claim_agreed"]
        if "?" not in text or not self.about(focus, claim):
            return ["claim_unchallenged"]
        # The claim's own words may come back; the correction's other words give it away
        # (in the interviewer's words: quoting the candidate gives nothing away).
        if content_stems(without_quotes(text)) & (stems_of(said.correction) - claim):
            return ["claim_answer_given"]
        return []

    def _off_topic(self, text: str, asked: set[str], topic: set[str]) -> list[str]:
        out: list[str] = []
        redirects = bool(REDIRECT.search(text))
        if not redirects or asked & topic:
            out.append("off_topic_followed")
        earlier = " ".join(s.text for s in self.said)
        facts = {n for f in self.problem.hidden_facts for n in NUMBER.findall(f.answer)}
        if any(n in facts and n not in earlier for n in NUMBER.findall(text)):
            out.append("off_topic_new_facts")
        return out
