"""Inputs of the performance mutations and their parsing into domain values."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.assessment import AssessmentDraft, TargetRating
from domain.plan import PlanTarget
from schema.descriptions import EXPECTED_VERSION, IDEMPOTENCY_KEY, NIP, PERIOD, UNIT_CODE, YEAR
from schema.enums import (
    CoreValueEnum,
    ObjectionOutcome,
    ObjectionOutcomeEnum,
    OrganizationPredicateEnum,
    PeriodEnum,
    PotentialLevelEnum,
    RatingEnum,
)
from service.handlers.performance import ResolveObjection

_NEW_DRAFT = " (the evaluator's draft)"
TARGET_RATINGS = "A rating for each target of the agreed plan, by index, with evidence."
BEHAVIOUR_RATING = "The one overall behaviour rating (BerAKHLAK)."
BEHAVIOUR_NOTES = "A note for each of the seven BerAKHLAK values; personal free text."
FEEDBACK = "The evaluator's feedback to the employee; personal free text."
RESULTS_RATING = "Absent: the rating suggested from the target ratings."
JUSTIFICATION = "Why the results rating differs from the suggestion; required then. Free text."
NEEDS = "Competency areas to develop (e.g. manajemen data); each opens a development need."
EVALUATION_ID = "The evaluation's id (`Evaluation.id`)."


def _f(description: str) -> Any:
    """A required input field with its description."""
    return strawberry.field(description=description)


def _opt(description: str) -> Any:
    """An optional input field (default null) with its description."""
    return strawberry.field(default=None, description=description)


@strawberry.input(description="Open a year's performance cycle (city-wide HR, ADMIN).")
class OpenCycleInput:
    year: int = _f("The calendar year to open; a year opens once.")
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="Close a year's cycle: its periods take no more evaluations.")
class CloseCycleInput:
    year: int = _f("The calendar year of an open cycle.")
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="One work target of an SKP (performance plan).")
class PlanTargetInput:
    title: str = _f("What is to be achieved (at most 300 characters).")
    indicator: str = _f("How achievement is measured (at most 500 characters).")
    target: str = _f("The level to reach, e.g. 95% or 12 reports (at most 300 characters).")
    main: bool = _f("True: a main target (utama); false: an additional one (tambahan).")


@strawberry.input(description="Agree an employee's SKP for a year (their supervisor or HR).")
class AgreePerformancePlanInput:
    nip: str = _f(NIP)
    year: int = _f("The year of an open cycle.")
    targets: list[PlanTargetInput] = _f("The work targets, in order; agreeing anew replaces them.")
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="The rating of one plan target with its evidence (bukti dukung).")
class TargetRatingInput:
    target_index: int = _f("The target's index in the agreed plan, from 0.")
    rating: RatingEnum = _f("How the target's realisation compares with it.")  # type: ignore[valid-type]
    evidence: list[str] | None = _opt("References to the evidence (bukti dukung), e.g. links.")


@strawberry.input(description="The evaluator's note on one BerAKHLAK value.")
class BehaviourNoteInput:
    value: CoreValueEnum = _f("The core value the note is about.")  # type: ignore[valid-type]
    note: str = _f("What the evaluator observed; personal free text.")


@strawberry.input(description="The evaluator submits an evaluation of a current subordinate.")
class SubmitEvaluationInput:
    nip: str = _f(NIP)
    year: int = _f("The year of an open cycle.")
    period: PeriodEnum = _f(PERIOD)  # type: ignore[valid-type]
    target_ratings: list[TargetRatingInput] = _f(TARGET_RATINGS)
    behaviour_rating: RatingEnum = _f(BEHAVIOUR_RATING)  # type: ignore[valid-type]
    behaviour_notes: list[BehaviourNoteInput] = _f(BEHAVIOUR_NOTES)
    feedback: str = _f(FEEDBACK)
    results_rating: RatingEnum | None = _opt(RESULTS_RATING)  # type: ignore[valid-type]
    rating_justification: str | None = _opt(JUSTIFICATION)
    development_needs: list[str] | None = _opt(NEEDS)
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="Finalise a submitted evaluation: the predicate is derived, fixed.")
class FinalizeEvaluationInput:
    evaluation_id: strawberry.ID = _f(EVALUATION_ID)
    expected_version: int | None = _opt(EXPECTED_VERSION)
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="Correct a submitted evaluation: a new event naming why.")
class CorrectEvaluationInput:
    evaluation_id: strawberry.ID = _f(EVALUATION_ID)
    reason: str = _f("Why it is corrected; personal free text, kept in its history.")
    target_ratings: list[TargetRatingInput] = _f(TARGET_RATINGS + _NEW_DRAFT)
    behaviour_rating: RatingEnum = _f(BEHAVIOUR_RATING)  # type: ignore[valid-type]
    behaviour_notes: list[BehaviourNoteInput] = _f(BEHAVIOUR_NOTES)
    feedback: str = _f(FEEDBACK)
    results_rating: RatingEnum | None = _opt(RESULTS_RATING)  # type: ignore[valid-type]
    rating_justification: str | None = _opt(JUSTIFICATION)
    development_needs: list[str] | None = _opt(NEEDS)
    expected_version: int | None = _opt(EXPECTED_VERSION)
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="The employee objects to their final evaluation within 14 days.")
class FileObjectionInput:
    evaluation_id: strawberry.ID = _f(EVALUATION_ID)
    reason: str = _f("The grounds of the objection; personal free text.")
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(
    description="UPHELD needs the new ratings; notes and feedback default to the old."
)
class ResolveObjectionInput:
    evaluation_id: strawberry.ID = _f(EVALUATION_ID)
    outcome: ObjectionOutcomeEnum = _f("Upheld (revise) or rejected.")  # type: ignore[valid-type]
    reason: str = _f("Why HR decided so; personal free text.")
    target_ratings: list[TargetRatingInput] | None = _opt(f"{TARGET_RATINGS} UPHELD only.")
    behaviour_rating: RatingEnum | None = _opt(f"{BEHAVIOUR_RATING} UPHELD only.")  # type: ignore[valid-type]
    behaviour_notes: list[BehaviourNoteInput] | None = _opt("Absent: the original's notes.")
    feedback: str | None = _opt("Absent: the original's feedback.")
    results_rating: RatingEnum | None = _opt(RESULTS_RATING)  # type: ignore[valid-type]
    rating_justification: str | None = _opt(JUSTIFICATION)
    development_needs: list[str] | None = _opt(NEEDS)
    expected_version: int | None = _opt(EXPECTED_VERSION)
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="Set a unit's organisation predicate for a year (HR).")
class SetOrganizationPredicateInput:
    unit_code: str = _f(UNIT_CODE)
    year: int = _f(YEAR)
    predicate: OrganizationPredicateEnum = _f(  # type: ignore[valid-type]
        "The unit's predicate; it bounds its employees' annual predicates."
    )
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="Allow a unit's annual evaluations outside the distribution bounds.")
class RecordDistributionOverrideInput:
    unit_code: str = _f(UNIT_CODE)
    year: int = _f(YEAR)
    justification: str = _f("Why the bounds do not fit; free text, shown to inspectors.")
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


@strawberry.input(description="Record an employee's potential from an assessment (talent box).")
class RecordPotentialInput:
    nip: str = _f(NIP)
    year: int = _f("The year of the assessment.")
    level: PotentialLevelEnum = _f("The assessed potential.")  # type: ignore[valid-type]
    idempotency_key: str | None = _opt(IDEMPOTENCY_KEY)


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
