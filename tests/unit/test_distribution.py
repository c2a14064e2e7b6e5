"""The distribution check of annual predicates as a versioned rule set."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.distribution import (
    DEFAULT_DISTRIBUTION_RULES,
    Bound,
    DistributionRuleSet,
    OrganizationPredicate,
    check_distribution,
    rules_from_data,
    rules_to_data,
)
from domain.errors import InvalidValue
from domain.rating import Predicate

SB, B = Predicate.SANGAT_BAIK, Predicate.BAIK
BP, K, SK = Predicate.BUTUH_PERBAIKAN, Predicate.KURANG, Predicate.SANGAT_KURANG
Org = OrganizationPredicate


def check(org: Org, predicates: list[Predicate], *, complete: bool = True) -> list[str]:
    return check_distribution(DEFAULT_DISTRIBUTION_RULES, org, predicates, complete=complete)


def test_istimewa_allows_exactly_70_percent_sangat_baik() -> None:
    assert check(Org.ISTIMEWA, [SB] * 7 + [B] * 3) == []


def test_istimewa_refuses_more_than_70_percent_sangat_baik() -> None:
    violations = check(Org.ISTIMEWA, [SB] * 8 + [B] * 2)
    assert len(violations) == 1
    assert "at most 70% SANGAT_BAIK" in violations[0]
    assert "got 8 of 10 (80%)" in violations[0]
    assert "v1" in violations[0]


def test_istimewa_refuses_a_share_just_above_70_percent() -> None:
    # 71 of 101 is 70.3%: exact fractions refuse it where rounding would not.
    assert check(Org.ISTIMEWA, [SB] * 71 + [B] * 30) != []
    assert check(Org.ISTIMEWA, [SB] * 70 + [B] * 31) == []


def test_baik_allows_exactly_70_percent_baik_with_one_butuh_perbaikan() -> None:
    assert check(Org.BAIK, [B] * 7 + [SB] * 2 + [BP]) == []


def test_baik_refuses_more_than_70_percent_baik() -> None:
    violations = check(Org.BAIK, [B] * 8 + [K] * 2)
    assert len(violations) == 1
    assert "at most 70% BAIK" in violations[0]


def test_baik_needs_one_butuh_perbaikan_or_kurang_once_complete() -> None:
    violations = check(Org.BAIK, [B] * 5 + [SB] * 5)
    assert len(violations) == 1
    assert "at least 1 BUTUH_PERBAIKAN or KURANG, got 0 of 10" in violations[0]
    assert check(Org.BAIK, [B] * 5 + [SB] * 4 + [K]) == []


def test_baik_does_not_ask_for_butuh_perbaikan_before_the_unit_is_complete() -> None:
    assert check(Org.BAIK, [SB], complete=False) == []


def test_max_bounds_hold_before_the_unit_is_complete() -> None:
    assert check(Org.BAIK, [B] * 8 + [SB] * 2, complete=False) != []
    assert check(Org.SANGAT_KURANG, [SB], complete=False) != []


def test_sangat_kurang_allows_exactly_60_percent_sangat_kurang() -> None:
    assert check(Org.SANGAT_KURANG, [SK] * 3 + [K, B]) == []


def test_sangat_kurang_needs_60_percent_sangat_kurang_once_complete() -> None:
    violations = check(Org.SANGAT_KURANG, [SK] * 5 + [K] * 4)
    assert len(violations) == 1
    assert "at least 60% SANGAT_KURANG, got 5 of 9 (55.56%)" in violations[0]


def test_sangat_kurang_does_not_ask_for_60_percent_before_the_unit_is_complete() -> None:
    assert check(Org.SANGAT_KURANG, [B, K], complete=False) == []


def test_sangat_kurang_refuses_any_sangat_baik() -> None:
    violations = check(Org.SANGAT_KURANG, [SK] * 9 + [SB])
    assert len(violations) == 1
    assert "allows no SANGAT_BAIK, got 1 of 10" in violations[0]


def test_butuh_perbaikan_allows_exactly_half_sangat_baik_or_baik() -> None:
    assert check(Org.BUTUH_PERBAIKAN, [SB, B, B, B, BP, BP, K, SK]) == []


def test_butuh_perbaikan_refuses_more_than_half_sangat_baik_or_baik() -> None:
    violations = check(Org.BUTUH_PERBAIKAN, [SB, B, B, B, B, BP, K, SK])
    assert len(violations) == 1
    assert "at most 50% SANGAT_BAIK or BAIK" in violations[0]


def test_butuh_perbaikan_allows_exactly_20_percent_sangat_baik_and_not_more() -> None:
    assert check(Org.BUTUH_PERBAIKAN, [SB, BP, BP, BP, K]) == []
    assert check(Org.BUTUH_PERBAIKAN, [SB, SB, BP, BP, BP, K]) != []


def test_kurang_allows_exactly_30_percent_sangat_baik_or_baik() -> None:
    assert check(Org.KURANG, [SB, B, B] + [K] * 3 + [BP] * 4) == []


def test_kurang_refuses_more_than_30_percent_sangat_baik_or_baik() -> None:
    violations = check(Org.KURANG, [B] * 4 + [K] * 6)
    assert len(violations) == 1
    assert "at most 30% SANGAT_BAIK or BAIK" in violations[0]


def test_kurang_needs_30_percent_kurang_or_sangat_kurang_only_once_complete() -> None:
    predicates = [B] * 3 + [BP] * 5 + [K, SK]
    violations = check(Org.KURANG, predicates)
    assert len(violations) == 1
    assert "at least 30% KURANG or SANGAT_KURANG, got 2 of 10 (20%)" in violations[0]
    assert check(Org.KURANG, predicates, complete=False) == []


def test_an_empty_unit_breaks_no_max_bound() -> None:
    for org in Org:
        assert check(org, [], complete=False) == []


@given(total=st.integers(min_value=1, max_value=60), data=st.data())
def test_istimewa_refuses_exactly_the_shares_above_70_percent(
    total: int, data: st.DataObject
) -> None:
    sangat_baik = data.draw(st.integers(min_value=0, max_value=total))
    predicates = [SB] * sangat_baik + [B] * (total - sangat_baik)
    refused = check(Org.ISTIMEWA, predicates) != []
    assert refused == (10 * sangat_baik > 7 * total)


def test_a_rule_set_without_bounds_for_a_predicate_allows_anything() -> None:
    rules = DistributionRuleSet(version=2, bounds={})
    assert check_distribution(rules, Org.ISTIMEWA, [SB] * 10, complete=True) == []


def test_the_default_rule_set_survives_a_json_round_trip() -> None:
    data = json.loads(json.dumps(rules_to_data(DEFAULT_DISTRIBUTION_RULES)))
    assert rules_from_data(data) == DEFAULT_DISTRIBUTION_RULES
    assert data["version"] == 1
    assert data["bounds"]["ISTIMEWA"][0]["max_share"] == "7/10"
    assert data["bounds"]["BAIK"][1]["predicates"] == ["BUTUH_PERBAIKAN", "KURANG"]


def test_a_published_version_is_checked_as_published() -> None:
    data = rules_to_data(DEFAULT_DISTRIBUTION_RULES)
    data["version"] = 2
    data["bounds"]["ISTIMEWA"][0]["max_share"] = "1/2"
    rules = rules_from_data(data)
    violations = check_distribution(rules, Org.ISTIMEWA, [SB] * 6 + [B] * 4, complete=True)
    assert violations == [
        "organisation predicate ISTIMEWA allows at most 50% SANGAT_BAIK, "
        "got 6 of 10 (60%) (distribution rules v2)"
    ]


def test_rule_sets_are_frozen_and_hashable() -> None:
    assert hash(DEFAULT_DISTRIBUTION_RULES) == hash(
        rules_from_data(rules_to_data(DEFAULT_DISTRIBUTION_RULES))
    )
    with pytest.raises(TypeError):
        DEFAULT_DISTRIBUTION_RULES.bounds[Org.ISTIMEWA] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    "data",
    [
        {"version": "1", "bounds": {}},
        {"version": 0, "bounds": {}},
        {"version": 1, "bounds": {"GEMILANG": []}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["HEBAT"], "max_count": 0}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["BAIK"], "max_share": 0.7}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["BAIK"], "max_share": "7/0"}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["BAIK"], "max_share": "3/2"}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["BAIK"], "min_count": -1}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["BAIK"], "min_count": True}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": ["BAIK"]}]}},
        {"version": 1, "bounds": {"ISTIMEWA": [{"predicates": [], "max_count": 0}]}},
    ],
)
def test_malformed_rule_data_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(InvalidValue) as refused:
        rules_from_data(data)
    assert refused.value.field == "distributionRules"


def test_a_share_bound_that_is_no_round_percentage_is_still_exact() -> None:
    bound = Bound(predicates=frozenset({SB, B}), max_share=Fraction(2, 3))
    rules = DistributionRuleSet(version=3, bounds={Org.ISTIMEWA: (bound,)})
    assert check_distribution(rules, Org.ISTIMEWA, [SB, B, K], complete=True) == []
    violations = check_distribution(rules, Org.ISTIMEWA, [SB, B, B, K], complete=True)
    assert violations == [
        "organisation predicate ISTIMEWA allows at most 66.67% SANGAT_BAIK or BAIK, "
        "got 3 of 4 (75%) (distribution rules v3)"
    ]


def test_maximum_shares_count_the_whole_unit_so_finalisation_order_does_not_matter() -> None:
    first = [Predicate.SANGAT_BAIK]
    assert (
        check_distribution(
            DEFAULT_DISTRIBUTION_RULES,
            OrganizationPredicate.ISTIMEWA,
            first,
            complete=False,
            population=10,
        )
        == []
    )
    seven = [Predicate.SANGAT_BAIK] * 7
    assert (
        check_distribution(
            DEFAULT_DISTRIBUTION_RULES,
            OrganizationPredicate.ISTIMEWA,
            seven,
            complete=False,
            population=10,
        )
        == []
    )
    eight = [Predicate.SANGAT_BAIK] * 8
    [problem] = check_distribution(
        DEFAULT_DISTRIBUTION_RULES,
        OrganizationPredicate.ISTIMEWA,
        eight,
        complete=False,
        population=10,
    )
    assert "8 of 10 (80%)" in problem
