"""The JP ledger and the catalogue on a real PostgreSQL, and the same folds replayed in memory."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import AlreadyExists
from domain.training import TrainingKind, program_stream_id
from domain.training_completion import CompletionEntry
from domain.values import EmploymentType, PositionKind
from projections import jp_ledger
from projections.catalogue import CATALOGUE, PARTICIPANTS, CatalogueProjection
from projections.engine import Projection, Table, replay
from projections.jp_ledger import COMPLETIONS, LEDGER, JpLedgerProjection
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext
from service.handlers.organisation import RegisterEmployee
from service.handlers.training import PublishProgram, RecordCompletion
from service.services import Services
from service.views.facts import to_fact

HR = Principal(sub="196001011990011001", roles=frozenset({Role.HR}))
NOW = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
CTX = CommandContext(principal=HR, now=NOW)
PNS = "198503152010011002"
PPPK = "199001012023212001"
PROGRAMS = ("DKK-01", "DISDIK-WS")
CERTIFICATES = itertools.count(1)


async def _given_staff_and_programmes(services: Services) -> dict[str, str]:
    """Register the unit, two employees and two programmes once per database."""
    try:
        await services.organisation.register_unit(CTX, "DINKES", "Dinas Kesehatan")
    except AlreadyExists:
        return {code: str(program_stream_id(code)) for code in PROGRAMS}
    for nip, kind in ((PNS, EmploymentType.PNS), (PPPK, EmploymentType.PPPK)):
        await services.organisation.register_employee(
            CTX,
            RegisterEmployee(nip, "Sri", kind, "DINKES", PositionKind.FUNGSIONAL, "Perawat"),
        )
    ids = {}
    for code in PROGRAMS:
        result = await services.training.publish_program(
            CTX, PublishProgram(code, "Pelatihan", TrainingKind.WORKSHOP, "Pelayanan", 8, "BPSDM")
        )
        ids[code] = result.result["program_id"]
    await services.projector.catch_up()
    return ids


async def _record(services: Services, nip: str, program: str, on: date, jp: int) -> str:
    entry = CompletionEntry(completed_on=on, certificate_number=f"C-{next(CERTIFICATES)}", jp=jp)
    result = await services.training.record_completion(CTX, RecordCompletion(nip, program, entry))
    await services.projector.catch_up()
    return str(result.result["completion_id"])


async def _table(services: Services, table: Table) -> list[dict[str, Any]]:
    rows = await services.pool.fetch(f"SELECT * FROM {table.name}")
    return sorted((dict(r) for r in rows), key=lambda r: str(table.key_of(r)))


async def _replayed(services: Services, table: Table) -> list[dict[str, Any]]:
    events = await services.store.read_all(0, 100_000)
    facts = [to_fact(services.store.codec, e) for e in events]
    projections: list[Projection] = [JpLedgerProjection(), CatalogueProjection()]
    rows = replay(projections, facts).table(table.name)
    return sorted(rows, key=lambda r: str(table.key_of(r)))


async def test_a_pns_ledger_follows_completions_and_revocations(services: Services) -> None:
    ids = await _given_staff_and_programmes(services)
    employee_id = services.ids.employee_id(PNS)
    first = await _record(services, PNS, ids["DKK-01"], date(2025, 3, 1), 12)
    view = await jp_ledger.ledger(services.pool, employee_id, 2025, "PNS")
    assert (view.earned, view.remaining, view.compliant) == (12, 8, False)
    await _record(services, PNS, ids["DISDIK-WS"], date(2025, 9, 1), 8)
    view = await jp_ledger.ledger(services.pool, employee_id, 2025, "PNS")
    assert (view.earned, view.remaining, view.compliant) == (20, 0, True)
    await services.training.revoke_completion(CTX, first, "certificate not issued", None)
    await services.projector.catch_up()
    view = await jp_ledger.ledger(services.pool, employee_id, 2025, "PNS")
    assert (view.earned, view.compliant) == (8, False)
    assert [(e.jp, e.revoked) for e in view.entries] == [(12, True), (8, False)]
    compliance = await jp_ledger.unit_compliance(services.pool, "DINKES", 2025)
    assert (compliance.employees, compliance.compliant, compliance.rate) == (1, 0, 0.0)


async def test_a_december_completion_recorded_in_january_counts_to_december_s_year(
    services: Services,
) -> None:
    ids = await _given_staff_and_programmes(services)
    assert NOW.date() == date(2026, 1, 10)
    await _record(services, PNS, ids["DKK-01"], date(2025, 12, 29), 8)
    employee_id = services.ids.employee_id(PNS)
    assert (await jp_ledger.ledger(services.pool, employee_id, 2025, "PNS")).earned == 8
    assert (await jp_ledger.ledger(services.pool, employee_id, 2026, "PNS")).earned == 0
    [recorded] = [e for e in await services.store.read_all() if e.event_type.endswith("Recorded")]
    assert recorded.effective_date == date(2025, 12, 29)


_OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("complete"),
            st.sampled_from((PNS, PPPK)),
            st.sampled_from(PROGRAMS),
            st.dates(date(2024, 11, 1), date(2026, 1, 10)),
            st.integers(1, 30),
        ),
        st.tuples(st.just("revoke"), st.integers(0, 50)),
    ),
    max_size=8,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=_OPS)
async def test_the_ledger_built_event_by_event_equals_the_ledger_replayed_from_zero(
    services: Services, ops: list[tuple[Any, ...]]
) -> None:
    ids = await _given_staff_and_programmes(services)
    completions: list[str] = []
    for op in ops:
        if op[0] == "complete":
            _, nip, code, on, jp = op
            completions.append(await _record(services, nip, ids[code], on, jp))
        elif completions:
            target = completions.pop(op[1] % len(completions))
            await services.training.revoke_completion(CTX, target, "invalid", None)
            await services.projector.catch_up()
    for table in (LEDGER, COMPLETIONS, CATALOGUE, PARTICIPANTS):
        assert await _table(services, table) == await _replayed(services, table), table.name
    for row in await _table(services, LEDGER):
        counted = [e["jp"] for e in row["entries"] if not e["revoked"]]
        assert row["earned"] == sum(counted)
        assert row["compliant"] == (row["earned"] >= row["required"])
