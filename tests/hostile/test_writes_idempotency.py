"""Hostile idempotency keys and metadata: a bad request is refused alone, before its group."""

from __future__ import annotations

import asyncio
import string
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.organisation import Unit
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext
from service.log.records import (
    IDEMPOTENCY_KEY_ALPHABET,
    IDEMPOTENCY_KEY_MAX,
    IdempotencyKey,
    Metadata,
    StreamWrite,
    check_idempotency_key,
)
from service.services import Services
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
META = Metadata(actor=HR, actor_role="HR")
NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

REGISTER_UNIT = """
mutation($code: String!, $key: String) {
  registerUnit(input: {code: $code, name: "Unit", idempotencyKey: $key}) {
    __typename
    ... on RegisterUnitSuccess { position }
    ... on ValidationError { message field }
  }
}"""

BAD_KEYS = [
    "",
    "k" * (IDEMPOTENCY_KEY_MAX + 1),
    "k" * 10_000,
    "with space",
    "slash/key",
    "ünïcode",
    "²³",
    "emoji-🙂",
    "line\nbreak",
]


async def _register(
    client: httpx.AsyncClient, hr: dict[str, str], code: str, key: str | None
) -> Any:
    body = await gql(client, REGISTER_UNIT, {"code": code, "key": key}, hr)
    return body["data"]["registerUnit"]


async def test_three_10kb_keys_among_sixty_concurrent_mutations_fail_alone(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    hr = tokens.header(HR, "HR")
    bad = {7, 29, 51}
    answers = await asyncio.gather(
        *(
            _register(client, hr, f"U{i:02d}", "x" * 10_240 if i in bad else f"unit-{i}")
            for i in range(60)
        )
    )
    refused = [i for i, a in enumerate(answers) if a["__typename"] == "ValidationError"]
    assert refused == sorted(bad)
    assert all(answers[i]["field"] == "idempotencyKey" for i in bad)
    assert sum(a["__typename"] == "RegisterUnitSuccess" for a in answers) == 57
    events = await services.store.read_all(0, 1000)
    assert [e.position for e in events] == list(range(1, 58))


@pytest.mark.parametrize("key", BAD_KEYS, ids=range(len(BAD_KEYS)))
async def test_a_bad_idempotency_key_is_a_validation_error_and_appends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, key: str
) -> None:
    hr = tokens.header(HR, "HR")
    before = await services.store.head()
    answer = await _register(client, hr, "DINKES", key)
    assert answer["__typename"] == "ValidationError", answer
    assert answer["field"] == "idempotencyKey"
    assert await services.store.head() == before


async def test_a_key_of_the_documented_alphabet_at_the_limit_is_stored_and_replays(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    hr = tokens.header(HR, "HR")
    key = ("Az09-_.:" * 25)[:IDEMPOTENCY_KEY_MAX]
    first = await _register(client, hr, "DINKES", key)
    again = await _register(client, hr, "DINKES", key)
    assert first["__typename"] == again["__typename"] == "RegisterUnitSuccess"
    assert again["position"] == first["position"] == 1


async def test_a_row_the_database_refuses_fails_only_its_own_request(services: Services) -> None:
    """Past the checks: a result PostgreSQL cannot store (NUL in jsonb) fails alone in its group."""
    store = services.store

    def append(i: int, result: dict[str, Any]) -> Any:
        unit = Unit.register(f"G{i:02d}", "Unit", NOW)
        key = IdempotencyKey(scope=f"{HR}:registerUnit", key=f"group-{i}")
        write = StreamWrite(unit.id, tuple(unit.collect_events()))
        return store.append([write], META, idempotency=key, result=result)

    outcomes = await asyncio.gather(
        *(append(i, {"nul": "\x00"} if i == 5 else {"ok": i}) for i in range(20)),
        return_exceptions=True,
    )
    failed = [i for i, o in enumerate(outcomes) if isinstance(o, BaseException)]
    assert failed == [5]
    events = await store.read_all(0, 100)
    assert [e.position for e in events] == list(range(1, 20))


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        (Metadata(actor=HR, actor_role="HR", reason="r" * 4001), "reason"),
        (Metadata(actor=HR, actor_role="HR", reason="lone \udc80 surrogate"), "reason"),
        (Metadata(actor=HR, actor_role="HR", reason="nul \x00"), "reason"),
        (Metadata(actor=HR, actor_role="HR", correlation_id="c" * 300), "requestId"),
        (Metadata(actor="a" * 300, actor_role="HR"), "actor"),
    ],
    ids=["long-reason", "surrogate", "nul", "long-request-id", "long-actor"],
)
async def test_unbounded_metadata_is_refused_before_the_group(
    services: Services, metadata: Metadata, field: str
) -> None:
    unit = Unit.register("DINKES", "Unit", NOW)
    innocent = Unit.register("DISDIK", "Unit", NOW)
    bad = services.store.append([StreamWrite(unit.id, tuple(unit.collect_events()))], metadata)
    good = services.store.append([StreamWrite(innocent.id, tuple(innocent.collect_events()))], META)
    outcomes = await asyncio.gather(bad, good, return_exceptions=True)
    assert isinstance(outcomes[0], InvalidValue)
    assert outcomes[0].field == field
    assert await services.store.head() == 1


@pytest.mark.parametrize("key", ["nul\x00key", "lone\udc80", *BAD_KEYS])
def test_a_command_context_refuses_a_bad_key_before_any_handler_runs(key: str) -> None:
    """The request pipeline refuses NUL and lone surrogates itself; the store refuses them too."""
    with pytest.raises(InvalidValue) as refused:
        CommandContext(Principal(HR, frozenset({Role.HR})), NOW, idempotency_key=key)
    assert refused.value.field == "idempotencyKey"


_KEYS = st.text(alphabet=sorted(IDEMPOTENCY_KEY_ALPHABET), min_size=1, max_size=IDEMPOTENCY_KEY_MAX)
_OUTSIDE = st.characters(exclude_characters="".join(IDEMPOTENCY_KEY_ALPHABET))


@settings(max_examples=200, deadline=None)
@given(prefix=st.text(alphabet=string.ascii_letters, max_size=20), bad=_OUTSIDE)
def test_any_character_outside_the_alphabet_is_refused(prefix: str, bad: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_idempotency_key(prefix + bad)
    assert refused.value.field == "idempotencyKey"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(key=_KEYS)
async def test_any_accepted_key_is_stored_and_replays(services: Services, key: str) -> None:
    hr = Principal(HR, frozenset({Role.HR}))
    ctx = CommandContext(hr, NOW, idempotency_key=key)
    head = await services.store.head()
    code = f"P{head:05d}"
    first = await services.organisation.register_unit(ctx, code, "Unit")
    again = await services.organisation.register_unit(ctx, code, "Unit")
    assert again.replayed
    assert (again.position, again.result) == (first.position, first.result)
    assert await services.store.head() == head + (0 if first.replayed else 1)
