"""How many PostgreSQL round trips one `submitEvaluation` costs, counted on the wire.

The app runs as `kinerja serve` runs it (the projector following the log on its own
connections) and reaches PostgreSQL through a proxy that counts every request the service
waits on. The count is what the request itself spends: the projector's own connections
(application name kinerja-projector) apply the events in the background, shared by every
append of a batch. Preparing a statement (once per connection) is not counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from service.db.server import with_user
from service.services import Services, build_services, close_services
from service.settings import Settings
from service.views.projector import PROJECTOR_APPLICATION
from tests.api.performance_scenario import ABOVE, AS_EXPECTED, Api, evaluation_input
from tests.conftest import SERVICE_ROLE, Tokens
from tests.roundtrips import CountingProxy, counting_proxy

# One read of the command's streams and its idempotency key; the group commit's read of the log
# head and its kinerja_append (a transaction of its own); the answer's two reads (the evaluation,
# and its employee for the access policy). Before the command envelope, the one-call append and
# the pool without a reset round trip it was 30; with the group commit's BEGIN and COMMIT, 7.
SUBMISSION_ROUND_TRIPS = 5
PERIODS = ["TRIWULAN_I", "TRIWULAN_II", "TRIWULAN_III", "TRIWULAN_IV", "TAHUNAN"]


@pytest.fixture
async def proxy(database_url: str) -> AsyncIterator[CountingProxy]:
    async with counting_proxy(
        with_user(database_url, SERVICE_ROLE.name, SERVICE_ROLE.password)
    ) as p:
        yield p


@pytest.fixture
async def served(tmp_path: Path, proxy: CountingProxy) -> AsyncIterator[tuple[Settings, Services]]:
    settings = Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_JWT_SECRET": "test-secret-" + "x" * 32,
            "KINERJA_ID_SECRET": "test-id-secret",
            "KINERJA_ENV": "test",
            "KINERJA_DEFAULT_RULE_SETS": "0",
        }
    )
    services = await build_services(settings, proxy.url, run_projector=True)
    try:
        yield settings, services
    finally:
        await close_services(services)


async def test_one_submission_costs_seven_round_trips(
    served: tuple[Settings, Services], proxy: CountingProxy, tokens: Tokens
) -> None:
    from service.app import create_app

    settings, services = served
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as client:
        api = await Api.started(client, tokens)
        counts = []
        for period in PERIODS:
            proxy.trips.reset()
            variables = evaluation_input([ABOVE, AS_EXPECTED, AS_EXPECTED], ABOVE, period=period)
            submitted = await api.submit(variables, api.supervisor)
            assert submitted["__typename"] == "SubmitEvaluationSuccess", submitted
            # The answer is the evaluation as committed, read where the outcome says.
            assert submitted["evaluation"]["period"] == period
            assert submitted["evaluation"]["status"] == "SUBMITTED"
            counts.append(proxy.trips.total(excluding=PROJECTOR_APPLICATION))
    assert counts == [SUBMISSION_ROUND_TRIPS] * len(PERIODS), counts
