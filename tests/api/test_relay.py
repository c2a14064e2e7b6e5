"""Relay over HTTP: `node`/`nodes` for every kind under the direct queries' access rules, and
coded errors for ids the service never issued (paging both ways: test_relay_paging.py)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.pagination import encode_cursor
from tests.api.policy_scenario import HR, NIP, OUTSIDER, SUPERVISOR, PolicyCity
from tests.conftest import Tokens
from tests.graphql import gql

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Employee { nip name }
    ... on Unit { code }
    ... on Evaluation { year status }
    ... on AwardDecision { awardKind: kind }
    ... on TrainingProgram { code }
    ... on TrainingCompletion { jp employee { nip } }
    ... on PerformanceDialogue { heldOn notes }
  }
}"""
NODES = """
query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Employee { nip name } } }"""
PROGRAM = """
mutation { publishTrainingProgram(input: {code: "PERIZINAN-1", title: "Perizinan Berusaha",
  kind: PELATIHAN, competencyArea: "Pelayanan Perizinan", jp: 24, provider: "BPSDM Jateng"})
  { __typename ... on PublishTrainingProgramSuccess { program { id } } } }"""
COMPLETE = """
mutation($nip: String!, $program: ID!) {
  recordTrainingCompletion(input: {nip: $nip, programId: $program, completedOn: "2026-05-10",
      certificateNumber: "CERT-1"}) {
    __typename ... on RecordTrainingCompletionSuccess { completion { id } } }
}"""
DIALOGUE = """
mutation($nip: String!) {
  recordPerformanceDialogue(input: {nip: $nip, year: 2026, period: TRIWULAN_I,
      heldOn: "2026-02-10", kind: COACHING, notes: "Jadwal posyandu yang tetap."}) {
    __typename ... on RecordPerformanceDialogueSuccess { dialogue { id } } }
}"""
IDS = """
query($nip: String!) {
  employee(nip: $nip) { id }
  unit(code: "DINKES") { id }
  awardDecisions(first: 1) { edges { node { id } } }
}"""


async def _data(client: httpx.AsyncClient, query: str, variables: dict[str, Any], h: Any) -> Any:
    body = await gql(client, query, variables, h)
    assert "errors" not in body, body
    return body["data"]


async def _every_kind(client: httpx.AsyncClient, tokens: Tokens) -> dict[str, str]:
    """The policy city plus a programme, a completion and a dialogue: one id of each kind."""
    city = await PolicyCity.built(client, tokens)
    hr = city.api.hr
    found = await _data(client, IDS, {"nip": NIP}, hr)
    program = (await _data(client, PROGRAM, {}, hr))["publishTrainingProgram"]["program"]["id"]
    done = await _data(client, COMPLETE, {"nip": NIP, "program": program}, hr)
    talk = await _data(client, DIALOGUE, {"nip": NIP}, city.api.supervisor)
    return {
        "Employee": found["employee"]["id"],
        "Unit": found["unit"]["id"],
        "Evaluation": city.evaluation_id,
        "AwardDecision": found["awardDecisions"]["edges"][0]["node"]["id"],
        "TrainingProgram": program,
        "TrainingCompletion": done["recordTrainingCompletion"]["completion"]["id"],
        "PerformanceDialogue": talk["recordPerformanceDialogue"]["dialogue"]["id"],
    }


async def test_node_returns_each_kind_by_its_id_as_the_direct_queries_show_it(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    ids = await _every_kind(client, tokens)
    hr = tokens.header(HR, "HR")
    for kind, global_id in ids.items():
        node = (await _data(client, NODE, {"id": global_id}, hr))["node"]
        assert (node["__typename"], node["id"]) == (kind, global_id)
    employee = (await _data(client, NODE, {"id": ids["Employee"]}, hr))["node"]
    assert (employee["nip"], employee["name"]) == (NIP, "Sri Wahyuni")
    unit = (await _data(client, NODE, {"id": ids["Unit"]}, hr))["node"]
    assert unit["code"] == "DINKES"
    listed = (await _data(client, NODES, {"ids": list(ids.values())}, hr))["nodes"]
    assert [(n["__typename"], n["id"]) for n in listed] == list(ids.items())


async def test_node_applies_the_direct_queries_access_rules(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    ids = await _every_kind(client, tokens)
    employee = ids["Employee"]
    partner = tokens.header("app-1", "PARTNER")
    masked = (await _data(client, NODE, {"id": employee}, partner))["node"]
    assert masked == {"__typename": "Employee", "id": employee, "nip": None, "name": None}
    listed = (await _data(client, NODES, {"ids": [employee]}, partner))["nodes"]
    assert listed == [{"__typename": "Employee", "id": employee, "nip": None, "name": None}]
    with_pii = tokens.header("app-2", "PARTNER", scopes=["pii"])
    assert (await _data(client, NODE, {"id": employee}, with_pii))["node"]["nip"] == NIP
    # Another employee reads neither this employee nor their evaluation, dialogue, completion
    # or award: null, as `employee(nip:)` and `evaluation(id:)` answer them.
    outsider = tokens.header(OUTSIDER, "EMPLOYEE")
    direct = await _data(
        client,
        "query($nip: String!, $id: ID!) { employee(nip: $nip) { id } evaluation(id: $id) { id } }",
        {"nip": NIP, "id": ids["Evaluation"]},
        outsider,
    )
    assert direct == {"employee": None, "evaluation": None}
    hidden = [ids[k] for k in ("Employee", "Evaluation", "PerformanceDialogue")]
    hidden += [ids["TrainingCompletion"], ids["AwardDecision"]]
    for global_id in hidden:
        assert (await _data(client, NODE, {"id": global_id}, outsider))["node"] is None
    assert (await _data(client, NODES, {"ids": hidden}, outsider))["nodes"] == [None] * 5
    # What anyone signed in reads directly (the catalogue, units) they read through `node`.
    program = (await _data(client, NODE, {"id": ids["TrainingProgram"]}, outsider))["node"]
    assert program["code"] == "PERIZINAN-1"
    # The employee themself and their supervisor read their dialogue's notes through `node`.
    for reader in (tokens.header(NIP, "EMPLOYEE"), tokens.header(SUPERVISOR, "EVALUATOR")):
        seen = (await _data(client, NODE, {"id": ids["PerformanceDialogue"]}, reader))["node"]
        assert seen["notes"]
    anonymous = await gql(client, NODE, {"id": employee})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_id_the_service_never_issued_is_a_coded_error_and_an_unknown_one_null(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    real = str(uuid.uuid4())
    unit_id = encode_cursor("Unit", "DINKES")
    forged = [
        "not-an-id",
        real.upper(),  # not the canonical spelling the service writes
        unit_id[:-2] + "x=",  # an altered unit id
        encode_cursor("employee", real),  # a cursor of a list, not an id
        encode_cursor("Unit", "DIN\x00KES"),  # no unit code holds a NUL
        "A" * 300,
        "",
    ]
    for value in forged:
        body = await gql(client, NODE, {"id": value}, hr)
        assert body["data"] == {"node": None}, value
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (value, body)
        many = await gql(client, NODES, {"ids": [real, value]}, hr)
        assert many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (value, many)
    assert (await _data(client, NODE, {"id": real}, hr))["node"] is None
    assert (await _data(client, NODE, {"id": unit_id}, hr))["node"] is None  # no such unit yet
    too_many = await gql(client, NODES, {"ids": [real] * 101}, hr)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 100" in too_many["errors"][0]["message"]


# Ids of the two shapes the service issues (unknown here: null, no error), and any other text
# (not a UUID's five groups, not base64 of `Unit:`): BAD_USER_INPUT.
# (A unit code is text a client can send: no NUL, no lone surrogate, which UTF-8 cannot carry.)
_CODES = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=1, max_size=30
)
_WELL_FORMED = st.uuids().map(str) | _CODES.map(lambda code: encode_cursor("Unit", code))
_OTHER = st.text(max_size=60).filter(lambda t: t.count("-") != 4 and not t.startswith("VW5pdD"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=st.tuples(_WELL_FORMED, st.just([])) | st.tuples(_OTHER, st.just(["BAD_USER_INPUT"])))
async def test_any_text_as_an_id_is_null_or_a_coded_error_never_another_answer(
    client: httpx.AsyncClient, tokens: Tokens, case: tuple[str, list[str]]
) -> None:
    text, codes = case
    body = await gql(client, NODE, {"id": text}, tokens.header(HR, "HR"))
    # Text the pipeline refuses before running (a NUL) has no `data` at all.
    assert body.get("data") in (None, {"node": None}), body
    assert [e["extensions"]["code"] for e in body.get("errors", [])] == codes, (text, body)
