"""Evaluation detail over HTTP: per-target ratings with evidence, behaviour notes and feedback,
readable by the employee, their supervisor, HR and auditors; masked for the others."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from tests.api.performance_scenario import (
    ABOVE,
    AS_EXPECTED,
    CORE_VALUES,
    NIP,
    NOTES,
    RESULT,
    Api,
    evaluation_input,
)
from tests.conftest import Tokens

DETAIL = """
query($id: ID!) {
  evaluation(id: $id) { feedback targetRatings { targetIndex title rating evidence }
    behaviourNotes { value note } }
}"""
CORRECT = f"""
mutation($input: CorrectEvaluationInput!) {{
  correctEvaluation(input: $input) {{ {RESULT} ... on CorrectEvaluationSuccess {{ position }} }}
}}"""
TITLES = ["Layanan imunisasi", "Laporan bulanan", "Sosialisasi"]


def _detail(feedback: str | None, ratings: list[str], personal: bool) -> dict[str, object]:
    return {
        "feedback": feedback if personal else None,
        "targetRatings": [
            {
                "targetIndex": i,
                "title": TITLES[i],
                "rating": r,
                "evidence": [f"ND-{i}/2026"] if personal else None,
            }
            for i, r in enumerate(ratings)
        ],
        "behaviourNotes": [
            {"value": n["value"], "note": n["note"] if personal else None} for n in NOTES
        ],
    }


async def test_evaluation_detail_is_readable_by_the_right_roles_only(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    ratings = [ABOVE, AS_EXPECTED, AS_EXPECTED]
    submitted = await api.submit(evaluation_input(ratings, AS_EXPECTED), api.supervisor)
    evaluation_id = submitted["evaluation"]["id"]
    readers = {
        "employee": (api.employee, True),
        "supervisor": (api.supervisor, True),
        "hr": (api.hr, True),
        "auditor": (tokens.header("bpk", "AUDITOR"), True),
        "pii partner": (tokens.header("app", "PARTNER", scopes=["pii"]), True),
        "partner": (tokens.header("app", "PARTNER"), False),
        "unrelated evaluator": (api.other, False),
        "inspector": (tokens.header("inspektorat", "INSPECTOR"), False),
    }
    for who, (headers, personal) in readers.items():
        seen = (await api(DETAIL, {"id": evaluation_id}, headers))["evaluation"]
        assert seen == _detail("Tingkatkan ketepatan laporan.", ratings, personal), who
    assert [n["value"] for n in NOTES] == CORE_VALUES


async def test_the_detail_shows_the_current_assessment_after_a_correction(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    first = [AS_EXPECTED, AS_EXPECTED, AS_EXPECTED]
    submitted = await api.submit(evaluation_input(first, AS_EXPECTED), api.supervisor)
    evaluation_id = submitted["evaluation"]["id"]
    corrected = [ABOVE, ABOVE, AS_EXPECTED]
    fields = evaluation_input(corrected, AS_EXPECTED, feedback="Pertahankan kinerja.")
    for name in ("nip", "year", "period"):
        fields.pop(name)
    fields |= {"evaluationId": evaluation_id, "reason": "bukti dukung baru"}
    done = await api(CORRECT, {"input": fields}, api.supervisor)
    assert done["correctEvaluation"]["__typename"] == "CorrectEvaluationSuccess", done
    seen = (await api(DETAIL, {"id": evaluation_id}, api.employee))["evaluation"]
    assert seen == _detail("Pertahankan kinerja.", corrected, True)


AS_OF = """
query($nip: String!, $at: DateTime!) {
  employeeAsOf(nip: $nip, at: $at) { evaluations { feedback targetRatings { rating } } }
}"""
TRAIL = """
query($nip: String!) { auditTrail(nip: $nip, eventType: "EvaluationCorrected") {
  edges { node { recordedAt } } } }"""


async def test_employee_as_of_shows_the_assessment_of_that_moment(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    api = await Api.started(client, tokens)
    first = [AS_EXPECTED, AS_EXPECTED, AS_EXPECTED]
    submitted = await api.submit(evaluation_input(first, AS_EXPECTED), api.supervisor)
    fields = evaluation_input([ABOVE, ABOVE, ABOVE], AS_EXPECTED, feedback="Pertahankan.")
    for name in ("nip", "year", "period"):
        fields.pop(name)
    fields |= {"evaluationId": submitted["evaluation"]["id"], "reason": "bukti dukung baru"}
    await api(CORRECT, {"input": fields}, api.supervisor)
    auditor = tokens.header("bpk", "AUDITOR")
    edges = (await api(TRAIL, {"nip": NIP}, auditor))["auditTrail"]["edges"]
    corrected = datetime.fromisoformat(edges[0]["node"]["recordedAt"])

    async def seen(at: datetime) -> dict[str, object]:
        past = await api(AS_OF, {"nip": NIP, "at": at.isoformat()}, auditor)
        found: dict[str, object] = past["employeeAsOf"]["evaluations"][0]
        return found

    before = await seen(corrected - timedelta(microseconds=1))
    assert before == {
        "feedback": "Tingkatkan ketepatan laporan.",
        "targetRatings": [{"rating": r} for r in first],
    }
    assert await seen(corrected) == {
        "feedback": "Pertahankan.",
        "targetRatings": [{"rating": ABOVE}] * 3,
    }
