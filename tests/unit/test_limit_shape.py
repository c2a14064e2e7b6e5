"""The limits read an integer's value and a list's length of the variables, nothing else: the
within-limits cache is keyed by that shape, so variables of one shape must measure the same."""

from __future__ import annotations

from typing import Any

from graphql import parse
from hypothesis import given
from hypothesis import strategies as st

from service.http.limits import Limits, limit_errors, limit_shape

PAGED = frozenset({"employees", "nodes"})
DOCUMENT = parse(
    "query Q($n: Int = 3, $m: Int, $ids: [ID!], $after: String) {"
    " a: employees(first: $n, after: $after) { edges { node { id } } }"
    " b: employees(last: $m) { edges { cursor } }"
    " nodes(ids: $ids) { id } c: employees(first: $ids) { edges { cursor } } }"
)
LIMITS = Limits(max_cost=400, max_page=100)

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=120),
)
variables = st.dictionaries(st.sampled_from(["n", "m", "ids", "after"]), values)


def _other_of_the_same_shape(given: dict[str, Any]) -> dict[str, Any]:
    def other(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, list):
            return ["x"] * len(value)
        return "something else"

    return {name: other(value) for name, value in given.items()}


@given(variables)
def test_variables_of_one_shape_are_within_the_same_limits(found: dict[str, Any]) -> None:
    other = _other_of_the_same_shape(found)
    assert limit_shape(other) == limit_shape(found)
    first = [e.message for e in limit_errors(DOCUMENT, LIMITS, PAGED, found)]
    assert first == [e.message for e in limit_errors(DOCUMENT, LIMITS, PAGED, other)]


def test_a_cursor_does_not_change_the_shape() -> None:
    assert limit_shape({"after": "abc", "n": 50}) == limit_shape({"after": "xyz", "n": 50})
    assert limit_shape({"n": 50}) != limit_shape({"n": 51})
    assert limit_shape({"ids": [1, 2]}) != limit_shape({"ids": [1]})
    assert limit_shape({"n": None}) != limit_shape({})
