"""A schema-driven fuzz run (schemathesis) against the live GraphQL endpoint: no 5xx, no leak."""

from __future__ import annotations

import asyncio

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Tokens

EXAMPLES_PER_OPERATION = 3


def _fuzz(url: str, headers: dict[str, str]) -> int:
    schema = schemathesis.graphql.from_url(f"{url}/graphql", headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    calls = 0

    @settings(
        max_examples=EXAMPLES_PER_OPERATION * len(operations),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        nonlocal calls
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        response = case.call(headers=headers)
        calls += 1
        assert response.status_code < 500, (case.body, response.text)
        assert "Traceback" not in response.text
        for error in response.json().get("errors", []):
            assert error.get("extensions", {}).get("code"), error
            if error["extensions"]["code"] == "INTERNAL_SERVER_ERROR":
                raise AssertionError(f"unexpected error for {case.body}")

    check()
    return calls


async def test_a_fuzz_run_finds_no_server_error_and_no_unmasked_error(
    live_url: str, tokens: Tokens
) -> None:
    headers = {**tokens.header("admin-1", "ADMIN"), "Accept": "application/json"}
    calls = await asyncio.to_thread(_fuzz, live_url, headers)
    assert calls > 0
