"""Ratings, predicate matrix, suggested results rating, talent 9-box and objection window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.rating import (
    OBJECTION_WINDOW_DAYS,
    CoreValue,
    Period,
    PotentialLevel,
    Predicate,
    Rating,
    objection_allowed,
    performance_level,
    predicate_for,
    suggest_results_rating,
    talent_box,
)

ABOVE = Rating.DI_ATAS_EKSPEKTASI
AS_EXPECTED = Rating.SESUAI_EKSPEKTASI
BELOW = Rating.DI_BAWAH_EKSPEKTASI
MAIN, ADDITIONAL = True, False

target_ratings = st.lists(st.tuples(st.sampled_from(Rating), st.booleans()), min_size=1)


@pytest.mark.parametrize(
    ("results", "behaviour", "expected"),
    [
        (ABOVE, ABOVE, Predicate.SANGAT_BAIK),
        (ABOVE, AS_EXPECTED, Predicate.BAIK),
        (ABOVE, BELOW, Predicate.KURANG),
        (AS_EXPECTED, ABOVE, Predicate.BAIK),
        (AS_EXPECTED, AS_EXPECTED, Predicate.BAIK),
        (AS_EXPECTED, BELOW, Predicate.KURANG),
        (BELOW, ABOVE, Predicate.BUTUH_PERBAIKAN),
        (BELOW, AS_EXPECTED, Predicate.BUTUH_PERBAIKAN),
        (BELOW, BELOW, Predicate.SANGAT_KURANG),
    ],
)
def test_predicate_is_derived_from_the_matrix(
    results: Rating, behaviour: Rating, expected: Predicate
) -> None:
    assert predicate_for(results, behaviour) is expected


def test_predicates_rank_from_sangat_baik_down_to_sangat_kurang() -> None:
    assert [p.rank for p in Predicate] == [5, 4, 3, 2, 1]


def test_a_predicate_is_at_least_itself_and_anything_worse() -> None:
    assert Predicate.BAIK.at_least(Predicate.BAIK)
    assert Predicate.BAIK.at_least(Predicate.SANGAT_KURANG)
    assert not Predicate.BAIK.at_least(Predicate.SANGAT_BAIK)
    assert not Predicate.KURANG.at_least(Predicate.BUTUH_PERBAIKAN)


def test_enumerations_carry_the_domain_words() -> None:
    assert len(CoreValue) == 7
    assert CoreValue.BERORIENTASI_PELAYANAN == "BERORIENTASI_PELAYANAN"
    assert [p.value for p in Period][-1] == "TAHUNAN"
    assert [p.value for p in PotentialLevel] == ["RENDAH", "MENENGAH", "TINGGI"]


def test_most_targets_above_and_no_main_target_below_suggests_above() -> None:
    ratings = [(ABOVE, MAIN), (ABOVE, ADDITIONAL), (AS_EXPECTED, MAIN)]
    assert suggest_results_rating(ratings) is ABOVE


def test_all_targets_above_suggests_above() -> None:
    assert suggest_results_rating([(ABOVE, MAIN)]) is ABOVE


def test_an_additional_target_below_does_not_block_above() -> None:
    ratings = [(ABOVE, MAIN), (ABOVE, MAIN), (BELOW, ADDITIONAL)]
    assert suggest_results_rating(ratings) is ABOVE


def test_one_main_target_below_blocks_above() -> None:
    ratings = [(ABOVE, MAIN), (ABOVE, ADDITIONAL), (ABOVE, ADDITIONAL), (BELOW, MAIN)]
    assert suggest_results_rating(ratings) is AS_EXPECTED


def test_most_targets_below_suggests_below() -> None:
    ratings = [(BELOW, MAIN), (BELOW, ADDITIONAL), (ABOVE, MAIN)]
    assert suggest_results_rating(ratings) is BELOW


def test_half_above_is_not_most_and_suggests_as_expected() -> None:
    ratings = [(ABOVE, MAIN), (ABOVE, MAIN), (AS_EXPECTED, MAIN), (BELOW, ADDITIONAL)]
    assert suggest_results_rating(ratings) is AS_EXPECTED


def test_half_below_is_not_most_and_suggests_as_expected() -> None:
    assert suggest_results_rating([(BELOW, MAIN), (ABOVE, ADDITIONAL)]) is AS_EXPECTED


def test_mostly_as_expected_suggests_as_expected() -> None:
    ratings = [(AS_EXPECTED, MAIN), (AS_EXPECTED, ADDITIONAL), (ABOVE, MAIN)]
    assert suggest_results_rating(ratings) is AS_EXPECTED


def test_no_targets_cannot_suggest_a_rating() -> None:
    with pytest.raises(InvalidValue) as refused:
        suggest_results_rating([])
    assert refused.value.field == "targetRatings"


@given(ratings=target_ratings, data=st.data())
def test_suggestion_does_not_depend_on_the_order_of_targets(
    ratings: list[tuple[Rating, bool]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(ratings))
    assert suggest_results_rating(shuffled) is suggest_results_rating(ratings)


@given(ratings=target_ratings)
def test_a_main_target_below_never_suggests_above(ratings: list[tuple[Rating, bool]]) -> None:
    assert suggest_results_rating([*ratings, (BELOW, MAIN)]) is not ABOVE


@given(rating=st.sampled_from(Rating), flags=st.lists(st.booleans(), min_size=1))
def test_targets_all_rated_alike_suggest_that_rating(rating: Rating, flags: list[bool]) -> None:
    assert suggest_results_rating([(rating, is_main) for is_main in flags]) is rating


@pytest.mark.parametrize(
    ("predicate", "level"),
    [
        (Predicate.SANGAT_BAIK, ABOVE),
        (Predicate.BAIK, AS_EXPECTED),
        (Predicate.BUTUH_PERBAIKAN, BELOW),
        (Predicate.KURANG, BELOW),
        (Predicate.SANGAT_KURANG, BELOW),
    ],
)
def test_performance_level_follows_the_predicate(predicate: Predicate, level: Rating) -> None:
    assert performance_level(predicate) is level


@pytest.mark.parametrize(
    ("predicate", "potential", "box"),
    [
        (Predicate.BUTUH_PERBAIKAN, PotentialLevel.RENDAH, 1),
        (Predicate.BAIK, PotentialLevel.RENDAH, 2),
        (Predicate.KURANG, PotentialLevel.MENENGAH, 3),
        (Predicate.SANGAT_BAIK, PotentialLevel.RENDAH, 4),
        (Predicate.BAIK, PotentialLevel.MENENGAH, 5),
        (Predicate.SANGAT_KURANG, PotentialLevel.TINGGI, 6),
        (Predicate.SANGAT_BAIK, PotentialLevel.MENENGAH, 7),
        (Predicate.BAIK, PotentialLevel.TINGGI, 8),
        (Predicate.SANGAT_BAIK, PotentialLevel.TINGGI, 9),
    ],
)
def test_talent_box_places_each_cell_of_the_nine_box(
    predicate: Predicate, potential: PotentialLevel, box: int
) -> None:
    assert talent_box(predicate, potential) == box


def test_every_below_predicate_shares_the_same_talent_box() -> None:
    for potential in PotentialLevel:
        boxes = {
            talent_box(p, potential)
            for p in (Predicate.BUTUH_PERBAIKAN, Predicate.KURANG, Predicate.SANGAT_KURANG)
        }
        assert len(boxes) == 1


FINALISED = date(2025, 1, 31)


def test_objection_on_the_day_of_finalisation_is_allowed() -> None:
    assert objection_allowed(FINALISED, FINALISED)


def test_objection_on_day_14_is_allowed() -> None:
    assert OBJECTION_WINDOW_DAYS == 14
    assert objection_allowed(FINALISED, FINALISED + timedelta(days=14))


def test_objection_on_day_15_is_refused() -> None:
    assert not objection_allowed(FINALISED, FINALISED + timedelta(days=15))


def test_objection_before_finalisation_is_refused() -> None:
    assert not objection_allowed(FINALISED, FINALISED - timedelta(days=1))
