"""Transfers move supervision: the old unit's supervisor can no longer plan or evaluate the person;
the new unit's supervisor, named with the transfer or assigned later, can."""

from __future__ import annotations

from typing import Any

import httpx

from service.services import Services
from tests.api.performance_scenario import (
    AGREE,
    AS_EXPECTED,
    NIP,
    OTHER_EVALUATOR,
    RESULT,
    SUPERVISOR,
    TARGETS,
    Api,
    evaluation_input,
)
from tests.conftest import Tokens

NEW_SUPERVISOR = "197203032001011004"
NEW_UNIT = """
mutation($nip: String!) {
  registerUnit(input: {code: "DISDIK", name: "Dinas Pendidikan", sector: "pendidikan"}) {
    __typename ... on RegisterUnitSuccess { unit { code sector } } }
  registerEmployee(input: {nip: $nip, name: "Rina", employmentType: PNS, unitCode: "DISDIK",
      positionKind: PENGAWAS, positionTitle: "Kepala Seksi"}) { __typename }
}"""
TRANSFER = f"""
mutation($nip: String!, $sup: String) {{
  transferEmployee(input: {{nip: $nip, unitCode: "DISDIK", supervisorNip: $sup}}) {{ {RESULT}
    ... on TransferEmployeeSuccess {{ employee {{ unit {{ code sector }} supervisor {{ nip }} }} }}
  }}
}}"""
ASSIGN = f"""
mutation($nip: String!, $sup: String!) {{
  assignSupervisor(input: {{nip: $nip, supervisorNip: $sup}}) {{ {RESULT} }}
}}"""
TRAIL = "query($n: String!) { auditTrail(nip: $n) { edges { node { type } } } }"


async def _moved(api: Api, supervisor: str | None) -> dict[str, Any]:
    created = await api(NEW_UNIT, {"nip": NEW_SUPERVISOR}, api.hr)
    assert created["registerUnit"]["unit"] == {"code": "DISDIK", "sector": "pendidikan"}
    result: dict[str, Any] = (await api(TRANSFER, {"nip": NIP, "sup": supervisor}, api.hr))[
        "transferEmployee"
    ]
    return result


async def _submit(api: Api, headers: dict[str, str]) -> str:
    answer = await api.submit(evaluation_input([AS_EXPECTED] * 3, AS_EXPECTED), headers)
    return str(answer["__typename"])


async def test_without_a_new_supervisor_the_old_one_can_no_longer_evaluate(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    moved = await _moved(api, None)
    assert moved["employee"] == {
        "unit": {"code": "DISDIK", "sector": "pendidikan"},
        "supervisor": None,
    }
    assert await _submit(api, api.supervisor) == "NotAuthorized"
    plan = await api(AGREE, {"nip": NIP, "year": 2026, "targets": TARGETS}, api.supervisor)
    assert plan["agreePerformancePlan"]["__typename"] == "NotAuthorized"
    trail = await api(TRAIL, {"n": NIP}, api.hr)
    types = [e["node"]["type"] for e in trail["auditTrail"]["edges"]]
    assert types[-2:] == ["EmployeeTransferred", "EmployeeSupervisionEnded"]
    new = tokens.header(NEW_SUPERVISOR, "EVALUATOR")
    assert await _submit(api, new) == "NotAuthorized"
    assigned = await api(ASSIGN, {"nip": NIP, "sup": NEW_SUPERVISOR}, api.hr)
    assert assigned["assignSupervisor"]["__typename"] == "AssignSupervisorSuccess"
    assert await _submit(api, new) == "SubmitEvaluationSuccess"


async def test_a_supervisor_named_with_the_transfer_evaluates_at_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    moved = await _moved(api, NEW_SUPERVISOR)
    assert moved["employee"]["supervisor"] == {"nip": NEW_SUPERVISOR}, moved
    assert await _submit(api, api.supervisor) == "NotAuthorized"
    assert await _submit(api, tokens.header(NEW_SUPERVISOR, "EVALUATOR")) == (
        "SubmitEvaluationSuccess"
    )


async def test_a_new_supervisor_outside_the_new_unit_is_refused_and_appends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    api = await Api.started(client, tokens)
    await api(NEW_UNIT, {"nip": NEW_SUPERVISOR}, api.hr)
    head = await services.store.head()
    refused = {
        OTHER_EVALUATOR: ("ValidationError", "supervisorNip"),
        SUPERVISOR: ("ValidationError", "supervisorNip"),
        "199901012020011999": ("ValidationError", "supervisorNip"),
        "12345": ("ValidationError", "supervisorNip"),
        NIP: ("RuleViolation", None),
    }
    for supervisor, (typename, field) in refused.items():
        answer = (await api(TRANSFER, {"nip": NIP, "sup": supervisor}, api.hr))["transferEmployee"]
        assert answer["__typename"] == typename, (supervisor, answer)
        assert answer.get("field") == field, supervisor
    assert await services.store.head() == head
    assert await _submit(api, api.supervisor) == "SubmitEvaluationSuccess"
