"""Inputs of the performance mutations and their parsing into domain values."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry

from domain.assessment import AssessmentDraft, TargetRating
from domain.plan import PlanTarget
from schema.performance_enums import (
    CoreValueEnum,
    OrganizationPredicateEnum,
    PeriodEnum,
    PotentialLevelEnum,
    RatingEnum,
)
from service.handlers.performance import ResolveObjection


class ObjectionOutcome(StrEnum):
    """How HR resolves an objection."""

    UPHELD = "UPHELD"
    REJECTED = "REJECTED"


ObjectionOutcomeEnum = strawberry.enum(ObjectionOutcome, description="Upheld or rejected.")


@strawberry.input
class OpenCycleInput:
    year: int
    idempotency_key: str | None = None


@strawberry.input
class CloseCycleInput:
    year: int
    idempotency_key: str | None = None


@strawberry.input
class PlanTargetInput:
    title: str
    indicator: str
    target: str
    main: bool


@strawberry.input
class AgreePerformancePlanInput:
    nip: str
    year: int
    targets: list[PlanTargetInput]
    idempotency_key: str | None = None


@strawberry.input
class TargetRatingInput:
    target_index: int
    rating: RatingEnum  # type: ignore[valid-type]
    evidence: list[str] | None = None


@strawberry.input
class BehaviourNoteInput:
    value: CoreValueEnum  # type: ignore[valid-type]
    note: str


@strawberry.input
class SubmitEvaluationInput:
    nip: str
    year: int
    period: PeriodEnum  # type: ignore[valid-type]
    target_ratings: list[TargetRatingInput]
    behaviour_rating: RatingEnum  # type: ignore[valid-type]
    behaviour_notes: list[BehaviourNoteInput]
    feedback: str
    results_rating: RatingEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Absent: the suggested rating."
    )
    rating_justification: str | None = strawberry.field(
        default=None, description="Required when the results rating differs from the suggestion."
    )
    development_needs: list[str] | None = None
    idempotency_key: str | None = None


@strawberry.input
class FinalizeEvaluationInput:
    evaluation_id: strawberry.ID
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.input
class CorrectEvaluationInput:
    evaluation_id: strawberry.ID
    reason: str
    target_ratings: list[TargetRatingInput]
    behaviour_rating: RatingEnum  # type: ignore[valid-type]
    behaviour_notes: list[BehaviourNoteInput]
    feedback: str
    results_rating: RatingEnum | None = None  # type: ignore[valid-type]
    rating_justification: str | None = None
    development_needs: list[str] | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.input
class FileObjectionInput:
    evaluation_id: strawberry.ID
    reason: str
    idempotency_key: str | None = None


@strawberry.input(
    description="UPHELD needs the new ratings; notes and feedback default to the old."
)
class ResolveObjectionInput:
    evaluation_id: strawberry.ID
    outcome: ObjectionOutcomeEnum  # type: ignore[valid-type]
    reason: str
    target_ratings: list[TargetRatingInput] | None = None
    behaviour_rating: RatingEnum | None = None  # type: ignore[valid-type]
    behaviour_notes: list[BehaviourNoteInput] | None = None
    feedback: str | None = None
    results_rating: RatingEnum | None = None  # type: ignore[valid-type]
    rating_justification: str | None = None
    development_needs: list[str] | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None


@strawberry.input
class SetOrganizationPredicateInput:
    unit_code: str
    year: int
    predicate: OrganizationPredicateEnum  # type: ignore[valid-type]
    idempotency_key: str | None = None


@strawberry.input
class RecordDistributionOverrideInput:
    unit_code: str
    year: int
    justification: str
    idempotency_key: str | None = None


@strawberry.input
class RecordPotentialInput:
    nip: str
    year: int
    level: PotentialLevelEnum  # type: ignore[valid-type]
    idempotency_key: str | None = None


def draft_of(input: Any) -> AssessmentDraft:
    """The evaluator's input as domain values; the domain checks it."""
    notes = input.behaviour_notes
    return AssessmentDraft(
        target_ratings=[
            TargetRating(t.target_index, t.rating, tuple(t.evidence or ()))
            for t in input.target_ratings or ()
        ],
        behaviour_rating=input.behaviour_rating,
        behaviour_notes=None if notes is None else [(n.value, n.note) for n in notes],
        feedback=input.feedback,
        results_rating=input.results_rating,
        rating_justification=input.rating_justification,
        development_needs=input.development_needs,
    )


def targets_of(targets: list[PlanTargetInput]) -> list[PlanTarget]:
    """The plan's targets, each checked by the domain."""
    return [PlanTarget.parse(t.title, t.indicator, t.target, t.main) for t in targets]


def resolution_of(input: ResolveObjectionInput) -> ResolveObjection:
    """The resolve command; an upheld objection without new ratings is refused by the handler."""
    upheld = input.outcome is ObjectionOutcome.UPHELD
    has_ratings = input.target_ratings is not None and input.behaviour_rating is not None
    return ResolveObjection(
        evaluation_id=str(input.evaluation_id),
        upheld=upheld,
        reason=input.reason,
        draft=draft_of(input) if upheld and has_ratings else None,
        expected_version=input.expected_version,
    )
