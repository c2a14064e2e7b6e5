"""Evaluations over HTTP: the lifecycle, the matrix, objections and every refusal."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from service.services import Services
from tests.api.performance_scenario import (
    ABOVE,
    AGREE,
    AS_EXPECTED,
    BELOW,
    DISTRIBUTION,
    EMPLOYEE,
    EVALUATION,
    FINALIZE,
    NIP,
    NOTES,
    OBJECT,
    RESOLVE,
    RESULT,
    SUBMIT,
    TARGETS,
    Api,
    evaluation_input,
)
from tests.conftest import Tokens
from tests.graphql import gql


@pytest.fixture
async def api(client: httpx.AsyncClient, tokens: Tokens) -> Api:
    return await Api.started(client, tokens)


async def test_a_finalised_predicate_shows_on_the_employee_and_in_the_unit(api: Api) -> None:
    final = await api.evaluate([ABOVE, ABOVE, AS_EXPECTED], ABOVE)
    assert final["evaluation"]["status"] == "FINAL"
    assert final["evaluation"]["predicate"] == "SANGAT_BAIK"
    employee = (await api(EMPLOYEE, {"nip": NIP}, api.hr))["employee"]
    assert employee["currentPredicate"] == "SANGAT_BAIK"
    assert employee["developmentNeeds"] == ["Analisis Data"]
    assert [(e["period"], e["predicate"], e["status"]) for e in employee["evaluations"]] == [
        ("TRIWULAN_I", "SANGAT_BAIK", "FINAL")
    ]
    unit = (await api(DISTRIBUTION, {"period": "TRIWULAN_I"}, api.hr))["unit"]
    counts = {c["predicate"]: c["count"] for c in unit["distribution"]}
    assert counts == {
        "SANGAT_BAIK": 1,
        "BAIK": 0,
        "BUTUH_PERBAIKAN": 0,
        "KURANG": 0,
        "SANGAT_KURANG": 0,
    }
    assert unit["completionRate"] == pytest.approx(1 / 3)
    page = await api("{ employees(predicate: SANGAT_BAIK) { edges { node { nip } } } }", {}, api.hr)
    assert page["employees"]["edges"] == [{"node": {"nip": NIP}}]


@pytest.mark.parametrize(
    ("results", "behaviour", "predicate"),
    [
        ([AS_EXPECTED], ABOVE, "BAIK"),
        ([ABOVE, ABOVE], BELOW, "KURANG"),
        ([BELOW, BELOW], ABOVE, "BUTUH_PERBAIKAN"),
        ([BELOW], BELOW, "SANGAT_KURANG"),
    ],
)
async def test_the_predicate_follows_the_matrix(
    api: Api, results: list[str], behaviour: str, predicate: str
) -> None:
    final = await api.evaluate(results, behaviour)
    assert final["evaluation"]["predicate"] == predicate


async def test_an_evaluator_who_is_not_the_supervisor_is_refused(
    api: Api, services: Services
) -> None:
    head = await services.store.head()
    refused = await api.submit(evaluation_input([ABOVE], ABOVE), api.other)
    assert refused["__typename"] == "NotAuthorized"
    agreed = await api(AGREE, {"nip": NIP, "year": 2026, "targets": TARGETS}, api.other)
    assert agreed["agreePerformancePlan"]["__typename"] == "NotAuthorized"
    assert await services.store.head() == head
    submitted = await api.submit(evaluation_input([ABOVE], ABOVE), api.supervisor)
    head = await services.store.head()
    final = await api(FINALIZE, {"id": submitted["evaluation"]["id"]}, api.other)
    assert final["finalizeEvaluation"]["__typename"] == "NotAuthorized"
    assert await services.store.head() == head


async def test_an_upheld_objection_revises_and_the_history_keeps_both(api: Api) -> None:
    final = await api.evaluate([AS_EXPECTED, AS_EXPECTED, AS_EXPECTED], AS_EXPECTED)
    evaluation_id = final["evaluation"]["id"]
    assert final["evaluation"]["predicate"] == "BAIK"
    other = await api(OBJECT, {"id": evaluation_id}, api.supervisor)
    assert other["fileObjection"]["__typename"] == "NotAuthorized"
    objected = await api(OBJECT, {"id": evaluation_id}, api.employee)
    assert objected["fileObjection"]["evaluation"]["status"] == "OBJECTED"
    upheld = {
        "evaluationId": evaluation_id,
        "outcome": "UPHELD",
        "reason": "Bukti dukung sah.",
        "targetRatings": [{"targetIndex": i, "rating": ABOVE} for i in range(3)],
        "behaviourRating": ABOVE,
    }
    resolved = (await api(RESOLVE, {"input": upheld}, api.hr))["resolveObjection"]
    assert resolved["evaluation"]["status"] == "REVISED"
    assert resolved["evaluation"]["predicate"] == "SANGAT_BAIK"
    assert resolved["evaluation"]["previousPredicate"] == "BAIK"
    employee = (await api(EMPLOYEE, {"nip": NIP}, api.employee))["employee"]
    assert employee["currentPredicate"] == "SANGAT_BAIK"
    history = await api(
        "query($id: ID!) { evaluation(id: $id) { history { type predicate status reason } } }",
        {"id": evaluation_id},
        api.hr,
    )
    steps = history["evaluation"]["history"]
    assert [(s["type"], s["predicate"]) for s in steps] == [
        ("Submitted", None),
        ("Finalised", "BAIK"),
        ("ObjectionFiled", "BAIK"),
        ("ObjectionUpheld", "SANGAT_BAIK"),
    ]
    assert steps[-1]["reason"] == "Bukti dukung sah."


async def test_a_second_submission_for_the_same_period_is_refused(
    api: Api, services: Services
) -> None:
    await api.evaluate([ABOVE], ABOVE)
    head = await services.store.head()
    again = await api.submit(evaluation_input([AS_EXPECTED], AS_EXPECTED), api.supervisor)
    assert again["__typename"] == "ValidationError"
    assert again["field"] == "period"
    assert await services.store.head() == head


async def test_bad_input_is_refused_naming_the_field(api: Api, services: Services) -> None:
    head = await services.store.head()
    cases: list[tuple[dict[str, Any], str]] = [
        (evaluation_input([ABOVE], ABOVE, behaviourNotes=NOTES[:6]), "behaviourNotes"),
        (evaluation_input([ABOVE], ABOVE, targetRatings=[]), "targetRatings"),
        (
            evaluation_input([ABOVE], ABOVE, targetRatings=[{"targetIndex": 3, "rating": ABOVE}]),
            "targetIndex",
        ),
        (evaluation_input([ABOVE], ABOVE, year=2027), "year"),
        (evaluation_input([AS_EXPECTED], ABOVE, resultsRating=ABOVE), "ratingJustification"),
    ]
    for variables, field in cases:
        refused = await api.submit(variables, api.supervisor)
        assert (refused["__typename"], refused["field"]) == ("ValidationError", field), refused
    no_targets = await api(AGREE, {"nip": NIP, "year": 2026, "targets": []}, api.supervisor)
    assert no_targets["agreePerformancePlan"]["field"] == "targets"
    unknown = await gql(
        api.client,
        SUBMIT,
        {"input": evaluation_input([ABOVE], "LUAR_BIASA")},
        api.supervisor,
    )
    assert unknown["errors"] and unknown.get("data") is None
    assert await services.store.head() == head


async def test_a_period_of_a_closed_cycle_takes_no_evaluation(api: Api, services: Services) -> None:
    closed = await api(
        "mutation { closeCycle(input: {year: 2026}) { __typename"
        " ... on CloseCycleSuccess { cycle { status } } } }",
        {},
        api.hr,
    )
    assert closed["closeCycle"]["cycle"] == {"status": "CLOSED"}
    head = await services.store.head()
    refused = await api.submit(evaluation_input([ABOVE], ABOVE), api.supervisor)
    assert (refused["__typename"], refused["field"]) == ("ValidationError", "period")
    assert await services.store.head() == head


async def test_a_draft_is_corrected_with_a_reason_before_it_is_finalised(
    api: Api, services: Services
) -> None:
    submitted = await api.submit(evaluation_input([AS_EXPECTED], AS_EXPECTED), api.supervisor)
    evaluation_id = submitted["evaluation"]["id"]
    correct = f"""
    mutation($input: CorrectEvaluationInput!) {{
      correctEvaluation(input: $input) {{
        {RESULT} ... on CorrectEvaluationSuccess {{ {EVALUATION} }}
      }}
    }}"""
    corrected_input = evaluation_input([ABOVE], ABOVE, evaluationId=evaluation_id, reason=" ")
    for key in ("nip", "year", "period"):
        corrected_input.pop(key)
    head = await services.store.head()
    blank = await api(correct, {"input": corrected_input}, api.supervisor)
    assert blank["correctEvaluation"]["field"] == "reason"
    assert await services.store.head() == head
    corrected_input["reason"] = "Bukti dukung tertinggal."
    corrected = await api(correct, {"input": corrected_input}, api.supervisor)
    assert corrected["correctEvaluation"]["evaluation"]["resultsRating"] == ABOVE
    final = await api(FINALIZE, {"id": evaluation_id}, api.supervisor)
    assert final["finalizeEvaluation"]["evaluation"]["predicate"] == "SANGAT_BAIK"
    late = await api(correct, {"input": corrected_input}, api.supervisor)
    assert late["correctEvaluation"]["rule"] == "evaluation_status"
