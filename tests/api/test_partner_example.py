"""The partner example (examples/partner_client.py, the `gql` client) against the live service."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from domain.values import EmploymentType, PositionKind
from examples.partner_client import all_employees, award_events
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext
from service.handlers.organisation import RegisterEmployee
from service.services import Services
from tests.conftest import Tokens


def _ctx() -> CommandContext:
    return CommandContext(Principal("hr-1", frozenset({Role.HR})), datetime.now(UTC))


async def test_the_partner_example_pages_and_subscribes(
    live_url: str, services: Services, tokens: Tokens
) -> None:
    await services.organisation.register_unit(_ctx(), "DINKES", "Dinas Kesehatan")
    for i in range(60):
        nip = f"19850315201001{1 + i % 2}{i + 1:03d}"
        await services.organisation.register_employee(
            _ctx(),
            RegisterEmployee(
                nip, f"P {i}", EmploymentType.PNS, "DINKES", PositionKind.PELAKSANA, "Staf"
            ),
        )
    await services.projector.catch_up()
    token = tokens("partner-app", "PARTNER", scopes=["events"])
    employees = await all_employees(live_url, token)
    assert len(employees) == 60
    assert {e["unit"]["code"] for e in employees} == {"DINKES"}

    async def first_unit_event() -> dict[str, object]:
        async for event in award_events(live_url, token, types=("UnitRegistered",)):
            return event
        raise AssertionError("the subscription ended")

    event = await asyncio.wait_for(first_unit_event(), 10)
    assert event["position"] == 1
