"""Programme impact cohorts: who had a need closed by training before their next evaluation."""

from __future__ import annotations

from domain.programme_impact import (
    CLOSED_BY_TRAINING,
    STAYED_OPEN,
    Cohort,
    FinalEvaluation,
    change,
    cohorts,
)


def _evaluation(
    rank: int,
    predicate: str,
    position: int,
    needs: dict[str, int | None] | None = None,
    year: int = 2026,
    unit: str = "DPMPTSP",
) -> FinalEvaluation:
    return FinalEvaluation(year, rank, unit, predicate, position, needs or {})


def _trained(improves: bool, closed_at: int = 15) -> list[FinalEvaluation]:
    return [
        _evaluation(1, "BUTUH_PERBAIKAN", 10, {"Perizinan": closed_at}),
        _evaluation(2, "BAIK" if improves else "BUTUH_PERBAIKAN", 20),
    ]


def _untrained(improves: bool) -> list[FinalEvaluation]:
    return [
        _evaluation(1, "BAIK", 11, {"Perizinan": None}),
        _evaluation(2, "SANGAT_BAIK" if improves else "BAIK", 21),
    ]


def test_each_employee_counts_once_in_the_cohort_of_their_first_need_of_the_year() -> None:
    people = [_trained(True)] * 6 + [_trained(False)] * 2 + [_untrained(True)] * 1
    people += [_untrained(False)] * 7
    assert cohorts(people, 2026) == (
        Cohort(CLOSED_BY_TRAINING, 8, 6),
        Cohort(STAYED_OPEN, 8, 1),
    )


def test_a_need_closed_only_after_the_next_evaluation_counts_as_open() -> None:
    late = _trained(True, closed_at=25)
    assert cohorts([late], 2026) == (Cohort(CLOSED_BY_TRAINING, 0, 0), Cohort(STAYED_OPEN, 1, 1))


def test_no_next_evaluation_other_years_and_other_units_are_left_out() -> None:
    alone = [_evaluation(4, "BAIK", 10, {"Perizinan": 12})]
    earlier = [_evaluation(1, "BAIK", 5, {"X": 6}, year=2025), _evaluation(2, "BAIK", 9, year=2025)]
    elsewhere = [_evaluation(1, "BAIK", 10, {"X": 12}, unit="DINKES"), _evaluation(2, "BAIK", 20)]
    people = [alone, earlier, elsewhere]
    assert cohorts(people, 2026, "DPMPTSP") == (
        Cohort(CLOSED_BY_TRAINING, 0, 0),
        Cohort(STAYED_OPEN, 0, 0),
    )
    assert cohorts(people, 2026)[0] == Cohort(CLOSED_BY_TRAINING, 1, 0)


def test_a_later_need_closed_in_time_puts_the_employee_in_the_closed_cohort() -> None:
    # The need of TRIWULAN_I is named again in TRIWULAN_II, and the training closes that one
    # before TRIWULAN_III: the pair compared is TRIWULAN_II -> TRIWULAN_III.
    person = [
        _evaluation(1, "BAIK", 10, {"Perizinan": None}),
        _evaluation(2, "BUTUH_PERBAIKAN", 20, {"Perizinan": 25}),
        _evaluation(3, "BAIK", 30),
    ]
    assert cohorts([person], 2026) == (Cohort(CLOSED_BY_TRAINING, 1, 1), Cohort(STAYED_OPEN, 0, 0))


def test_change_is_last_minus_first_of_the_values_present() -> None:
    assert change([0.6, None, 0.85]) == 0.85 - 0.6
    assert change([None, 87.5]) is None
    assert change([]) is None


def test_counts_below_five_are_suppressed_and_their_rates_withheld() -> None:
    from schema.programme_impact import ImpactCohortType

    shown = ImpactCohortType.of(Cohort(CLOSED_BY_TRAINING, 8, 6))
    assert (shown.employees, shown.improved, shown.improved_rate) == ("8", "6", 0.75)
    hidden = ImpactCohortType.of(Cohort(STAYED_OPEN, 8, 1))
    assert (hidden.employees, hidden.improved, hidden.improved_rate) == ("8", "<5", None)
