"""The IKM of PermenPAN-RB 14/2017: its value, its grade at each boundary, the required sample."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.satisfaction import GRADE_FLOORS, IkmGrade, SurveyResult, grade, ikm, required_sample


def test_nine_scores_of_3_50_give_87_50_grade_b() -> None:
    result = SurveyResult.of(1000, 300, [3.50] * 9)
    assert (result.ikm, result.grade) == (Decimal("87.50"), IkmGrade.B)


def test_nine_scores_of_3_54_give_88_50_grade_a() -> None:
    result = SurveyResult.of(1000, 300, [3.54] * 9)
    assert (result.ikm, result.grade) == (Decimal("88.50"), IkmGrade.A)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("88.31", IkmGrade.A),
        ("88.30", IkmGrade.B),
        ("76.61", IkmGrade.B),
        ("76.60", IkmGrade.C),
        ("65.00", IkmGrade.C),
        ("64.99", IkmGrade.D),
        ("100.00", IkmGrade.A),
        ("25.00", IkmGrade.D),
    ],
)
def test_each_boundary_falls_on_its_side(value: str, expected: IkmGrade) -> None:
    assert grade(Decimal(value)) == expected


def test_the_ikm_rounds_half_up_to_two_decimals() -> None:
    # mean 3.5322... x 25 = 88.305... -> 88.31 (grade A), never truncated to 88.30
    scores = [
        Decimal(s) for s in ("3.53", "3.53", "3.53", "3.53", "3.53", "3.53", "3.53", "3.54", "3.54")
    ]
    assert ikm(scores) == Decimal("88.31")
    assert SurveyResult.of(100, 80, scores).grade == IkmGrade.A


@pytest.mark.parametrize("bad", [0.9, 4.1, float("nan")])
def test_a_score_outside_1_to_4_is_refused_naming_the_field(bad: float) -> None:
    with pytest.raises(InvalidValue) as refused:
        SurveyResult.of(100, 80, [3.0] * 8 + [bad])
    assert refused.value.field == "elementScores"
    assert "element 9" in refused.value.message


def test_eight_elements_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        SurveyResult.of(100, 80, [3.0] * 8)
    assert refused.value.field == "elementScores"
    assert "nine" in refused.value.message or "9" in refused.value.message


@pytest.mark.parametrize(("population", "needed"), [(10, 10), (100, 80), (1000, 278), (1, 1)])
def test_required_sample_follows_krejcie_morgan(population: int, needed: int) -> None:
    assert required_sample(population) == needed


def test_too_few_respondents_is_recorded_and_flagged_never_refused() -> None:
    result = SurveyResult.of(1000, 200, [3.2] * 9)
    assert (result.required_sample, result.sample_sufficient) == (278, False)
    assert SurveyResult.of(1000, 278, [3.2] * 9).sample_sufficient


@pytest.mark.parametrize(
    ("population", "respondents", "field"),
    [(0, 0, "population"), (10, 0, "respondents"), (10, 11, "respondents"), (-5, 1, "population")],
)
def test_impossible_counts_are_refused(population: int, respondents: int, field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        SurveyResult.of(population, respondents, [3.0] * 9)
    assert refused.value.field == field


_NRR = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("4.00"), places=2)


@given(scores=st.lists(_NRR, min_size=9, max_size=9))
def test_the_ikm_stays_within_25_and_100_and_its_grade_matches_its_band(
    scores: list[Decimal],
) -> None:
    result = SurveyResult.of(500, 217, scores)
    assert Decimal("25.00") <= result.ikm <= Decimal("100.00")
    assert result.ikm == result.ikm.quantize(Decimal("0.01"))
    floors = dict((g, f) for f, g in GRADE_FLOORS)
    ceilings = {
        IkmGrade.A: Decimal("100.00"),
        IkmGrade.B: Decimal("88.30"),
        IkmGrade.C: Decimal("76.60"),
        IkmGrade.D: Decimal("64.99"),
    }
    assert floors[result.grade] <= result.ikm <= ceilings[result.grade]
