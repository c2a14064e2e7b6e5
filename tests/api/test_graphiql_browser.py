"""GraphiQL, served by the service itself (no CDN), in headless Chromium: a query, a token from
the Headers pane, and a subscription over WebSocket."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from typing import Any

import pytest

from service.handlers.envelope import CommandContext
from service.services import Services
from tests.conftest import Tokens

HR = "196001011990011001"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed here (.ci/run installs Debian's chromium)"
)
async def test_graphiql_loads_and_runs_a_query_against_the_live_service(live_url: str) -> None:
    from playwright.async_api import async_playwright

    assert CHROMIUM is not None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await browser.new_page()
            await page.goto(f"{live_url}/graphql")
            await page.wait_for_selector(".graphiql-execute-button", timeout=20_000)
            await page.click(".graphiql-execute-button")
            await page.wait_for_function(
                "() => (document.querySelector('.result-window') || {}).innerText"
                "?.includes('publicKey')",
                timeout=20_000,
            )
            result = await page.inner_text(".result-window")
        finally:
            await browser.close()
    assert '"__typename": "Query"' in result


def _set_editor(selector: str) -> str:
    """JavaScript that replaces the text of the GraphiQL editor under `selector`."""
    return (
        "(text) => { const cm = document.querySelector("
        f"{selector!r}"
        ").CodeMirror; cm.setValue(text); }"
    )


@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed here (.ci/run installs Debian's chromium)"
)
async def test_graphiql_sends_the_headers_pane_token_and_streams_a_subscription(
    live_url: str, services: Services, tokens: Tokens
) -> None:
    from playwright.async_api import async_playwright

    assert CHROMIUM is not None
    await _register_unit(services, tokens, "DINKES")
    auditor = tokens("auditor-1", "AUDITOR")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await browser.new_page()
            await page.goto(f"{live_url}/graphql")
            await page.wait_for_selector(".graphiql-execute-button", timeout=20_000)
            assert "kinerja token" in await page.inner_text("#hint")
            await page.get_by_role("button", name="Headers").click()
            headers_pane = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
            await page.wait_for_selector(headers_pane, timeout=10_000)
            assert "Bearer <token" in await page.inner_text(headers_pane)
            token_json = json.dumps({"Authorization": f"Bearer {auditor}"})
            await page.evaluate(_set_editor(headers_pane), token_json)
            query_pane = ".graphiql-query-editor .CodeMirror"
            await page.evaluate(_set_editor(query_pane), "{ units { code } }")
            await page.click(".graphiql-execute-button")
            await _result_contains(page, '"DINKES"')
            subscription = "subscription { events(fromPosition: 0) { position type } }"
            await page.evaluate(_set_editor(query_pane), subscription)
            await page.click(".graphiql-execute-button")
            await _result_contains(page, '"position": 1')
            await _register_unit(services, tokens, "DISDIK")
            await _result_contains(page, '"position": 2')
        finally:
            await browser.close()


async def _result_contains(page: Any, text: str) -> None:
    try:
        await _wait_result(page, text)
    except Exception as timeout:
        shown = await page.inner_text(".result-window")
        raise AssertionError(f"{text} never showed; the result pane says: {shown}") from timeout


async def _wait_result(page: Any, text: str) -> None:
    await page.wait_for_function(
        "(text) => (document.querySelector('.result-window') || {}).innerText?.includes(text)",
        arg=text,
        timeout=20_000,
    )


async def _register_unit(services: Services, tokens: Tokens, code: str) -> None:
    principal = services.verifier.verify(tokens(HR, "HR"))
    await services.organisation.register_unit(
        CommandContext(principal=principal, now=datetime.now(UTC)), code, f"Unit {code}"
    )
    await services.projector.catch_up()
