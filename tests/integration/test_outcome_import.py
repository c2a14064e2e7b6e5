"""Importing service deliveries and surveys: bad rows by line, a re-import appends nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.auth.tokens import Principal, Role
from service.cli.main import app
from service.cli.outcome_import import import_service_deliveries, import_surveys
from service.handlers.envelope import CommandContext
from service.handlers.outcomes import PublishStandard
from service.services import Services

DELIVERY_HEADER = (
    "KODE_UNIT;KODE_LAYANAN;AWAL_PERIODE;AKHIR_PERIODE;PERMOHONAN;SELESAI;"
    "SELESAI_TEPAT_WAKTU;MEDIAN_HARI;SUMBER"
)
SURVEY_HEADER = (
    "KODE_UNIT;AWAL_PERIODE;AKHIR_PERIODE;POPULASI;RESPONDEN;"
    + ";".join(f"U{i}" for i in range(1, 10))
    + ";SUMBER"
)


def _month(i: int) -> tuple[str, str]:
    """Twenty consecutive months from January 2024, as first and last day."""
    year, month = 2024 + i // 12, 1 + i % 12
    end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
    return date(year, month, 1).isoformat(), date.fromordinal(end).isoformat()


def deliveries_csv() -> str:
    rows = [DELIVERY_HEADER]
    for i in range(20):
        start, end = _month(i)
        rows.append(f"DPMPTSP;NIB;{start};{end};120;100;{60 + i};3,5;OSS-RBA")
    rows[3] = rows[3].replace(";120;100;", ";90;100;")  # line 4: completed > requests
    rows[8] = rows[8].replace(";NIB;", ";KTP;")  # line 9: no such standard
    rows[14] = rows[14].replace(";3,5;", ";tiga;")  # line 15: not a number
    return "\n".join(rows) + "\n"


def surveys_csv() -> str:
    rows = [SURVEY_HEADER]
    for i in range(20):
        start, end = _month(i)
        rows.append(f"DPMPTSP;{start};{end};1000;300;" + ";".join(["3,5"] * 9) + ";SKM")
    rows[2] = rows[2].replace(";3,5;SKM", ";4,1;SKM")  # line 3: NRR above 4.00
    rows[6] = rows[6].replace(";1000;300;", ";1000;1300;")  # line 7: more respondents than people
    rows[19] = rows[19].replace(";3,5;SKM", ";SKM")  # line 20: eight elements
    return "\n".join(rows) + "\n"


async def _unit(services: Services) -> None:
    ctx = CommandContext(Principal("hr", frozenset({Role.HR})), datetime.now(UTC))
    await services.organisation.register_unit(ctx, "DPMPTSP", "DPMPTSP")
    await services.outcomes.publish_standard(
        ctx, PublishStandard("DPMPTSP", "NIB", "Izin usaha", 5, date(2020, 1, 1))
    )


async def test_delivery_import_reports_bad_rows_by_line_and_reimports_nothing(
    services: Services,
) -> None:
    await _unit(services)
    report = await import_service_deliveries(services.outcomes, deliveries_csv())
    assert [line for line, _ in report.errors] == [4, 9, 15]
    assert "cannot exceed requests" in report.errors[0][1]
    assert "KTP" in report.errors[1][1]
    assert "MEDIAN_HARI" in report.errors[2][1]
    assert report.registered == 17
    head = await services.store.head()
    again = await import_service_deliveries(services.outcomes, deliveries_csv())
    assert (again.registered, again.unchanged, len(again.errors)) == (0, 17, 3)
    assert await services.store.head() == head


async def test_survey_import_reports_bad_rows_by_line_and_reimports_nothing(
    services: Services,
) -> None:
    await _unit(services)
    report = await import_surveys(services.outcomes, surveys_csv())
    assert [line for line, _ in report.errors] == [3, 7, 20]
    assert "between 1.00 and 4.00" in report.errors[0][1]
    assert "cannot exceed the population" in report.errors[1][1]
    assert "U9" in report.errors[2][1]
    assert report.registered == 17
    head = await services.store.head()
    again = await import_surveys(services.outcomes, surveys_csv())
    assert (again.registered, again.unchanged, len(again.errors)) == (0, 17, 3)
    assert await services.store.head() == head
    await services.projector.catch_up()
    ikm = await services.pool.fetchval("SELECT DISTINCT ikm::text FROM outcome_surveys")
    assert ikm == "87.50"


async def test_the_cli_prints_each_refused_line_and_exits_1(
    services: Services, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _unit(services)
    file = tmp_path / "deliveries.csv"
    file.write_text(deliveries_csv())
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KINERJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KINERJA_ID_SECRET", "test-id-secret")
    monkeypatch.setenv("KINERJA_DEFAULT_RULE_SETS", "0")
    # The command runs its own event loop, so it runs in a thread beside the test's loop.
    args = ["import", "service-deliveries", str(file)]
    result = await asyncio.to_thread(CliRunner().invoke, app, args)
    assert result.exit_code == 1, result.output
    assert "line 4:" in result.output and "line 15:" in result.output
    assert "recorded 17" in result.output
