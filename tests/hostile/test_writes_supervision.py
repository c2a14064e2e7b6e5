"""Supervision cycles are refused over the API with a RuleViolation, and append nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from domain.errors import RuleBroken
from domain.values import EmploymentType, PositionKind
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext
from service.handlers.organisation import RegisterEmployee
from service.log.records import VersionConflictError
from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
A, B, C = "198503152010011002", "198004012005012003", "197502022000011004"

ASSIGN = """
mutation($nip: String!, $sup: String!) {
  assignSupervisor(input: {nip: $nip, supervisorNip: $sup}) {
    __typename
    ... on RuleViolation { rule message }
  }
}"""


async def _people(services: Services) -> CommandContext:
    ctx = CommandContext(Principal(HR, frozenset({Role.HR})), datetime.now(UTC))
    await services.organisation.register_unit(ctx, "DINKES", "Dinas Kesehatan")
    for nip in (A, B, C):
        await services.organisation.register_employee(
            ctx,
            RegisterEmployee(
                nip, "Pegawai", EmploymentType.PNS, "DINKES", PositionKind.PELAKSANA, "Staf"
            ),
        )
    return ctx


async def _assign(client: httpx.AsyncClient, hr: dict[str, str], nip: str, sup: str) -> object:
    body = await gql(client, ASSIGN, {"nip": nip, "sup": sup}, hr)
    return body["data"]["assignSupervisor"]


async def test_a_two_cycle_and_a_three_cycle_are_refused_and_append_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    await _people(services)
    hr = tokens.header(HR, "HR")
    ok = {"__typename": "AssignSupervisorSuccess"}
    assert await _assign(client, hr, A, B) == ok  # B supervises A
    head = await services.store.head()
    two = await _assign(client, hr, B, A)  # A would supervise B
    assert isinstance(two, dict)
    assert (two["__typename"], two["rule"]) == ("RuleViolation", "supervision_cycle")
    assert await services.store.head() == head
    assert await _assign(client, hr, B, C) == ok  # C supervises B: A -> B -> C
    head = await services.store.head()
    three = await _assign(client, hr, C, A)  # A would supervise C
    assert isinstance(three, dict)
    assert (three["__typename"], three["rule"]) == ("RuleViolation", "supervision_cycle")
    assert "2 level(s)" in three["message"]
    assert await services.store.head() == head
    assert await _assign(client, hr, A, C) == ok  # moving A up the chain stays a tree


async def test_two_concurrent_halves_of_a_circle_do_not_both_commit(services: Services) -> None:
    ctx = await _people(services)
    handlers = services.organisation
    for _ in range(5):
        head = await services.store.head()
        outcomes = await asyncio.gather(
            handlers.assign_supervisor(ctx, A, B, None),
            handlers.assign_supervisor(ctx, B, A, None),
            return_exceptions=True,
        )
        refused = [o for o in outcomes if isinstance(o, VersionConflictError | RuleBroken)]
        assert len(refused) == 1, outcomes
        assert await services.store.head() == head + 1
        # Undo: both report to C again, so the next round starts from a tree.
        for nip in (A, B):
            await handlers.assign_supervisor(ctx, nip, C, None)
