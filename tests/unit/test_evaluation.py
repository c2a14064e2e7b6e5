"""Evaluations as pure domain decisions: given a plan and events, when a command, then events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.assessment import AssessmentDraft, TargetRating
from domain.cycle import PerformanceCycle
from domain.distribution import DEFAULT_DISTRIBUTION_RULES as RULES
from domain.distribution import OrganizationPredicate
from domain.errors import InvalidValue, RuleBroken
from domain.evaluation import Evaluation, EvaluationStatus
from domain.finalisation import Distribution, finalise_evaluation, uphold_objection
from domain.plan import PerformancePlan, PlanTarget
from domain.rating import CoreValue, Period, Predicate, Rating
from domain.unit_year import UnitYear

ABOVE, AS_EXPECTED, BELOW = (
    Rating.DI_ATAS_EKSPEKTASI,
    Rating.SESUAI_EKSPEKTASI,
    Rating.DI_BAWAH_EKSPEKTASI,
)
AT = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
NOTES = [(value, f"catatan {value.value}") for value in CoreValue]


def plan(*mains: bool, employee_id: UUID | None = None) -> PerformancePlan:
    targets = [PlanTarget.parse(f"Target {i}", "indikator", "100%", m) for i, m in enumerate(mains)]
    return PerformancePlan.agree(employee_id or uuid4(), "DINKES", 2026, targets, AT)


def draft(*ratings: Rating, behaviour: Rating = AS_EXPECTED, **changes: object) -> AssessmentDraft:
    fields: dict[str, object] = {
        "target_ratings": [TargetRating(i, r, ("SK-1",)) for i, r in enumerate(ratings)],
        "behaviour_rating": behaviour,
        "behaviour_notes": NOTES,
        "feedback": "Pertahankan.",
        "development_needs": ["Analisis Data"],
    }
    fields.update(changes)
    return AssessmentDraft(**fields)  # type: ignore[arg-type]


def submitted(
    skp: PerformancePlan, d: AssessmentDraft, period: Period = Period.TAHUNAN
) -> Evaluation:
    return Evaluation.submit(skp, "DINKES", period, d, AT)


def test_most_targets_above_and_no_main_below_suggests_above() -> None:
    evaluation = submitted(plan(True, False, False), draft(ABOVE, ABOVE, BELOW))
    assert evaluation.assessment.results_rating is ABOVE


def test_one_main_target_below_blocks_above() -> None:
    evaluation = submitted(plan(False, False, True), draft(ABOVE, ABOVE, BELOW))
    assert evaluation.assessment.suggested_results_rating is AS_EXPECTED


def test_most_targets_below_suggests_below() -> None:
    evaluation = submitted(plan(True, True, True), draft(BELOW, BELOW, ABOVE))
    assert evaluation.assessment.results_rating is BELOW


def test_a_tie_suggests_as_expected() -> None:
    evaluation = submitted(plan(False, False), draft(ABOVE, BELOW))
    assert evaluation.assessment.results_rating is AS_EXPECTED


def test_another_results_rating_needs_a_justification() -> None:
    with pytest.raises(InvalidValue) as refused:
        submitted(plan(True), draft(AS_EXPECTED, results_rating=ABOVE))
    assert refused.value.field == "ratingJustification"
    justified = draft(AS_EXPECTED, results_rating=ABOVE, rating_justification="Tugas tambahan.")
    assert submitted(plan(True), justified).assessment.results_rating is ABOVE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_ratings": []}, "targetRatings"),
        ({"target_ratings": [TargetRating(3, ABOVE)]}, "targetIndex"),
        ({"target_ratings": [TargetRating(0, ABOVE), TargetRating(0, BELOW)]}, "targetIndex"),
        ({"behaviour_notes": NOTES[:6]}, "behaviourNotes"),
        ({"behaviour_notes": None}, "behaviourNotes"),
        ({"feedback": "  "}, "feedback"),
        ({"development_needs": [""]}, "developmentNeeds"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        submitted(plan(True), draft(ABOVE, **changes))
    assert refused.value.field == field


def test_a_plan_needs_targets() -> None:
    with pytest.raises(InvalidValue) as refused:
        PerformancePlan.agree(uuid4(), "DINKES", 2026, [], AT)
    assert refused.value.field == "targets"


def test_the_predicate_comes_from_the_matrix_when_finalised() -> None:
    evaluation = submitted(plan(True), draft(BELOW, behaviour=ABOVE), Period.TRIWULAN_I)
    assert finalise_evaluation(evaluation, Distribution(None), AT) is None
    finalised = evaluation.collect_events()[-1]
    assert isinstance(finalised, Evaluation.Finalised)
    assert finalised.predicate == Predicate.BUTUH_PERBAIKAN.value
    assert finalised.development_needs == ["Analisis Data"]
    with pytest.raises(RuleBroken):
        finalise_evaluation(evaluation, Distribution(None), AT)


def test_a_correction_before_finalisation_needs_a_reason() -> None:
    skp = plan(True)
    evaluation = submitted(skp, draft(AS_EXPECTED))
    with pytest.raises(InvalidValue) as refused:
        evaluation.correct(skp.target_list, draft(ABOVE), " ", AT)
    assert refused.value.field == "reason"
    evaluation.correct(skp.target_list, draft(ABOVE, behaviour=ABOVE), "salah ketik", AT)
    finalise_evaluation(evaluation, Distribution(None), AT)
    assert evaluation.predicate is Predicate.SANGAT_BAIK
    with pytest.raises(RuleBroken):
        evaluation.correct(skp.target_list, draft(BELOW), "terlambat", AT)


def _final(days_ago: int) -> Evaluation:
    evaluation = submitted(plan(True), draft(AS_EXPECTED), Period.TRIWULAN_II)
    finalise_evaluation(evaluation, Distribution(None), AT - timedelta(days=days_ago))
    return evaluation


def test_an_objection_on_day_14_is_accepted() -> None:
    evaluation = _final(14)
    evaluation.file_objection("Bukti belum dinilai.", AT)
    assert evaluation.status is EvaluationStatus.OBJECTED


def test_an_objection_on_day_15_is_refused() -> None:
    with pytest.raises(RuleBroken) as refused:
        _final(15).file_objection("Bukti belum dinilai.", AT)
    assert refused.value.rule == "objection_window"


def test_an_upheld_objection_revises_and_references_the_original() -> None:
    skp = plan(True)
    evaluation = Evaluation.submit(skp, "DINKES", Period.TRIWULAN_II, draft(AS_EXPECTED), AT)
    finalise_evaluation(evaluation, Distribution(None), AT)
    evaluation.file_objection("Bukti belum dinilai.", AT)
    revised = draft(ABOVE, behaviour=ABOVE, behaviour_notes=None, feedback=None)
    uphold_objection(evaluation, skp.target_list, revised, "Bukti sah.", Distribution(None), AT)
    upheld = evaluation.collect_events()[-1]
    assert isinstance(upheld, Evaluation.ObjectionUpheld)
    assert (upheld.previous_predicate, upheld.predicate) == ("BAIK", "SANGAT_BAIK")
    assert upheld.revises_version == 2
    assert upheld.feedback == "Pertahankan."
    assert evaluation.status is EvaluationStatus.REVISED


RATINGS = {
    Predicate.SANGAT_BAIK: (ABOVE, ABOVE),
    Predicate.BAIK: (AS_EXPECTED, AS_EXPECTED),
    Predicate.BUTUH_PERBAIKAN: (BELOW, AS_EXPECTED),
    Predicate.KURANG: (AS_EXPECTED, BELOW),
    Predicate.SANGAT_KURANG: (BELOW, BELOW),
}
SB, B = Predicate.SANGAT_BAIK, Predicate.BAIK
BP, K, SK = Predicate.BUTUH_PERBAIKAN, Predicate.KURANG, Predicate.SANGAT_KURANG
Org = OrganizationPredicate


def finalise_annual(
    org: Org, finals: list[Predicate], last: Predicate, *, override: bool = False
) -> Evaluation.Finalised:
    """A unit of len(finals) + 1 employees: `finals` are final, then the last one is finalised."""
    staff = tuple(uuid4() for _ in range(len(finals) + 1))
    unit_year = UnitYear.open("DINKES", 2026, AT)
    for employee_id, predicate in zip(staff, finals, strict=False):
        unit_year.record_annual_predicate(employee_id, uuid4(), predicate, staff, RULES, AT)
    unit_year.set_organization_predicate(org, AT)
    if override:
        unit_year.record_override("Capaian unit luar biasa.", AT)
    results, behaviour = RATINGS[last]
    skp = plan(True, employee_id=staff[-1])
    evaluation = submitted(skp, draft(results, behaviour=behaviour))
    finalise_evaluation(evaluation, Distribution(unit_year, staff), AT)
    recorded = unit_year.collect_events()[-1]
    assert isinstance(recorded, UnitYear.AnnualPredicateRecorded)
    assert recorded.rule_version == RULES.version
    event = evaluation.collect_events()[-1]
    assert isinstance(event, Evaluation.Finalised)
    return event


@pytest.mark.parametrize(
    ("org", "finals", "last"),
    [
        (Org.ISTIMEWA, [SB] * 6 + [B] * 3, SB),
        (Org.BAIK, [B] * 6 + [SB] * 2 + [BP], B),
        (Org.BUTUH_PERBAIKAN, [B] * 4 + [BP] * 5, SB),
        (Org.KURANG, [B] * 2 + [BP] * 5 + [K] * 2, SK),
        (Org.SANGAT_KURANG, [SK] * 5 + [K] * 3 + [B], SK),
    ],
)
def test_a_distribution_within_the_bounds_passes(
    org: Org, finals: list[Predicate], last: Predicate
) -> None:
    event = finalise_annual(org, finals, last)
    assert event.distribution_rule_version == RULES.version
    assert event.organization_predicate == org.value
    assert not event.distribution_flagged


@pytest.mark.parametrize(
    ("org", "finals", "last"),
    [
        (Org.ISTIMEWA, [SB] * 7 + [B] * 2, SB),
        (Org.BAIK, [B] * 7 + [SB] + [BP], B),
        (Org.BAIK, [B] * 5 + [SB] * 4, SB),
        (Org.BUTUH_PERBAIKAN, [B] * 5 + [BP] * 4, B),
        (Org.BUTUH_PERBAIKAN, [SB] * 2 + [BP] * 7, SB),
        (Org.KURANG, [B] * 3 + [BP] * 6, B),
        (Org.KURANG, [B] * 2 + [BP] * 6 + [K], BP),
        (Org.SANGAT_KURANG, [SK] * 5 + [K] * 4, K),
        (Org.SANGAT_KURANG, [SK] * 9, SB),
    ],
)
def test_a_distribution_outside_the_bounds_is_refused(
    org: Org, finals: list[Predicate], last: Predicate
) -> None:
    with pytest.raises(RuleBroken) as refused:
        finalise_annual(org, finals, last)
    assert refused.value.rule == "distribution"
    assert f"v{RULES.version}" in refused.value.message


def test_exactly_70_percent_is_allowed_and_above_it_refused() -> None:
    assert not finalise_annual(Org.ISTIMEWA, [SB] * 6 + [B] * 3, SB).distribution_flagged
    with pytest.raises(RuleBroken):
        finalise_annual(Org.ISTIMEWA, [SB] * 7 + [B] * 2, SB)


def test_an_override_lets_it_pass_flagged_with_the_justification() -> None:
    event = finalise_annual(Org.ISTIMEWA, [SB] * 7 + [B] * 2, SB, override=True)
    assert event.distribution_flagged
    assert event.override_justification == "Capaian unit luar biasa."


def test_quarterly_evaluations_are_not_distribution_checked() -> None:
    evaluation = submitted(plan(True), draft(ABOVE, behaviour=ABOVE), Period.TRIWULAN_III)
    assert finalise_evaluation(evaluation, Distribution(None), AT) is None


def test_a_closed_cycle_refuses_its_periods() -> None:
    cycle = PerformanceCycle.open(2026, AT)
    cycle.require_open_for(Period.TAHUNAN)
    cycle.close(AT)
    with pytest.raises(InvalidValue) as refused:
        cycle.require_open_for(Period.TAHUNAN)
    assert refused.value.field == "period"
    with pytest.raises(InvalidValue):
        PerformanceCycle.open(1999, AT)
