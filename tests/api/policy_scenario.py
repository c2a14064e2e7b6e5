"""A city where every kind of protected data exists once, marked so a test can find it anywhere.

Unit DINKES: the supervisor (EVALUATOR), a second evaluator and the employee they supervise;
unit DISDIK: one more employee. The employee's evaluation carries feedback and a correction
reason, they object to it, a penalty is recorded, the unit's 2026 distribution has an override,
and an award is nominated and decided. Each text is a marker: the role x data matrix says
which markers each role reads on each path.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.performance_scenario import (
    ABOVE,
    AS_EXPECTED,
    HR,
    NIP,
    OTHER_EVALUATOR,
    SUPERVISOR,
    Api,
    evaluation_input,
)
from tests.conftest import Tokens

OUTSIDER = "198804042012012004"
NAME = "Sri Wahyuni"
FEEDBACK = "Tingkatkan ketepatan laporan."
BEHAVIOUR = "Catatan kolaboratif"
CORRECTION = "Koreksi-bukti-ND-7"
OBJECTION = "Bukti dukung belum dinilai."
PENALTY = "Alasan-disiplin-rahasia"
OVERRIDE = "Pembenaran-sebaran-DINKES"
RATIONALE = "Alasan-nominasi-prima"
JUSTIFICATION = "Pertimbangan-keputusan-khusus"

# What each marker is: the data kinds of the matrix.
NAMES = frozenset({NAME, NIP})
PRIVATE_TEXT = frozenset({FEEDBACK, BEHAVIOUR, CORRECTION, OBJECTION, PENALTY})
OVERSIGHT_TEXT = frozenset({OVERRIDE, RATIONALE, JUSTIFICATION})
EVERYTHING = NAMES | PRIVATE_TEXT | OVERSIGHT_TEXT

_RESULT = "__typename ... on NotAuthorized { message } ... on ValidationError { field message }"


async def _ok(api: Api, query: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
    data = await api(query, variables, headers)
    [result] = data.values()
    assert result["__typename"].endswith("Success"), result
    return result


class PolicyCity:
    """The scenario's ids and actors, built through the public API."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.evaluation_id = ""

    @classmethod
    async def built(cls, client: httpx.AsyncClient, tokens: Tokens) -> PolicyCity:
        city = cls(await Api.started(client, tokens))
        await city._build()
        return city

    async def _build(self) -> None:
        api, hr = self.api, self.api.hr
        await _ok(api, _UNIT, {}, hr)
        await _ok(api, _OUTSIDER, {"nip": OUTSIDER}, hr)
        notes = [{"value": "KOLABORATIF", "note": BEHAVIOUR}] + [
            n
            for n in evaluation_input([], AS_EXPECTED)["behaviourNotes"]
            if n["value"] != "KOLABORATIF"
        ]
        submitted = await api.submit(
            evaluation_input([ABOVE, AS_EXPECTED, AS_EXPECTED], AS_EXPECTED, behaviourNotes=notes),
            api.supervisor,
        )
        self.evaluation_id = submitted["evaluation"]["id"]
        fixed = evaluation_input([ABOVE, ABOVE, AS_EXPECTED], AS_EXPECTED, behaviourNotes=notes)
        del fixed["nip"], fixed["year"], fixed["period"]
        fixed |= {"evaluationId": self.evaluation_id, "reason": CORRECTION}
        await _ok(api, _CORRECT, {"input": fixed}, api.supervisor)
        await _ok(api, _FINALIZE, {"id": self.evaluation_id}, api.supervisor)
        await _ok(api, _OBJECT, {"id": self.evaluation_id}, api.employee)
        await _ok(api, _PENALTY, {"nip": NIP}, hr)
        await _ok(api, _OVERRIDE, {}, hr)
        await _ok(api, _RULE_SET, {}, hr)
        nominated = await _ok(api, _NOMINATE, {"nip": NIP}, hr)
        await _ok(api, _DECIDE, {"id": nominated["nomination"]["id"]}, hr)


def _mutation(head: str, call: str, extra: str = "") -> str:
    return f"mutation{head} {{ {call} {{ {_RESULT} {extra} }} }}"


_UNIT = _mutation("", 'registerUnit(input: {code: "DISDIK", name: "Dinas Pendidikan"})')
_OUTSIDER = _mutation(
    "($nip: String!)",
    'registerEmployee(input: {nip: $nip, name: "Dewi Anggraini", employmentType: PNS,'
    ' unitCode: "DISDIK", positionKind: PELAKSANA, positionTitle: "Guru"})',
)
_CORRECT = _mutation("($input: CorrectEvaluationInput!)", "correctEvaluation(input: $input)")
_FINALIZE = _mutation("($id: ID!)", "finalizeEvaluation(input: {evaluationId: $id})")
_OBJECT = _mutation(
    "($id: ID!)", f'fileObjection(input: {{evaluationId: $id, reason: "{OBJECTION}"}})'
)
_PENALTY = _mutation(
    "($nip: String!)",
    'recordDisciplinaryPenalty(input: {nip: $nip, level: RINGAN, date: "2026-01-05",'
    f' reason: "{PENALTY}"}})',
)
_OVERRIDE = _mutation(
    "",
    'recordDistributionOverride(input: {unitCode: "DINKES", year: 2026,'
    f' justification: "{OVERRIDE}"}})',
)
_RULE_SET = _mutation(
    "",
    'publishRuleSet(input: {awardKind: ASN_BERPRESTASI, version: 1, effectiveFrom: "2020-01-01",'
    " criteria: [{kind: PREDICATE_AT_LEAST_LATEST, predicate: BAIK}]})",
)
_NOMINATE = _mutation(
    "($nip: String!)",
    f'nominateForAward(input: {{nip: $nip, kind: ASN_BERPRESTASI, rationale: "{RATIONALE}"}})',
    "... on NominateForAwardSuccess { nomination { id } }",
)
_DECIDE = _mutation(
    "($id: ID!)",
    "decideAward(input: {nominationId: $id, outcome: REJECTED,"
    f' justification: "{JUSTIFICATION}"}})',
)

__all__ = ["HR", "NIP", "OTHER_EVALUATOR", "SUPERVISOR", "PolicyCity"]
