"""Employees paged forward (`first`/`after`) and backward (`last`/`before`) over HTTP: the same
employees in the same order, a complete `PageInfo` at both ends, `totalCount`, bounded `last`."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.pagination import encode_cursor
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
STAFF = 13  # in DINKES; one more in DISDIK
PAGE = """
query($first: Int, $after: String, $last: Int, $before: String, $unit: String) {
  employees(first: $first, after: $after, last: $last, before: $before, unitCode: $unit) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}"""
REGISTER = """
mutation($nip: String!, $unit: String!) {
  registerEmployee(input: {nip: $nip, name: "Pegawai", employmentType: PNS, unitCode: $unit,
      positionKind: PELAKSANA, positionTitle: "Analis"}) { __typename }
}"""
_ID = "00000000-0000-4000-8000-000000000000"
ONE = "id nip name employmentType positionKind positionTitle version unit { code name sector }"
UNITS = """
mutation {
  a: registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename }
  b: registerUnit(input: {code: "DISDIK", name: "Dinas Pendidikan"}) { __typename }
}"""


async def _staff(client: httpx.AsyncClient, tokens: Tokens) -> dict[str, str]:
    """Fourteen employees in two units, registered once per database (HR's header returned)."""
    hr = tokens.header(HR, "HR")
    if (await _page(client, hr, first=0))["totalCount"] == 0:
        await gql(client, UNITS, {}, hr)
        for n in range(1, STAFF + 2):
            unit = "DINKES" if n <= STAFF else "DISDIK"
            body = await gql(
                client, REGISTER, {"nip": f"19850315201001{1}{n:03d}", "unit": unit}, hr
            )
            assert body["data"]["registerEmployee"]["__typename"] == "RegisterEmployeeSuccess"
    return hr


async def _page(client: httpx.AsyncClient, headers: dict[str, str], **given: Any) -> Any:
    variables = {"unit": "DINKES", "first": None} | given
    body = await gql(client, PAGE, variables, headers)
    assert "errors" not in body, body
    return body["data"]["employees"]


def _flat(pages: list[list[str]]) -> list[str]:
    return [item for page in pages for item in page]


async def _forward(client: httpx.AsyncClient, hr: dict[str, str], size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    after = None
    while True:
        page = await _page(client, hr, first=size, after=after)
        pages.append([e["node"]["id"] for e in page["edges"]])
        info = page["pageInfo"]
        assert info["hasPreviousPage"] == (after is not None)
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


async def _backward(client: httpx.AsyncClient, hr: dict[str, str], size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    before = None
    while True:
        page = await _page(client, hr, last=size, before=before)
        pages.insert(0, [e["node"]["id"] for e in page["edges"]])
        info = page["pageInfo"]
        assert info["hasNextPage"] == (before is not None)
        if not info["hasPreviousPage"]:
            return pages
        before = info["startCursor"]


async def test_paging_forward_and_backward_gives_the_same_employees_in_the_same_order(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = await _staff(client, tokens)
    everyone = [e["node"]["id"] for e in (await _page(client, hr, first=100))["edges"]]
    assert len(everyone) == STAFF == len(set(everyone))
    forward = await _forward(client, hr, 5)
    backward = await _backward(client, hr, 5)
    assert [len(p) for p in forward] == [5, 5, 3]
    assert [len(p) for p in backward] == [3, 5, 5]  # the short page is the first one
    assert _flat(forward) == _flat(backward) == everyone


async def test_page_info_is_complete_at_both_ends_and_total_count_counts_the_whole_list(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = await _staff(client, tokens)
    first = await _page(client, hr, first=4)
    cursors = [e["cursor"] for e in first["edges"]]
    assert first["pageInfo"] == {
        "hasPreviousPage": False,
        "hasNextPage": True,
        "startCursor": cursors[0],
        "endCursor": cursors[-1],
    }
    last = await _page(client, hr, last=4)
    cursors = [e["cursor"] for e in last["edges"]]
    assert last["pageInfo"] == {
        "hasPreviousPage": True,
        "hasNextPage": False,
        "startCursor": cursors[0],
        "endCursor": cursors[-1],
    }
    everything = await _page(client, hr, last=100)
    assert not everything["pageInfo"]["hasPreviousPage"]
    assert not everything["pageInfo"]["hasNextPage"]
    assert (first["totalCount"], last["totalCount"]) == (STAFF, STAFF)
    assert (await _page(client, hr, unit=None, first=1))["totalCount"] == STAFF + 1
    empty = await _page(client, hr, last=0)
    assert empty["edges"] == [] and empty["pageInfo"]["startCursor"] is None
    # Between two cursors: `before` bounds a forward page too.
    middle = await _page(client, hr, first=100, after=cursors[0], before=cursors[-1])
    assert [e["cursor"] for e in middle["edges"]] == cursors[1:-1]


async def test_last_is_bounded_like_first_and_counted_by_the_cost_limit(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = await _staff(client, tokens)
    literal = await gql(client, "{ employees(last: 101) { edges { cursor } } }", None, hr)
    by_variable = await gql(client, PAGE, {"last": 101}, hr)
    negative = await gql(client, PAGE, {"last": -1}, hr)
    for body in (literal, by_variable, negative):
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        assert "last must be between 0 and 100" in body["errors"][0]["message"]
    # Twenty-five aliased pages cost what `last` (or the length of `ids`) says: refused unrun
    # at 100 a page, run at 2 (without counting `last` each would cost a default page of 20).
    employees = " ".join(
        f"p{i}: employees(last: $n) {{ edges {{ node {{ {ONE} }} }} }}" for i in range(25)
    )
    nodes = " ".join(f"p{i}: nodes(ids: $ids) {{ ... on Employee {{ {ONE} }} }}" for i in range(25))
    cases: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        (f"query($n: Int) {{ {employees} }}", {"n": 100}, {"n": 2}),
        (f"query($ids: [ID!]!) {{ {nodes} }}", {"ids": [_ID] * 100}, {"ids": [_ID] * 2}),
    ]
    for query, many, few in cases:
        refused = await gql(client, query, many, hr)
        assert "may cost" in refused["errors"][0]["message"], refused
        assert "errors" not in await gql(client, query, few, hr)
    bad = await gql(client, PAGE, {"before": "not-a-cursor", "last": 2}, hr)
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "before"}
    # A cursor hiding a NUL (no key holds one) is refused, not sent to PostgreSQL.
    catalogue = "query($c: String) { trainingPrograms(after: $c) { edges { cursor } } }"
    hidden = await gql(client, catalogue, {"c": encode_cursor("program", "A\x00")}, hr)
    assert hidden["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(size=st.integers(min_value=1, max_value=STAFF + 2))
async def test_any_page_size_walks_the_same_employees_forward_and_backward(
    client: httpx.AsyncClient, tokens: Tokens, size: int
) -> None:
    hr = await _staff(client, tokens)
    everyone = [e["node"]["id"] for e in (await _page(client, hr, first=100))["edges"]]
    forward, backward = await _forward(client, hr, size), await _backward(client, hr, size)
    assert _flat(forward) == _flat(backward) == everyone
    assert all(len(p) == size for p in forward[:-1]) and all(len(p) == size for p in backward[1:])
