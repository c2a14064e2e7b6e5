"""Every projection, built event by event by the real projector in batches of any size, equals
a replay of the whole log from position 0 through the same folds, and so does a full rebuild;
and folding the projections one at a time (as-of reads fold only the ones a read needs) equals
folding them together."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.dialogue import DialogueEntry, DialogueKind
from domain.errors import DomainError
from domain.evaluation import local_day
from domain.rating import Period
from domain.service_outcomes import DeliveryFigures
from domain.training import TrainingKind, completion_stream_id, program_stream_id
from domain.training_completion import CompletionEntry
from domain.values import EmploymentType, PositionKind
from projections.engine import replay
from service.auth.tokens import Principal, Role
from service.cli.projections import verify_projections
from service.db.server import with_database
from service.handlers.dialogues import RecordDialogue
from service.handlers.envelope import CommandContext, NotAllowed
from service.handlers.organisation import RegisterEmployee
from service.handlers.outcomes import (
    PublishStandard,
    RecordComplaints,
    RecordDelivery,
    RecordSurvey,
)
from service.handlers.training import PublishProgram, RecordCompletion
from service.services import Services, build_services, close_services
from service.settings import Settings
from service.views.as_of import Replay
from service.views.facts import to_fact
from service.views.rebuild import rebuild

UNITS = ["DINKES", "DISDIK", "SETDA"]
PEOPLE = [f"19850315201001{1 + i % 2}{i + 1:03d}" for i in range(6)]
ADMIN = Principal("admin-1", frozenset({Role.ADMIN}))

_OP = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 5), st.integers(0, 2), st.integers(-1, 5)),
    st.tuples(st.just("transfer"), st.integers(0, 5), st.integers(0, 2)),
    st.tuples(st.just("supervise"), st.integers(0, 5), st.integers(0, 5)),
    st.tuples(st.just("erase"), st.integers(0, 5)),
    st.tuples(st.just("transfer_to"), st.integers(0, 5), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("dialogue"), st.integers(0, 5), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("program"), st.integers(0, 3), st.integers(0, 2)),
    # outcomes: standards (versions by effective date), a period's figures, trainings
    st.tuples(st.just("standard"), st.integers(0, 2), st.integers(0, 3), st.integers(1, 9)),
    st.tuples(st.just("delivery"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 12)),
    st.tuples(st.just("survey"), st.integers(0, 2), st.integers(0, 3), st.integers(1, 400)),
    st.tuples(st.just("complaints"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 9)),
    st.tuples(st.just("complete"), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("revoke"), st.integers(0, 3)),
)
SECTORS = ["kesehatan", "pendidikan", None]
# Dialogues belong to the current year's cycle and are held on its first day (never ahead).
YEAR = local_day(datetime.now(UTC)).year


def _quarter(i: int) -> tuple[date, date]:
    start = date(2025, 1 + 3 * i, 1)
    return start, (date(2025, 4 + 3 * i, 1) if i < 3 else date(2026, 1, 1)) - timedelta(days=1)


async def _run_outcome(services: Any, ctx: CommandContext, op: tuple[Any, ...]) -> None:
    kind = op[0]
    unit = UNITS[op[1]] if kind in ("standard", "delivery", "survey", "complaints") else ""
    if kind == "standard":
        on = date(2024 + op[2], 1, 1)
        await services.outcomes.publish_standard(
            ctx, PublishStandard(unit, "LAYANAN", "Layanan", op[3], on)
        )
    elif kind == "delivery":
        figures = DeliveryFigures(12, 10, op[3], 2.5, "sistem")
        await services.outcomes.record_delivery(
            ctx, RecordDelivery(unit, "LAYANAN", *_quarter(op[2]), figures)
        )
    elif kind == "survey":
        scores = [1.0 + (op[3] % 7) * 0.5] * 9
        await services.outcomes.record_survey(
            ctx, RecordSurvey(unit, *_quarter(op[2]), 400, op[3], scores, "SKM")
        )
    elif kind == "complaints":
        await services.outcomes.record_complaints(
            ctx, RecordComplaints(unit, *_quarter(op[2]), 9, op[3], None, "SP4N-LAPOR!")
        )
    elif kind == "complete":
        entry = CompletionEntry(date(2025, 6, 1), f"CERT-{op[2]}")
        await services.training.record_completion(
            ctx, RecordCompletion(PEOPLE[op[1]], str(program_stream_id("PROG-1")), entry)
        )
    else:
        completion = completion_stream_id(f"CERT-{op[1]}")
        await services.training.revoke_completion(ctx, str(completion), "invalid", None)


async def _run(services: Any, op: tuple[Any, ...]) -> None:
    ctx = CommandContext(ADMIN, datetime.now(UTC))
    handlers = services.organisation
    kind = op[0]
    try:
        if kind == "register":
            boss = PEOPLE[op[3]] if op[3] >= 0 else None
            await handlers.register_employee(
                ctx,
                RegisterEmployee(
                    PEOPLE[op[1]],
                    f"Pegawai {op[1]}",
                    EmploymentType.PNS,
                    UNITS[op[2]],
                    PositionKind.PELAKSANA,
                    "Staf",
                    boss,
                ),
            )
        elif kind == "transfer":
            await handlers.transfer_employee(ctx, PEOPLE[op[1]], UNITS[op[2]], None)
        elif kind == "supervise":
            await handlers.assign_supervisor(ctx, PEOPLE[op[1]], PEOPLE[op[2]], None)
        elif kind in _DEVELOPMENT:
            await _DEVELOPMENT[kind](services, op)
        elif kind == "erase":
            await services.privacy.erase_subject(ctx, PEOPLE[op[1]], "the subject's request")
        else:
            await _run_outcome(services, ctx, op)
    except (DomainError, NotAllowed):
        pass  # refused commands append nothing; the sequence goes on


async def _transfer_to(services: Any, op: tuple[Any, ...]) -> None:
    ctx = CommandContext(ADMIN, datetime.now(UTC))
    await services.organisation.transfer_employee(
        ctx, PEOPLE[op[1]], UNITS[op[2]], None, PEOPLE[op[3]]
    )


async def _dialogue(services: Any, op: tuple[Any, ...]) -> None:
    """A dialogue by the person's supervisor (even op[2]) or by PEOPLE[op[2]] (often refused)."""
    employee = await services.performance.employee(PEOPLE[op[1]])
    boss = employee.supervisor_nip if op[2] % 2 == 0 else None
    evaluator = Principal(boss or PEOPLE[op[2]], frozenset({Role.EVALUATOR}))
    entry = DialogueEntry(
        YEAR, Period.TRIWULAN_I, date(YEAR, 1, 1), list(DialogueKind)[op[3]], "catatan", ["aksi"]
    )
    await services.dialogues.record_dialogue(
        CommandContext(evaluator, datetime.now(UTC)), RecordDialogue(PEOPLE[op[1]], entry)
    )


async def _program(services: Any, op: tuple[Any, ...]) -> None:
    persons = tuple((f"Narasumber {i}", "keahlian", None) for i in range(op[1]))
    program = PublishProgram(
        f"P-{op[1]}-{op[2]}",
        "Pelatihan",
        TrainingKind.WORKSHOP,
        "Pelayanan publik",
        8,
        "BPSDM",
        SECTORS[op[2]],
        advanced=op[1] == 3,
        resource_persons=persons,
    )
    await services.training.publish_program(CommandContext(ADMIN, datetime.now(UTC)), program)


async def _assert_folded_apart_equals_together(services: Services) -> None:
    """Each projection touches only its own tables, so folding them apart changes nothing."""
    events = await services.store.read_all(0, 1_000_000)
    facts = [to_fact(services.store.codec, e) for e in events]
    projections = services.projector.projections
    for projection in projections:
        own = {t.name for t in projection.tables}
        assert {table for f in facts for table, _ in projection.touches(f)} <= own
    assert Replay(projections, facts).rows == replay(projections, facts).rows


_DEVELOPMENT = {"transfer_to": _transfer_to, "dialogue": _dialogue, "program": _program}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(_OP, min_size=1, max_size=25), batch=st.integers(1, 7))
async def test_every_projection_built_in_batches_equals_a_replay_from_zero(
    server_url: str, template_name: str, settings: Settings, ops: list[tuple[Any, ...]], batch: int
) -> None:
    name = f"kinerja_p_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(with_database(server_url, "postgres"))
    await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    services = await build_services(settings, with_database(server_url, name), run_projector=False)
    try:
        services.projector.batch_size = batch
        ctx = CommandContext(ADMIN, datetime.now(UTC))
        for code, sector in zip(UNITS, SECTORS, strict=True):
            await services.organisation.register_unit(ctx, code, f"Unit {code}", sector)
        await services.performance.open_cycle(ctx, YEAR)
        await services.training.publish_program(
            ctx,
            PublishProgram("PROG-1", "Pelatihan", TrainingKind.PELATIHAN, "Perizinan", 8, "BPSDM"),
        )
        for op in ops:
            await _run(services, op)
            if op[0] in ("transfer", "transfer_to"):
                await services.projector.catch_up()
        await services.projector.catch_up()
        assert await verify_projections(services) == []
        await _assert_folded_apart_equals_together(services)
        # A rebuild from position 0 (folded in memory, copied in) swaps in the same tables.
        await rebuild(services.pool, services.store, services.projector.projections)
        assert await verify_projections(services) == []
    finally:
        await close_services(services)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
