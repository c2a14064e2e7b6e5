"""The core story with KINERJA_PGBOUNCER on: no prepared-statement cache (transaction pooling
hands each transaction to any server connection, so a named statement may not be there).

The stories are the existing tests, re-run here with the setting on; the `settings` fixture
below overrides the suite's for this module only.
"""

from __future__ import annotations

import httpx
import pytest

from service.services import Services
from service.settings import Settings
from tests.api import test_history_api as history
from tests.api import test_organisation_api as organisation
from tests.api import test_performance_api as performance
from tests.conftest import Tokens

api = performance.api


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"pgbouncer": True})


test_units_and_employees_behind_pgbouncer = (
    organisation.test_hr_registers_a_unit_and_an_employee_and_reads_them_back
)
test_an_idempotent_retry_behind_pgbouncer = (
    organisation.test_a_retry_with_the_same_idempotency_key_returns_the_first_result
)
test_an_evaluation_and_its_objection_behind_pgbouncer = (
    performance.test_an_upheld_objection_revises_and_the_history_keeps_both
)


async def test_no_statement_is_prepared_by_name_behind_pgbouncer(
    client: httpx.AsyncClient, services: Services, tokens: Tokens
) -> None:
    assert services.settings.pgbouncer
    await organisation.test_transfer_and_supervisor_change_the_directory(client, tokens)
    for _ in range(services.pool.get_size()):
        async with services.pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM pg_prepared_statements") == 0


# As-of replays use their own sessions (KINERJA_LISTEN_DATABASE_URL's server behind PgBouncer).
test_an_as_of_read_behind_pgbouncer = history.test_employee_as_of_shows_the_unit_of_that_moment
