"""The commands of performance management that carry more than a few values."""

from __future__ import annotations

from dataclasses import dataclass

from domain.assessment import AssessmentDraft
from domain.rating import Period


@dataclass(frozen=True)
class SubmitEvaluation:
    """Submit the evaluation of one employee for one period."""

    nip: str
    year: int
    period: Period
    draft: AssessmentDraft


@dataclass(frozen=True)
class ResolveObjection:
    """Uphold an objection with new ratings (`draft`) or reject it."""

    evaluation_id: str
    upheld: bool
    reason: str
    draft: AssessmentDraft | None = None
    expected_version: int | None = None
