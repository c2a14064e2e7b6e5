"""The limits' linear measure (each fragment measured once) finds what expanding every spread
would find: depth, aliases and cost of random fragment graphs, at the limit and one past it."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import parse
from hypothesis import given, settings
from hypothesis import strategies as st

from service.http.limits import Limits, limit_errors

PAGED = frozenset({"employees"})
DEFAULT_PAGE = 20


@dataclass(frozen=True)
class Item:
    kind: str  # "leaf", "spread" or "nest"
    alias: bool = False
    target: int = 0  # the fragment a spread or a nested field's selection spreads
    paged: bool = False
    first: int | None = None


def _items(index: int, count: int) -> st.SearchStrategy[list[Item]]:
    later = st.integers(index + 1, count) if index < count else st.nothing()
    leaf = st.builds(Item, kind=st.just("leaf"), alias=st.booleans())
    spread = st.builds(Item, kind=st.just("spread"), target=later)
    nest = st.builds(
        Item,
        kind=st.just("nest"),
        alias=st.booleans(),
        target=later,
        paged=st.booleans(),
        first=st.none() | st.integers(0, 5),
    )
    choices = st.one_of(leaf, spread, nest) if index < count else leaf
    return st.lists(choices, min_size=1, max_size=3)


@st.composite
def fragment_graphs(draw: st.DrawFn) -> list[list[Item]]:
    count = draw(st.integers(1, 6))
    return [draw(_items(i, count)) for i in range(count + 1)]


def _text(graph: list[list[Item]]) -> str:
    def selection(item: Item, number: int) -> str:
        alias = f"x{number}: " if item.alias else ""
        if item.kind == "leaf":
            return f"{alias}a"
        if item.kind == "spread":
            return f"...F{item.target}"
        name = "employees" if item.paged else "units"
        first = f"(first: {item.first})" if item.first is not None else ""
        return f"{alias}{name}{first} {{ ...F{item.target} }}"

    fragments = [
        f"fragment F{i} on Query {{ {' '.join(selection(it, n) for n, it in enumerate(items))} }}"
        for i, items in enumerate(graph)
    ]
    return "query { ...F0 } " + " ".join(fragments)


def _expanded(graph: list[list[Item]], index: int) -> tuple[int, int, int]:
    """(depth, cost, aliases) by expanding every spread, the slow way."""
    depth = cost = aliases = 0
    for item in graph[index]:
        if item.kind == "leaf":
            depth, cost, aliases = max(depth, 1), cost + 1, aliases + item.alias
            continue
        child_depth, child_cost, child_aliases = _expanded(graph, item.target)
        if item.kind == "spread":
            depth, cost, aliases = (
                max(depth, child_depth),
                cost + child_cost,
                aliases + child_aliases,
            )
            continue
        multiplier = 1
        if item.paged:
            multiplier = max(item.first, 1) if item.first is not None else DEFAULT_PAGE
        depth = max(depth, child_depth + 1)
        cost += 1 + multiplier * child_cost
        aliases += child_aliases + item.alias
    return depth, cost, aliases


def _messages(text: str, limits: Limits) -> str:
    return " ".join(e.message for e in limit_errors(parse(text), limits, PAGED, None))


@settings(max_examples=150, deadline=None)
@given(fragment_graphs())
def test_the_linear_measure_equals_the_expanded_one(graph: list[list[Item]]) -> None:
    text = _text(graph)
    depth, cost, aliases = _expanded(graph, 0)
    relaxed = {"max_duplicates": 10**9, "default_page": DEFAULT_PAGE}
    assert (
        _messages(text, Limits(max_depth=depth, max_cost=cost, max_aliases=aliases, **relaxed))
        == ""
    )
    below = Limits(max_depth=depth - 1, max_cost=cost - 1, max_aliases=aliases - 1, **relaxed)
    found = _messages(text, below)
    assert f"is {depth} levels deep" in found
    assert f"may cost {cost};" in found
    if aliases > 0:
        assert f"uses {aliases} aliases" in found
