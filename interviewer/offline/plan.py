"""What a problem's own plan holds, for the offline interviewer: the concepts it declares
relevant, the words it uses, and its questions from a stage on."""

from __future__ import annotations

from collections import Counter

from interviewer.bank import Problem, QuestionBank
from interviewer.core.rubric import Criterion
from interviewer.core.stages import Stage
from interviewer.offline.reading import stems

_EVERYWHERE = 0.5  # a word in more than half the problems' plans names no topic


class ProblemPlans:
    """Per-problem readings of the plan, worked out once per problem."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank
        self._relevant: dict[str, frozenset[str]] = {}
        self._vocabulary: dict[str, set[str]] = {}
        self._everywhere: set[str] | None = None

    def relevant(self, problem: Problem) -> frozenset[str]:
        """The concepts a problem declares relevant: the one each expected point and each probe
        names first (its head noun, usually)."""
        found = self._relevant.get(problem.id)
        if found is None:
            texts = [p.point for pts in problem.expected.values() for p in pts]
            texts += [p.question for p in problem.probes]
            heads: set[str] = set()
            for text in texts:
                named = [
                    (m.start(), c.id)
                    for c, pat in self.bank.compiled_concepts
                    if Criterion.CLARITY not in c.criteria and (m := pat.search(text))
                ]
                if named:
                    heads.add(min(named)[1])
            found = self._relevant[problem.id] = frozenset(heads)
        return found

    def in_vocabulary(self, problem: Problem, question: str, said: set[str]) -> bool:
        """Whether most of a generic question's words are the problem's or the candidate's.
        Words every problem's plan uses ("first", "out") tell no topic and do not count."""
        vocabulary = self.vocabulary(problem)
        asked = stems(question)
        asked = asked - self.everywhere() or asked
        return bool(asked) and 2 * len(asked & (vocabulary | said)) >= len(asked)

    def vocabulary(self, problem: Problem) -> set[str]:
        """The words of a problem's plan (title, prompt, facts, points, probes, hints)."""
        vocabulary = self._vocabulary.get(problem.id)
        if vocabulary is None:
            texts = [problem.title, problem.prompt, *(f.answer for f in problem.hidden_facts)]
            texts += [
                t for pts in problem.expected.values() for p in pts for t in (p.point, p.question)
            ]
            texts += [p.question for p in problem.probes]
            texts += [h for hs in problem.hints.values() for h in hs]
            vocabulary = self._vocabulary[problem.id] = stems(" ".join(texts))
        return vocabulary

    def everywhere(self) -> set[str]:
        """The words most problems' plans use: no topic of their own."""
        if self._everywhere is None:
            counts = Counter(s for p in self.bank.problems.values() for s in self.vocabulary(p))
            many = _EVERYWHERE * len(self.bank.problems)
            self._everywhere = {s for s, n in counts.items() if n > many}
        return self._everywhere


def plan_items(problem: Problem, stage: Stage) -> list[tuple[str, list[str]]]:
    """The plan's questions from this stage on: its expected points (with their keywords, which
    tell whether the candidate covered it), then the problem's probes."""
    order = [Stage.HIGH_LEVEL, Stage.DEEP_DIVE, Stage.TRADEOFFS]
    later = order[order.index(stage) :] if stage in order else [stage]
    items = [(p.question, p.keywords) for s in later for p in problem.expected.get(s, [])]
    return items + [(p.question, []) for p in problem.probes]
