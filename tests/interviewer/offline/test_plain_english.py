"""Substance in plain words is credited like the same substance in the catalogue's vocabulary;
a name said without its mechanism is not."""

from __future__ import annotations

from interviewer.bank import QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.analysis import find_concepts, read_turns
from interviewer.offline.scorer import OfflineGrader
from tests.interviewer.offline.transcripts import build, candidate

_SECURITY = Criterion.SECURITY_PRIVACY


def explained(bank: QuestionBank, text: str) -> dict[str, bool]:
    hits = find_concepts(read_turns([(0, Stage.DEEP_DIVE, text)]), bank.compiled_concepts)
    return {h.concept.id: h.explained for h in hits}


def security(grader: OfflineGrader, bank: QuestionBank, said: str) -> int:
    card = grader.score(
        build("chat-system", candidate(Stage.DEEP_DIVE, said)), bank.problem("chat-system")
    )
    return card.criteria[_SECURITY].score


def test_a_point_in_plain_words_with_a_reason_is_credited(bank: QuestionBank) -> None:
    # Replication and deduplication, without either word.
    said = "We keep a copy in two places so one machine failing doesn't lose any data."
    assert explained(bank, said).get("replication") is True
    said = (
        "The live job remembers the ids it has seen and ignores repeats, so a resent event "
        "is never counted twice in the totals."
    )
    assert explained(bank, said).get("idempotency") is True


def test_a_control_stated_in_plain_words_is_its_own_mechanism(
    grader: OfflineGrader, bank: QuestionBank
) -> None:
    plain = (
        "Only the message service can read the message store, and nobody on the staff can "
        "open it directly. Staff access is logged with who looked and when, in a log that "
        "nobody can edit afterwards. The stored messages are scrambled on disk with keys kept "
        "in a separate key service run by another team."
    )
    assert security(grader, bank, plain) >= 3


def test_a_keyword_only_mention_is_not_credited(grader: OfflineGrader, bank: QuestionBank) -> None:
    # The same controls by name, in sentences as long, with no mechanism and no reason.
    named = (
        "We will have access control and authorization on the message store for all of it. "
        "There will also be audit logging on the store for the staff and for everyone else. "
        "And of course there is encryption at rest on every disk that we have in the system."
    )
    assert security(grader, bank, named) <= 2
    assert not any(explained(bank, "Replication, dedup, idempotency and failover.").values())


def reasoned(text: str) -> bool:
    return read_turns([(0, Stage.TRADEOFFS, text)]).sentences[0].reasoned


def test_plain_causal_structure_reads_as_a_reason() -> None:
    assert reasoned("I'd rather delay a message than scramble the order of the chat.")
    assert reasoned("That's why each check carries the text before it, not only the new piece.")
    assert reasoned("We pick the thresholds by looking at how many good posts each would block.")
    assert reasoned("A missed post is far worse than a wrongful removal for child safety.")
    assert reasoned("If anything scores high, the video is hidden until a person decides.")
    # A slogan in the same shapes carries nothing.
    assert not reasoned("Kafka is better than RabbitMQ for scalability and performance.")
    assert not reasoned("Load balancer, cache, sharding, Kafka, Redis, CDN.")
