"""The real question bank's concept lexicon, for typing diagrams."""

from __future__ import annotations

import pytest

from interviewer.bank import load_bank
from interviewer.diagrams.kinds import ConceptPatterns


@pytest.fixture(scope="session")
def concepts() -> ConceptPatterns:
    return load_bank().concept_patterns
