"""Health, readiness, metrics, and the request id that ties a log line to its events."""

from __future__ import annotations

import json
import logging

import httpx

from service.services import Services
from service.telemetry.logs import JsonFormatter, request_id
from tests.conftest import Tokens

HR = "196001011990011001"


async def test_health_readiness_and_metrics(client: httpx.AsyncClient, tokens: Tokens) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    await client.post(
        "/graphql",
        json={
            "query": 'mutation { registerUnit(input: {code: "DINKES", name: "Dinas Kesehatan"})'
            " { __typename } }"
        },
        headers=tokens.header(HR, "HR"),
    )
    text = (await client.get("/metrics")).text
    assert "kinerja_graphql_requests_total" in text
    assert "kinerja_events_appended_total" in text
    assert "kinerja_projection_lag_events" in text


async def test_the_request_id_becomes_the_events_correlation_id(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    response = await client.post(
        "/graphql",
        json={
            "query": 'mutation { registerUnit(input: {code: "DISDIK", name: "Dinas Pendidikan"})'
            " { __typename } }"
        },
        headers={**tokens.header(HR, "HR"), "X-Request-Id": "req-7f3a"},
    )
    assert response.headers["x-request-id"] == "req-7f3a"
    events = await services.store.read_all(0)
    assert events[-1].metadata["correlation_id"] == "req-7f3a"


def test_log_lines_are_json_with_the_request_id() -> None:
    token = request_id.set("req-42")
    try:
        record = logging.LogRecord("kinerja", logging.INFO, __file__, 1, "hello %s", ("x",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "hello x"
    assert line["request_id"] == "req-42"
    assert line["level"] == "INFO"
