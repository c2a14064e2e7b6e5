"""Abuse of the development operations: oversized or malformed input, the wrong roles, foreign
cursors and out-of-range years. Each is a coded error, never a 500, and appends nothing."""

from __future__ import annotations

import httpx

from service.services import Services
from tests.api.performance_scenario import NIP, OTHER_EVALUATOR, RESULT, Api
from tests.api.test_dialogues_api import RECORD, dialogue
from tests.conftest import Tokens
from tests.graphql import gql


async def test_oversized_and_malformed_dialogues_are_refused_and_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    api = await Api.started(client, tokens)
    head = await services.store.head()
    cases = {
        "long notes": (dialogue(notes="x" * 4001), "notes"),
        "many actions": (dialogue(agreedActions=[f"aksi {i}" for i in range(21)]), "agreedActions"),
        "long action": (dialogue(agreedActions=["y" * 1001]), "agreedActions"),
        "bad nip": (dialogue(nip="12ab"), "nip"),
        "year": (dialogue(year=1899), "year"),
    }
    for why, (fields, field) in cases.items():
        answer = (await api(RECORD, {"input": fields}, api.supervisor))["recordPerformanceDialogue"]
        assert (answer["__typename"], answer.get("field")) == ("ValidationError", field), why
    unknown = dialogue(nip="199912312020122999")
    answer = (await api(RECORD, {"input": unknown}, api.supervisor))["recordPerformanceDialogue"]
    assert answer["__typename"] == "NotFound"
    for role in ("EMPLOYEE", "PARTNER", "INSPECTOR", "AUDITOR", "HR"):
        as_role = tokens.header(NIP, role)
        answer = (await api(RECORD, {"input": dialogue()}, as_role))["recordPerformanceDialogue"]
        assert answer["__typename"] == "NotAuthorized", role
    bad_kind = await gql(client, RECORD, {"input": dialogue(kind="GOSSIP")}, api.supervisor)
    assert bad_kind["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await services.store.head() == head


async def test_reads_refuse_foreign_cursors_and_odd_years_and_hide_other_people(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    year = await gql(
        client,
        "query($nip: String!) { employee(nip: $nip) { dialogues(year: 99999) { kind } } }",
        {"nip": NIP},
        api.employee,
    )
    assert year["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    cursor = await gql(
        client,
        'query { trainingPrograms(sector: "kesehatan", after: "ZW1wbG95ZWU6eA==") { edges'
        " { cursor } } }",
        {},
        api.employee,
    )
    assert cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    someone_else = await gql(
        client,
        "query($nip: String!) { employee(nip: $nip) { dialogues(year: 2026) { notes }"
        " recommendedTrainings { reason } } }",
        {"nip": OTHER_EVALUATOR},
        api.employee,
    )
    assert someone_else == {"data": {"employee": None}}


async def test_transfers_by_the_wrong_actor_or_to_a_wrong_place_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    api = await Api.started(client, tokens)
    head = await services.store.head()
    transfer = f"""
    mutation($unit: String!, $sup: String) {{
      transferEmployee(input: {{nip: "{NIP}", unitCode: $unit, supervisorNip: $sup}}) {{ {RESULT} }}
    }}"""
    cases = [
        (api.supervisor, "DINKES", None, "NotAuthorized"),
        (tokens.header("app", "PARTNER", scopes=["pii"]), "DINKES", None, "NotAuthorized"),
        (tokens.header("hr-2", "HR", unit="DISDIK"), "DISDIK", None, "NotAuthorized"),
        (api.hr, "NOWHERE", None, "ValidationError"),
        (api.hr, "DINKES", None, "ValidationError"),
        (api.hr, "DI SDIK!", OTHER_EVALUATOR, "ValidationError"),
    ]
    for headers, unit, supervisor, typename in cases:
        answer = await api(transfer, {"unit": unit, "sup": supervisor}, headers)
        assert answer["transferEmployee"]["__typename"] == typename, (unit, answer)
    long_sector = await api(
        'mutation($s: String!) { registerUnit(input: {code: "X1", name: "X", sector: $s})'
        f" {{ {RESULT} }} }}",
        {"s": "s" * 101},
        api.hr,
    )
    assert long_sector["registerUnit"]["field"] == "sector"
    assert await services.store.head() == head
