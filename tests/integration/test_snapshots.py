"""Snapshots: a long stream loads from its snapshot to the same state; erasure removes them."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.employee import Employee
from domain.values import EmploymentType, PositionKind
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext, Repository
from service.handlers.organisation import RegisterEmployee
from service.services import Services

NIP = "198503152010011002"


def _ctx(role: Role = Role.HR) -> CommandContext:
    return CommandContext(Principal("admin-1", frozenset({role})), datetime.now(UTC))


async def test_a_long_stream_loads_from_its_snapshot_to_the_same_state(services: Services) -> None:
    handlers = services.organisation
    await handlers.register_unit(_ctx(), "DINKES", "Dinas Kesehatan")
    await handlers.register_unit(_ctx(), "DISDIK", "Dinas Pendidikan")
    await handlers.register_employee(
        _ctx(),
        RegisterEmployee(NIP, "Sri", EmploymentType.PNS, "DINKES", PositionKind.PELAKSANA, "Staf"),
    )
    for i in range(120):
        await handlers.transfer_employee(_ctx(), NIP, "DISDIK" if i % 2 == 0 else "DINKES", None)
    stream = services.ids.employee_id(NIP)
    version = await services.pool.fetchval(
        "SELECT version FROM snapshots WHERE stream_id = $1", stream
    )
    assert version is not None and version >= 100
    from_snapshot = await handlers.repo.load(stream, Employee)
    from_events = await Repository(services.store).load(stream, Employee)
    assert from_snapshot is not None and from_events is not None
    assert from_snapshot.version == from_events.version == 121
    assert vars(from_snapshot) == vars(from_events)
    types = {name: type(value) for name, value in vars(from_snapshot).items()}
    assert types == {name: type(value) for name, value in vars(from_events).items()}

    await services.privacy.erase_subject(_ctx(Role.ADMIN), NIP, "the subject's request")
    left = await services.pool.fetchval(
        "SELECT count(*) FROM snapshots WHERE stream_id = $1", stream
    )
    assert left == 0
