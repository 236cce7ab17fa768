"""Clarifying answers by intent: one answer per question the candidate asked.

Each question is matched first to the problem's authored clarifications (by intent: the
clarification whose `asks` patterns match it best), then to its hidden facts. A fact already
given is not repeated unless nothing else answers; a question nothing settles is the
candidate's call, with a sensible default. Yes/no questions get the clarification's
yes/no answer when one is authored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from interviewer.bank import HiddenFact, Phrasebook, Problem, compile_any
from interviewer.core.memo import Remembered
from interviewer.core.text import is_question, sentences
from interviewer.core.transcript import Role, Turn, TurnKind
from interviewer.offline.lines import ActLines
from interviewer.offline.reading import stems
from interviewer.offline.reasoning import mask_collocations

# A new question inside one sentence: "How big is the cluster, and is preemption allowed?"
# A part that leans on the one before ("..., and what do they add up to?") is not split off,
# nor an alternative of the same question ("Is it mandatory, or do we have to win teams over?").
_LEANS = r"(?!\w+ (?:\w+ )?(?:they|it|that|those|these|them|this)\b)"
_SPLIT = re.compile(
    r"(?:,|;|\s-)\s*(?!or\b)(?:and |also |plus )?(?:(?:on|in|for|with|at|from|to|about) )?"
    + _LEANS
    + r"(?=(?:what|how|who|where|when|which|"
    r"why|is|are|do|does|did|can|could|should|would|will|may|must|has|have)\b)"
    r"|\s+(?:and|also) " + _LEANS + r"(?=(?:what|how|who|where|when|which|is|are|do|does|can|"
    r"should|will)\b)",
    re.IGNORECASE,
)
# A part of a sentence that asks: it opens with a question word or an auxiliary verb.
_ASKING = re.compile(
    r"^\W*(?:(?:so|and|also|or|ok(?:ay)?|then|but|actually|plus),?\s+)*(?:what|how|who|where|when|"
    r"which|why|whose|is|are|do|does|did|can|could|should|would|will|may|might|must|has|have|"
    r"shall|any|anything)\b",
    re.IGNORECASE,
)
# "Who are the users?" asks who, never how many: a number's default does not answer it.
_WHO = re.compile(r"^(?!\W*how (?:many|much)\b).*\bwho(?:'s)?\b", re.IGNORECASE)
# "How long do experiments run?" asks how long something lasts, not how long data is kept.
_DURATION = re.compile(
    r"\bhow long (?:do|does|did|will|would|should|can|could|is|are|must)\b(?![^?]*\b(?:keep|kept|"
    r"retain\w*|retention|stor(?:e|ed|age)|hold|held|history|logs?|archiv\w*)\b)",
    re.IGNORECASE,
)
_NOT_DURATION = ("data", "scale")  # the topics "how long" and "how many" would wrongly read
_HEDGED = re.compile(
    r"^\W*(?:maybe|perhaps|probably|i guess|i(?:'m| am) not (?:really )?sure|not sure|"
    r"i (?:don'?t|do not) (?:really )?know)\b",
    re.IGNORECASE,
)
# "How fast do pages change?" asks how often something changes, not how fast a response is.
_RATE = re.compile(
    r"\bhow (?:fast|quickly)\b(?=(?:\s+[\w'-]+){1,4}?\s+(?:change|changes|grow|grows|update|"
    r"updates|churn|churns|arrive|arrives|come in|comes in)\b)",
    re.IGNORECASE,
)
_QUOTE_CHARS = 90
ANSWERS_KEPT = 8192
"""Messages whose clarifying answers are remembered (about 300 bytes each)."""
_INTERROGATIVE = re.compile(r"^\(?(?:how|what|which|when|where|who)\b")
# Asking the interviewer's preference on what to discuss: always the candidate's call.
_PREFERENCE = re.compile(
    r"\b(?:do|would) you (?:want|like|prefer) me to\b|\bshould i (?:talk|start|go|focus|cover|"
    r"discuss) (?:about |with |on )?\w+ or\b|\bwhich (?:one |part )?should i (?:start|cover|do|go)",
    re.IGNORECASE,
)
# What the system is for: the problem's prompt says it.
_GOAL = re.compile(
    r"\b(?:success|succeed|goals?|objectives?|purpose|the point of|main use[- ]case|"
    r"(?:problem|pain) (?:are we|we're|is this|does this|this) (?:solving|solve|fix)|"
    r"what (?:do|does) (?:the )?(?:users?|customers?|teams?) (?:need|want)|why (?:are we|do we) "
    r"(?:building|build|need)|north[- ]star|what matters most)\b",
    re.IGNORECASE,
)
_DESIGN_TALK = (TurnKind.FOLLOW_UP, TurnKind.PUSHBACK, TurnKind.STAGE_INTRO)
_YES_NO = re.compile(
    r"^\s*(?:so,? |and |also,? |ok,? )?(?:is|are|do|does|did|can|could|should|would|will|may|"
    r"must|has|have|shall)\b",
    re.IGNORECASE,
)
# Tag questions that ask for no information: "Does that make sense?", "Right?"
_TAG = re.compile(
    r"^\s*(?:(?:does )?(?:that|this) (?:make sense|sound (?:ok|good|right|reasonable))|right|ok|"
    r"okay|sound good|make sense|agreed|yes|no|fair)\s*\??\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Answer:
    """One answer to one question."""

    text: str
    your_call: bool


def questions_in(text: str) -> list[str]:
    """The questions of a message, a sentence holding several split into each."""
    out: list[str] = []
    for s in sentences(text):
        if not is_question(s) or _TAG.match(s) or _is_guess(s):
            continue
        parts = [p.strip(" ,;") for p in _SPLIT.split(s) if p and p.strip(" ,;?")]
        # a lead-in asks nothing: "Actually, what ...?", "Before I start, who ...?"
        while len(parts) > 1 and (len(parts[0].split()) < 3 or not _ASKING.match(parts[0])):
            parts[:2] = [f"{parts[0]}, {parts[1]}"]
        out += [p if p.endswith("?") else p + "?" for p in parts] if len(parts) > 1 else [s]
    return out


def _is_guess(sentence: str) -> bool:
    """A guess said with a question mark ("I'm not sure, maybe a bigger model is better?"):
    a hedge, and no part of it opens with a question word."""
    return bool(_HEDGED.match(sentence)) and not any(
        _ASKING.match(part) for part in re.split(r"[,;:]\s*", sentence)
    )


def is_yes_no(question: str) -> bool:
    """Whether a question asks yes or no."""
    return bool(_YES_NO.match(question))


class Clarifier:
    """Answers clarifying questions from a problem's clarifications and hidden facts."""

    def __init__(self, phrases: Phrasebook, lines: ActLines, kept: int = ANSWERS_KEPT) -> None:
        self.phrases = phrases
        self.lines = lines
        self._topics = {t: compile_any(kws) for t, kws in phrases.fact_topics.items()}
        # Answers already worked out: every reply to a question works out again the answers
        # of each earlier clarifying turn (earlier_answers), from the same problem, questions
        # and facts given. By the problem's identity and a digest of the rest.
        self.kept = kept
        self._answers: Remembered[tuple[Answer, ...]] = Remembered(kept)

    def answer(self, problem: Problem, text: str, given: str) -> list[Answer]:
        """One answer per question in `text` (`given`: what earlier answers said)."""
        digest = hashlib.blake2b(digest_size=16)
        for part in (text, given):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(f"{len(data)}\x00".encode())
            digest.update(data)
        found = self._answers.get((problem,), digest.digest())
        if found is not None:
            return list(found)
        out = self._answer(problem, text, given)
        self._answers.put((problem,), digest.digest(), tuple(out))
        return out

    def remembered(self) -> int:
        """How many messages' answers are remembered."""
        return len(self._answers)

    def _answer(self, problem: Problem, text: str, given: str) -> list[Answer]:
        out: list[Answer] = []
        for question in questions_in(text):
            answer = self._one(problem, question, given, " ".join(a.text for a in out))
            if answer is not None and answer.text not in (a.text for a in out):
                out.append(answer)
        return out

    def _one(self, problem: Problem, question: str, given: str, here: str) -> Answer | None:
        """The answer to one question (`here`: what this message's answers said already; None
        when one of them answered it too)."""
        masked = _RATE.sub("how often", mask_collocations(question))
        if _PREFERENCE.search(masked):
            default = self.lines.default_for("preference")
            said = _clip(question.rstrip("?").strip())
            return Answer(self.lines.your_call.format(question=said, default=default), True)
        clar = problem.clarification_for(masked)
        if clar is not None:
            return None if clar.answer in here else Answer(clar.answer, clar.your_call)
        matched = _ranked_facts(problem.hidden_facts, masked)
        ranked = _by_intent(problem, matched, masked)
        intent = "who" if _WHO.match(masked) else "duration" if _DURATION.search(masked) else ""
        topics = [
            t
            for t, p in self._topics.items()
            if p.search(masked) and not (intent == "duration" and t in _NOT_DURATION)
        ]
        if intent == "who" and not ranked:
            # who uses it: the facts on teams and customers answer that, or it is their call
            found = [f.answer for f in problem.hidden_facts if "tenancy" in f.covers]
            found = [a for a in found if a not in given + here]
            if found:
                return Answer(found[0], False)
            topics = []
        if ranked:
            best = ranked[0]
            if best.answer in here:
                return None
            if best.answer not in given:
                tied = [f.answer for f in ranked[1:2] if _ties(f, best, masked)]
                tied = [a for a in tied if a not in given + here]
                return Answer(" ".join([best.answer, *tied]), False)
            if not is_yes_no(question) or _restates(problem, best, masked):
                # asked again, by the fact's own words; or a yes/no question that checks what
                # the fact said ("Can I assume prompts may contain customer PII?"), not one
                # that only shares its numbers ("Do jobs need all 512 GPUs at once?")
                return Answer(self.lines.already_given.format(fact=best.answer), False)
        elif named := _named_by_id(problem, masked):
            # No keyword's fact answers it (none matched, or those matched answer another
            # question), but the question is about the very subject a fact is named for ("How
            # fresh must the index be?" and the fact `freshness`).
            fact = named[0]
            if fact.answer in here:
                return None
            if fact.answer not in given:
                return Answer(fact.answer, False)
            if not is_yes_no(question):
                return Answer(self.lines.already_given.format(fact=fact.answer), False)
        elif not matched:  # a topic no fact names ("... and GDPR?"): its facts answer it
            found = [
                f.answer
                for f in problem.hidden_facts
                if any(t in f.covers for t in topics) and f.answer not in given + here
            ]
            if found:
                return Answer(" ".join(found[:2]), False)
        if not topics and _GOAL.search(masked):
            if problem.prompt in given + here or self.lines.goal_measures in given + here:
                return None
            if here:  # a fact of this message says what hurts: the brief is not read back
                return Answer(self.lines.goal_measures, False)
            return Answer(self.lines.goal.format(prompt=problem.prompt), False)
        default = self.lines.default_for(topics[0] if topics else intent or None)
        said = _clip(question.rstrip("?").strip())
        return Answer(self.lines.your_call.format(question=said, default=default), True)


def _restates(problem: Problem, fact: HiddenFact, question: str) -> bool:
    """Whether a question checks what the fact said: it is mostly the fact's own words (half
    its content words at least) and it is about the fact's subject. ("Is there a rate limit on
    how many notifications a user can get?" shares "rate limit" with the providers' limits and
    asks about something else.)"""
    asked = _asked_stems(problem, question)
    shared = asked & stems(fact.answer)
    if len(asked) < 2 or 2 * len(shared) < len(asked):
        return False
    return _about(fact, question, asked, shared)


# Verbs that lead a yes/no check ("Can I assume...", "Is it safe to say...") and name no subject.
_CHECKING = stems("assume assuming expect suppose think say take safe fair correct right")


def _about(fact: HiddenFact, question: str, asked: set[str], shared: set[str]) -> bool:
    """Whether the question is about the fact's subject: it names one of the fact's subject
    keywords (not an interrogative such as "how many") or a word of the fact's id, or it is
    the fact's own statement (three of its words, and one word of its own at most)."""
    if any(not _INTERROGATIVE.match(k) for k, _ in _found(fact, question)):
        return True
    if _id_stems(fact.id) & asked:
        return True
    return len(shared) >= 3 and len(asked - shared - _CHECKING) <= 1


def _named_by_id(problem: Problem, question: str) -> list[HiddenFact]:
    """The facts whose id names a subject of the question (by the id's word stems), for a
    question no fact's keywords matched."""
    asked = _asked_stems(problem, question)
    return [f for f in problem.hidden_facts if _id_stems(f.id) & asked]


@cache
def _id_stems(fact_id: str) -> frozenset[str]:
    return frozenset(stems(fact_id.replace("-", " ")))


def _ties(a: HiddenFact, b: HiddenFact, question: str) -> bool:
    """Whether two facts match a question with as many of their own keywords."""
    return _matches(a, question) == _matches(b, question)


@cache
def _keyword(k: str) -> re.Pattern[str]:
    """A fact's keyword as a regex from a word boundary, compiled once (the bank's are fixed)."""
    return re.compile(rf"\b(?:{k})", re.I)


def _found(fact: HiddenFact, question: str) -> list[tuple[str, re.Match[str]]]:
    """Each of a fact's own keywords that the question matches, with its match."""
    return [(k, m) for k in fact.keywords if (m := _keyword(k).search(question))]


def _weight(found: Sequence[tuple[str, re.Match[str]]]) -> int:
    """How strongly matched keywords count: a subject word twice, an interrogative phrase
    ("how many", "how long") once."""
    return sum(1 if _INTERROGATIVE.match(k) else 2 for k, _ in found)


def _matches(fact: HiddenFact, question: str) -> int:
    """How strongly a fact's own keywords match the question."""
    return _weight(_found(fact, question))


def _ranked_facts(facts: Sequence[HiddenFact], question: str) -> list[HiddenFact]:
    """The facts whose own keywords match the question, the most and longest matches first."""
    scored = []
    for n, fact in enumerate(facts):
        found = _found(fact, question)
        if found:
            length = sum(m.end() - m.start() for _, m in found)
            scored.append((-_weight(found), -length, n, fact))
    return [f for *_, f in sorted(scored, key=lambda x: x[:3])]


def _by_intent(problem: Problem, ranked: list[HiddenFact], question: str) -> list[HiddenFact]:
    """The facts that answer a question, by what it is about, not only by a keyword it shares.

    A fact whose answer shares words with the question (beyond the problem's own title) goes
    first, and one that shares two fifths of them (two at least) answers it with no keyword
    matched: "How quickly must a trending search show up?" is about trending searches, not
    about the response time its "how quickly" also matches. A keyword match that shares too
    few words with a question of several answers another question ("Which programming
    language should the SDK be in?" is not about the languages users type).
    """
    asked = _asked_stems(problem, question)
    shared = {f.id: len(asked & stems(f.answer)) for f in problem.hidden_facts}
    found = [f for f in ranked if _answers(f, question, asked, shared[f.id])]
    found += [
        f
        for f in problem.hidden_facts
        if f not in found and shared[f.id] >= 2 and 5 * shared[f.id] >= 2 * len(asked)
    ]
    return sorted(found, key=lambda f: -(_matches(f, question) + 2 * shared[f.id]))


def _asked_stems(problem: Problem, question: str) -> set[str]:
    """The question's content words, the problem's title words left out (they name it all)."""
    return stems(question) - stems(problem.title)


def _answers(fact: HiddenFact, question: str, asked: set[str], shared: int) -> bool:
    """Whether a fact matched by keyword answers the question: it shares two of its words, or
    a third of them; the question is too short to tell; or two of the fact's own subject
    keywords match. ("Should I split files into chunks or process the whole file on one
    machine?" shares only "files" with the file format: it asks for a design choice.)"""
    enough = shared >= 2 or 3 * shared >= len(asked)
    return enough or len(asked) < 2 or _strong(fact, question) or _counted(fact, question)


_QUANTITY = re.compile(r"\bhow (?:many|much)\b", re.IGNORECASE)


def _counted(fact: HiddenFact, question: str) -> bool:
    """Whether a 'how many / how much' question matches a fact that gives numbers by a
    subject keyword of the fact ("How many shortened URLs per day?" and "About 100 million
    new short links a month": its words differ, its subject and its numbers answer it)."""
    if not _QUANTITY.search(question) or not any(ch.isdigit() for ch in fact.answer):
        return False
    return any(not _INTERROGATIVE.match(k) for k, _ in _found(fact, question))


def _strong(fact: HiddenFact, question: str) -> bool:
    """Whether a fact matches a question by two of its own subject keywords."""
    return sum(1 for k, _ in _found(fact, question) if not _INTERROGATIVE.match(k)) >= 2


def _clip(text: str) -> str:
    """A question quoted verbatim, cut at a word when long."""
    if len(text) <= _QUOTE_CHARS:
        return text
    return text[:_QUOTE_CHARS].rsplit(" ", 1)[0]


def your_call_streak(answers_by_turn: Sequence[Sequence[Answer]]) -> int:
    """How many 'your call' answers in a row end these turns' answers."""
    streak = 0
    for answers in reversed(answers_by_turn):
        for a in reversed(answers):
            if not a.your_call:
                return streak
            streak += 1
    return streak


def earlier_answers(
    clarifier: Clarifier, problem: Problem, turns: Sequence[Turn]
) -> list[list[Answer]]:
    """The answers each earlier clarifying turn gave, recomputed from the questions it answered."""
    out: list[list[Answer]] = []
    given: list[str] = []
    last_candidate = ""
    for t in turns:
        if t.role is Role.CANDIDATE:
            last_candidate = t.text
        elif t.kind == TurnKind.CLARIFICATION:
            out.append(clarifier.answer(problem, last_candidate, " ".join(given)))
            given.append(t.text)
        elif t.kind in _DESIGN_TALK:  # design talk between answers: no longer "in a row"
            out.append([Answer("", False)])
    return out
