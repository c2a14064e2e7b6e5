"""The pipeline's caches: a read stays cached while other streams are written and is never older
than the views it reads; a document validated once is not trusted beyond the rules it passed."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from service.app import create_app
from service.services import Services
from service.settings import Settings
from tests.conftest import Tokens
from tests.graphql import gql

HR = "196001011990011001"
PAGE = "{ employees(first: 50) { edges { node { nip name positionTitle version } } } }"
UNIT = 'mutation { registerUnit(input: {code: "%s", name: "Unit %s"}) { __typename } }'
EMPLOYEE = """
mutation($nip: String!) {
  registerEmployee(input: {nip: $nip, name: "Sri Wahyuni", employmentType: PNS,
      unitCode: "DINKES", positionKind: PELAKSANA, positionTitle: "Analis"}) {
    ... on RegisterEmployeeSuccess { position }
  }
}"""
TRAIL = "{ auditTrail { edges { node { type } } } }"


async def _hits(client: httpx.AsyncClient) -> float:
    text = (await client.get("/metrics")).text
    found = re.search(r'^kinerja_response_cache_total\{result="hit"\} ([0-9.e+]+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


async def _settled(services: Services) -> None:
    await services.wait_for_views(await services.store.head())


@pytest.mark.parametrize("projector", ["inline", "background loop"])
async def test_a_page_stays_cached_while_other_streams_are_written_and_follows_its_own(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, projector: str
) -> None:
    if projector == "background loop":
        services.projector.start()
    hr = tokens.header(HR, "HR")
    await gql(client, UNIT % ("DINKES", "DINKES"), headers=hr)
    await gql(client, EMPLOYEE, {"nip": "198503152010011002"}, hr)
    await _settled(services)
    first = await gql(client, PAGE, headers=hr)
    assert len(first["data"]["employees"]["edges"]) == 1
    for i in range(3):
        await gql(client, UNIT % (f"LAIN{i}", i), headers=hr)  # streams the page never reads
        await _settled(services)
        before = await _hits(client)
        assert await gql(client, PAGE, headers=hr) == first
        assert await _hits(client) == before + 1, "the page was not answered from the cache"
    units = await gql(client, "{ units { code } }", headers=hr)
    assert len(units["data"]["units"]) == 4, "a read of the written table sees the writes"
    trail = await gql(client, TRAIL, headers=hr)
    await gql(client, EMPLOYEE, {"nip": "198503152010011010"}, hr)
    await _settled(services)
    after = await gql(client, PAGE, headers=hr)
    assert len(after["data"]["employees"]["edges"]) == 2, "the cache answered older than views"
    longer = await gql(client, TRAIL, headers=hr)
    assert len(longer["data"]["auditTrail"]["edges"]) > len(trail["data"]["auditTrail"]["edges"])
    await services.projector.stop()


async def test_a_document_validated_for_staff_is_still_refused_to_a_partner_and_errors_stay(
    services: Services, tokens: Tokens, tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "test-secret-" + "x" * 32,
            "KINERJA_ID_SECRET": "test-id-secret-" + "i" * 32,
            "KINERJA_ENV": "production",
        }
    )
    transport = httpx.ASGITransport(app=create_app(settings, services))
    introspect = "{ __schema { queryType { name } } }"
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as client:
        for _ in range(2):
            staff = await gql(client, introspect, headers=tokens.header("a-1", "AUDITOR"))
            assert staff == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
        for _ in range(2):
            partner = await gql(client, introspect, headers=tokens.header("app", "PARTNER"))
            assert "introspection" in partner["errors"][0]["message"].lower()
            wrong = await gql(client, "{ units { nope } }", headers=tokens.header("a-1", "AUDITOR"))
            assert "nope" in wrong["errors"][0]["message"]
