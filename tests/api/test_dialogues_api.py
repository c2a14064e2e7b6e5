"""Performance dialogues (bimbingan) over HTTP: recorded by the supervisor, notes masked by role,
on the evaluation of their period, in the audit trail and as of a past moment."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from service.services import Services
from tests.api.performance_scenario import AS_EXPECTED, NIP, RESULT, Api
from tests.conftest import Tokens
from tests.graphql import gql

RECORD = f"""
mutation($input: RecordPerformanceDialogueInput!) {{
  recordPerformanceDialogue(input: $input) {{ {RESULT}
    ... on RecordPerformanceDialogueSuccess {{ position
      dialogue {{ id year period heldOn kind notes agreedActions recordedAt }} }}
  }}
}}"""
DIALOGUES = """
query($nip: String!) {
  employee(nip: $nip) { dialogues(year: 2026) { heldOn period kind notes agreedActions } }
}"""
NOTES = "Target imunisasi tertinggal; perlu jadwal posyandu yang tetap."
ACTIONS = ["Susun jadwal posyandu", "Laporkan cakupan tiap pekan"]


def dialogue(**extra: Any) -> dict[str, Any]:
    fields = {
        "nip": NIP,
        "year": 2026,
        "period": "TRIWULAN_I",
        "heldOn": "2026-02-10",
        "kind": "COACHING",
        "notes": NOTES,
        "agreedActions": ACTIONS,
    }
    return fields | extra


async def test_the_supervisor_records_a_dialogue_whose_notes_only_the_right_readers_see(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    recorded = (await api(RECORD, {"input": dialogue()}, api.supervisor))[
        "recordPerformanceDialogue"
    ]
    assert recorded["__typename"] == "RecordPerformanceDialogueSuccess", recorded
    assert recorded["dialogue"]["notes"] == NOTES
    assert recorded["dialogue"]["agreedActions"] == ACTIONS
    shown: dict[str, Any] = {"heldOn": "2026-02-10", "period": "TRIWULAN_I", "kind": "COACHING"}
    full = [shown | {"notes": NOTES, "agreedActions": ACTIONS}]
    masked = [shown | {"notes": None, "agreedActions": []}]
    readers = {
        "employee": (api.employee, full),
        "supervisor": (api.supervisor, full),
        "hr": (api.hr, full),
        "auditor": (tokens.header("bpk", "AUDITOR"), full),
        "pii partner": (tokens.header("app", "PARTNER", scopes=["pii"]), full),
        "partner": (tokens.header("app", "PARTNER"), masked),
        "unrelated evaluator": (api.other, masked),
        "inspector": (tokens.header("inspektorat", "INSPECTOR"), masked),
        # A unit-limited HR reads nobody outside its unit (the policy matrix): no employee at all.
        "hr of another unit": (tokens.header("hr-dp", "HR", unit="DISDIK"), None),
    }
    for who, (headers, expected) in readers.items():
        employee = (await api(DIALOGUES, {"nip": NIP}, headers))["employee"]
        seen = None if employee is None else employee["dialogues"]
        assert seen == expected, who


async def test_only_the_current_supervisor_records_and_bad_input_appends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    api = await Api.started(client, tokens)
    head = await services.store.head()
    refused = {
        "other evaluator": (api.other, dialogue(), "NotAuthorized", None),
        "hr": (api.hr, dialogue(), "NotAuthorized", None),
        "future": (api.supervisor, dialogue(heldOn="2999-01-01"), "ValidationError", "heldOn"),
        "before": (api.supervisor, dialogue(heldOn="2025-12-31"), "ValidationError", "heldOn"),
        "empty notes": (api.supervisor, dialogue(notes="  "), "ValidationError", "notes"),
        "no cycle": (api.supervisor, dialogue(year=2027), "ValidationError", "year"),
        "blank action": (
            api.supervisor,
            dialogue(agreedActions=["ok", " "]),
            "ValidationError",
            "agreedActions",
        ),
    }
    for why, (headers, fields, typename, field) in refused.items():
        answer = (await api(RECORD, {"input": fields}, headers))["recordPerformanceDialogue"]
        assert answer["__typename"] == typename, (why, answer)
        assert answer.get("field") == field, why
    assert await services.store.head() == head


EVALUATION = """
query($id: ID!) { evaluation(id: $id) { period dialogues { heldOn kind notes } } }"""


async def test_the_evaluation_of_the_period_lists_its_dialogues(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    for fields in (
        dialogue(),
        dialogue(heldOn="2026-03-05", kind="FEEDBACK"),
        dialogue(period="TRIWULAN_II", heldOn="2026-05-05", kind="MENTORING"),
    ):
        done = await api(RECORD, {"input": fields}, api.supervisor)
        assert done["recordPerformanceDialogue"]["__typename"] == "RecordPerformanceDialogueSuccess"
    final = await api.evaluate([AS_EXPECTED, AS_EXPECTED, AS_EXPECTED], AS_EXPECTED)
    evaluation_id = final["evaluation"]["id"]
    found = (await api(EVALUATION, {"id": evaluation_id}, api.employee))["evaluation"]
    assert found == {
        "period": "TRIWULAN_I",
        "dialogues": [
            {"heldOn": "2026-02-10", "kind": "COACHING", "notes": NOTES},
            {"heldOn": "2026-03-05", "kind": "FEEDBACK", "notes": NOTES},
        ],
    }
    partner = await api(EVALUATION, {"id": evaluation_id}, tokens.header("app", "PARTNER"))
    assert [d["notes"] for d in partner["evaluation"]["dialogues"]] == [None, None]


TRAIL = """
query($nip: String!) {
  auditTrail(nip: $nip, eventType: "PerformanceDialogueRecorded") {
    edges { node { type recordedAt payload } }
  }
}"""
AS_OF = """
query($nip: String!, $at: DateTime!) {
  employeeAsOf(nip: $nip, at: $at) { dialogues(year: 2026) { heldOn kind notes } }
}"""


async def test_dialogues_are_in_the_audit_trail_masked_and_shown_as_of_a_moment(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    await api(RECORD, {"input": dialogue()}, api.supervisor)
    await api(RECORD, {"input": dialogue(heldOn="2026-03-01", kind="FEEDBACK")}, api.supervisor)
    auditor = tokens.header("bpk", "AUDITOR")
    trail = (await api(TRAIL, {"nip": NIP}, auditor))["auditTrail"]["edges"]
    assert [e["node"]["payload"]["notes"] for e in trail] == [NOTES, NOTES]
    assert trail[0]["node"]["payload"]["agreed_actions"] == ACTIONS
    partner = (await api(TRAIL, {"nip": NIP}, tokens.header("app", "PARTNER")))["auditTrail"]
    payload = partner["edges"][0]["node"]["payload"]
    assert (payload["notes"], payload["agreed_actions"]) == ("***", "***")
    first, second = (datetime.fromisoformat(e["node"]["recordedAt"]) for e in trail)
    tick = timedelta(microseconds=1)

    async def kinds_at(at: datetime) -> list[str]:
        past = await api(AS_OF, {"nip": NIP, "at": at.isoformat()}, auditor)
        return [d["kind"] for d in past["employeeAsOf"]["dialogues"]]

    assert await kinds_at(first - tick) == []
    assert await kinds_at(first) == ["COACHING"]
    assert await kinds_at(second - tick) == ["COACHING"]
    assert await kinds_at(second) == ["COACHING", "FEEDBACK"]
    at_second = await api(AS_OF, {"nip": NIP, "at": second.isoformat()}, auditor)
    assert at_second["employeeAsOf"]["dialogues"][1]["notes"] == NOTES


async def test_erasure_leaves_the_dialogue_but_not_its_notes(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    await api(RECORD, {"input": dialogue()}, api.supervisor)
    erased = await gql(
        client,
        'mutation($nip: String!) { eraseSubject(input: {nip: $nip, reason: "permintaan"})'
        " { __typename } }",
        {"nip": NIP},
        tokens.header("admin", "ADMIN"),
    )
    assert erased["data"]["eraseSubject"]["__typename"] == "EraseSubjectSuccess"
    auditor = tokens.header("bpk", "AUDITOR")
    found = await gql(
        client,
        "query { employees(first: 10) { edges { node { nip positionTitle"
        " dialogues(year: 2026) { kind notes agreedActions } } } } }",
        {},
        auditor,
    )
    rows = [e["node"] for e in found["data"]["employees"]["edges"] if e["node"]["nip"] is None]
    assert rows == [
        {
            "nip": None,
            "positionTitle": "Analis",
            "dialogues": [{"kind": "COACHING", "notes": None, "agreedActions": []}],
        }
    ]
