"""Registering units and employees over HTTP against the real app, and every refusal."""

from __future__ import annotations

import base64
import json
import time

import httpx
import jwt

from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
NIP = "198503152010011002"
SUPERVISOR = "197001012000011001"

REGISTER_UNIT = """
mutation($code: String!, $name: String!, $key: String) {
  registerUnit(input: {code: $code, name: $name, idempotencyKey: $key}) {
    __typename
    ... on RegisterUnitSuccess { unit { code name } position }
    ... on ValidationError { message field }
    ... on NotAuthorized { message }
  }
}"""

REGISTER_EMPLOYEE = """
mutation($nip: String!, $unit: String!, $sup: String, $key: String) {
  registerEmployee(input: {nip: $nip, name: "Sri Wahyuni", employmentType: PNS,
      unitCode: $unit, positionKind: PELAKSANA, positionTitle: "Analis Kepegawaian",
      supervisorNip: $sup, idempotencyKey: $key}) {
    __typename
    ... on RegisterEmployeeSuccess { employee { nip name unit { code name } version } position }
    ... on ValidationError { message field }
    ... on NotAuthorized { message }
  }
}"""

EMPLOYEE = """
query($nip: String!) {
  employee(nip: $nip) { nip name employmentType positionKind unit { code name }
    supervisor { nip } version }
}"""


def _unsigned(claims: dict[str, object]) -> str:
    """A token with `alg: none` and no signature, as an attacker would send it."""

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def _register_unit(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = await gql(
        client,
        REGISTER_UNIT,
        {"code": "DINKES", "name": "Dinas Kesehatan"},
        tokens.header(HR, "HR"),
    )
    assert body["data"]["registerUnit"]["__typename"] == "RegisterUnitSuccess"


async def test_hr_registers_a_unit_and_an_employee_and_reads_them_back(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await _register_unit(client, tokens)
    hr = tokens.header(HR, "HR")
    body = await gql(client, REGISTER_EMPLOYEE, {"nip": NIP, "unit": "DINKES"}, hr)
    result = body["data"]["registerEmployee"]
    assert result["__typename"] == "RegisterEmployeeSuccess"
    assert result["employee"]["unit"] == {"code": "DINKES", "name": "Dinas Kesehatan"}
    assert result["position"] == 2
    read = await gql(client, EMPLOYEE, {"nip": NIP}, hr)
    assert read["data"]["employee"]["name"] == "Sri Wahyuni"
    assert read["data"]["employee"]["employmentType"] == "PNS"
    assert read["data"]["employee"]["version"] == 1
    units = await gql(client, "{ units { code name } }", headers=hr)
    assert units["data"]["units"] == [{"code": "DINKES", "name": "Dinas Kesehatan"}]


async def test_an_unknown_nip_reads_as_null(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = await gql(client, EMPLOYEE, {"nip": NIP}, tokens.header(HR, "HR"))
    assert body["data"] == {"employee": None}


async def test_refused_calls_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, settings: object
) -> None:
    await _register_unit(client, tokens)
    head = await services.store.head()
    secret = "test-secret-" + "x" * 32
    now = int(time.time())
    claims = {"sub": HR, "roles": ["HR"], "iss": "kinerja", "aud": "kinerja"}
    expired = jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, secret, "HS256")
    unsigned = _unsigned({**claims, "iat": now, "exp": now + 600})
    wrong_key = jwt.encode({**claims, "iat": now, "exp": now + 600}, "another-" * 5, "HS256")
    wrong_aud = jwt.encode({**claims, "aud": "x", "iat": now, "exp": now + 600}, secret, "HS256")
    future = jwt.encode({**claims, "iat": now + 3600, "exp": now + 7200}, secret, "HS256")
    variables = {"nip": NIP, "unit": "DINKES"}
    for headers in [
        {},
        tokens.header(NIP, "EMPLOYEE"),
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {unsigned}"},
        {"Authorization": f"Bearer {wrong_key}"},
        {"Authorization": f"Bearer {wrong_aud}"},
        {"Authorization": f"Bearer {future}"},
    ]:
        body = await gql(client, REGISTER_EMPLOYEE, variables, headers)
        assert body["data"]["registerEmployee"]["__typename"] == "NotAuthorized", headers
    bad_nip = await gql(
        client,
        REGISTER_EMPLOYEE,
        {"nip": "198502302010011002", "unit": "DINKES"},
        tokens.header(HR, "HR"),
    )
    assert bad_nip["data"]["registerEmployee"] == {
        "__typename": "ValidationError",
        "message": "NIP birth date (digits 1-8) 19850230 is not a real date",
        "field": "nip",
    }
    assert await services.store.head() == head


async def test_a_nip_registers_only_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await _register_unit(client, tokens)
    hr = tokens.header(HR, "HR")
    await gql(client, REGISTER_EMPLOYEE, {"nip": NIP, "unit": "DINKES"}, hr)
    again = await gql(client, REGISTER_EMPLOYEE, {"nip": NIP, "unit": "DINKES"}, hr)
    assert again["data"]["registerEmployee"]["__typename"] == "ValidationError"
    assert again["data"]["registerEmployee"]["field"] == "nip"


async def test_a_retry_with_the_same_idempotency_key_returns_the_first_result(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    await _register_unit(client, tokens)
    hr = tokens.header(HR, "HR")
    variables = {"nip": NIP, "unit": "DINKES", "key": "req-42"}
    first = await gql(client, REGISTER_EMPLOYEE, variables, hr)
    head = await services.store.head()
    second = await gql(client, REGISTER_EMPLOYEE, variables, hr)
    assert second == first
    assert await services.store.head() == head


async def test_the_audit_trail_names_the_token_subject_as_actor(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await _register_unit(client, tokens)
    hr = tokens.header(HR, "HR")
    await gql(client, REGISTER_EMPLOYEE, {"nip": NIP, "unit": "DINKES"}, hr)
    body = await gql(
        client,
        "query($nip: String!) { auditTrail(nip: $nip) { edges { node {"
        " position type actor actorRole payload } } } }",
        {"nip": NIP},
        hr,
    )
    nodes = [e["node"] for e in body["data"]["auditTrail"]["edges"]]
    assert [(n["type"], n["actor"], n["actorRole"]) for n in nodes] == [
        ("EmployeeRegistered", HR, "HR")
    ]
    assert nodes[0]["payload"]["nip"] == NIP


async def test_transfer_and_supervisor_change_the_directory(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    await _register_unit(client, tokens)
    await gql(client, REGISTER_UNIT, {"code": "DISDIK", "name": "Dinas Pendidikan"}, hr)
    await gql(client, REGISTER_EMPLOYEE, {"nip": SUPERVISOR, "unit": "DINKES"}, hr)
    await gql(client, REGISTER_EMPLOYEE, {"nip": NIP, "unit": "DINKES"}, hr)
    moved = await gql(
        client,
        'mutation($nip: String!) { transferEmployee(input: {nip: $nip, unitCode: "DISDIK",'
        " expectedVersion: 1}) { __typename ... on TransferEmployeeSuccess"
        " { employee { unit { code } version } } } }",
        {"nip": NIP},
        hr,
    )
    assert moved["data"]["transferEmployee"]["employee"] == {
        "unit": {"code": "DISDIK"},
        "version": 2,
    }
    assign = (
        "mutation($nip: String!, $sup: String!, $v: Int) { assignSupervisor(input: {nip: $nip,"
        " supervisorNip: $sup, expectedVersion: $v}) { __typename"
        " ... on VersionConflict { expectedVersion actualVersion }"
        " ... on RuleViolation { rule }"
        " ... on AssignSupervisorSuccess { employee { supervisor { nip } } } } }"
    )
    stale = await gql(client, assign, {"nip": NIP, "sup": SUPERVISOR, "v": 1}, hr)
    assert stale["data"]["assignSupervisor"] == {
        "__typename": "VersionConflict",
        "expectedVersion": 1,
        "actualVersion": 2,
    }
    itself = await gql(client, assign, {"nip": NIP, "sup": NIP}, hr)
    assert itself["data"]["assignSupervisor"] == {
        "__typename": "RuleViolation",
        "rule": "self_supervision",
    }
    assigned = await gql(client, assign, {"nip": NIP, "sup": SUPERVISOR}, hr)
    assert assigned["data"]["assignSupervisor"]["employee"]["supervisor"] == {"nip": SUPERVISOR}


async def test_queries_without_a_token_are_refused(client: httpx.AsyncClient) -> None:
    body = await gql(client, EMPLOYEE, {"nip": NIP})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql(client, "{ __typename }"))["data"] == {"__typename": "Query"}
