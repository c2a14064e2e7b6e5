"""GraphiQL, served by the service itself (no CDN), loads in headless Chromium and runs a query."""

from __future__ import annotations

import shutil

import pytest

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
