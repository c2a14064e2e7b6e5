"""Hostile values: Unicode digits in a NIP and forged cursors get a clear, coded error."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
NIP = "198503152010011002"

REGISTER_UNIT = """
mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"}) { __typename } }"""

REGISTER_EMPLOYEE = """
mutation($nip: String!, $sup: String) {
  registerEmployee(input: {nip: $nip, name: "Sri Wahyuni", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Analis",
      supervisorNip: $sup}) {
    __typename
    ... on ValidationError { message field }
  }
}"""

ASSIGN = """
mutation($nip: String!, $sup: String!) {
  assignSupervisor(input: {nip: $nip, supervisorNip: $sup}) {
    __typename
    ... on ValidationError { message field }
  }
}"""

# Each looks like 18 digits to str.isdigit(): superscripts, Arabic-Indic, full-width digits.
UNICODE_NIPS = [
    "¹⁹⁸⁵⁰³¹⁵²⁰¹⁰⁰¹¹⁰⁰²",
    "19850315201001100²",
    "١٩٨٥٠٣١٥٢٠١٠٠١١٠٠٢",
    "".join(chr(0xFF10 + int(d)) for d in NIP),  # full-width digits
]

LISTS = {
    "employees": "{ employees(first: 5, after: $after) { edges { cursor } } }",
    "auditTrail": "{ auditTrail(first: 5, after: $after) { edges { cursor } } }",
    "trainingPrograms": "{ trainingPrograms(first: 5, after: $after) { edges { cursor } } }",
    "awardDecisions": "{ awardDecisions(first: 5, after: $after) { edges { cursor } } }",
}


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


FORGED = [
    "event:abc",
    _b64("event:abc"),
    _b64("decision:abc"),
    _b64("employee:not-a-uuid"),
    _b64("event:99999999999999999999"),
    _b64("event:-1"),
    _b64("event:²"),
    _b64("event:1_000"),
    _b64("employee:" + "0" * 32),
    _b64("unknown:1"),
    "!!!not base64!!!",
    "ZXZlbnQ6MQ",
    "é" * 10,
    "A" * 10_000,
    base64.b64encode(b"\xff\xfe\x00garbage").decode(),
]


@pytest.mark.parametrize("nip", UNICODE_NIPS, ids=range(len(UNICODE_NIPS)))
async def test_unicode_digits_in_a_nip_are_a_validation_error_naming_the_character(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, nip: str
) -> None:
    hr = tokens.header(HR, "HR")
    await gql(client, REGISTER_UNIT, None, hr)
    before = await services.store.head()
    answer = (await gql(client, REGISTER_EMPLOYEE, {"nip": nip}, hr))["data"]["registerEmployee"]
    assert answer["__typename"] == "ValidationError", answer
    assert answer["field"] == "nip"
    assert "ASCII 0-9" in answer["message"]
    assert "character" in answer["message"]
    other = await gql(client, REGISTER_EMPLOYEE, {"nip": NIP, "sup": nip}, hr)
    assert other["data"]["registerEmployee"]["field"] == "supervisorNip"
    assigned = await gql(client, ASSIGN, {"nip": nip, "sup": NIP}, hr)
    assert assigned["data"]["assignSupervisor"]["field"] == "nip"
    assert await services.store.head() == before


@pytest.mark.parametrize("field", sorted(LISTS))
@pytest.mark.parametrize("cursor", FORGED, ids=range(len(FORGED)))
async def test_a_forged_cursor_is_bad_user_input_on_every_list(
    client: httpx.AsyncClient, tokens: Tokens, field: str, cursor: str
) -> None:
    document = "query($after: String)" + LISTS[field]
    body = await gql(client, document, {"after": cursor}, tokens.header(HR, "HR"))
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "invalid cursor" in error["message"]


async def test_a_cursor_of_another_list_is_refused_and_its_own_list_accepts_it(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    await gql(client, REGISTER_UNIT, None, hr)
    trail = await gql(client, "{ auditTrail(first: 1) { edges { cursor } } }", None, hr)
    cursor = trail["data"]["auditTrail"]["edges"][0]["cursor"]
    own = await gql(
        client,
        "query($a: String) { auditTrail(after: $a) { edges { cursor } } }",
        {"a": cursor},
        hr,
    )
    assert own["data"]["auditTrail"]["edges"] == []
    for field in ("employees", "trainingPrograms", "awardDecisions"):
        document = "query($after: String)" + LISTS[field]
        body = await gql(client, document, {"after": cursor}, hr)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (field, body)


REGISTER_NAMED = """
mutation($name: String!) {
  registerEmployee(input: {nip: "198503152010011002", name: $name, employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Analis"}) {
    __typename
    ... on ValidationError { message field }
  }
}"""


async def test_a_lone_surrogate_in_a_name_is_a_coded_error_and_appends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    hr = tokens.header(HR, "HR")
    await gql(client, REGISTER_UNIT, None, hr)
    before = await services.store.head()
    # JSON may spell a lone surrogate as an escape; httpx would refuse to encode it.
    payload = {"query": REGISTER_NAMED, "variables": {"name": "Sri \udc80 Wahyuni"}}
    response = await client.post(
        "/graphql",
        content=json.dumps(payload).encode(),
        headers={**hr, "Content-Type": "application/json"},
    )
    body = response.json()
    if "errors" in body:  # the request pipeline refused the text itself
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    else:
        answer = body["data"]["registerEmployee"]
        assert (answer["__typename"], answer["field"]) == ("ValidationError", "name")
    assert await services.store.head() == before
