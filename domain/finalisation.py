"""Decisions that span an evaluation and its unit's year: finalising and revising with the check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from domain.assessment import AssessmentDraft, assess
from domain.distribution import DEFAULT_DISTRIBUTION_RULES, DistributionRuleSet
from domain.evaluation import Evaluation, EvaluationStatus
from domain.plan import PlanTarget
from domain.rating import CoreValue, Period, Predicate
from domain.unit_year import DistributionOutcome, UnitYear


@dataclass(frozen=True)
class Distribution:
    """What the annual distribution check needs: the unit's year and its current employees."""

    unit_year: UnitYear | None
    unit_employee_ids: tuple[UUID, ...] = ()
    rules: DistributionRuleSet = field(default=DEFAULT_DISTRIBUTION_RULES)


def _check_annual(
    evaluation: Evaluation, predicate: Predicate, distribution: Distribution, at: datetime
) -> tuple[UnitYear | None, DistributionOutcome | None]:
    if evaluation.period is not Period.TAHUNAN:
        return None, None
    unit_year = distribution.unit_year or UnitYear.open(evaluation.unit_code, evaluation.year, at)
    outcome = unit_year.record_annual_predicate(
        evaluation.employee_id,
        evaluation.id,
        predicate,
        distribution.unit_employee_ids,
        distribution.rules,
        at,
    )
    return unit_year, outcome


def finalise_evaluation(
    evaluation: Evaluation, distribution: Distribution, at: datetime
) -> UnitYear | None:
    """Finalise; an annual evaluation also counts in (and is checked against) its unit's year."""
    evaluation.require_status(EvaluationStatus.SUBMITTED, "the evaluation is already final")
    unit_year, outcome = _check_annual(
        evaluation, evaluation.assessment.predicate, distribution, at
    )
    evaluation.finalise(outcome, at)
    return unit_year


def uphold_objection(
    evaluation: Evaluation,
    targets: Sequence[PlanTarget],
    draft: AssessmentDraft,
    reason: str,
    distribution: Distribution,
    at: datetime,
) -> UnitYear | None:
    """Revise with new ratings; notes, feedback and needs not given are kept from the original."""
    evaluation.require_status(EvaluationStatus.OBJECTED, "there is no open objection")
    original = evaluation.assessment
    notes = draft.behaviour_notes
    if notes is None:
        notes = [(CoreValue(k), v) for k, v in original.behaviour_notes.items()]
    needs = draft.development_needs
    complete = replace(
        draft,
        behaviour_notes=notes,
        feedback=original.feedback if draft.feedback is None else draft.feedback,
        development_needs=original.development_needs if needs is None else needs,
    )
    assessment = assess(targets, complete)
    unit_year, outcome = _check_annual(evaluation, assessment.predicate, distribution, at)
    evaluation.uphold_objection(assessment, reason, outcome, at)
    return unit_year
