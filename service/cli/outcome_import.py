"""Importing service deliveries and satisfaction surveys from the units' CSV exports, through the
same handlers as the mutations (line-numbered errors, idempotent re-import).

Service deliveries: KODE_UNIT, KODE_LAYANAN, AWAL_PERIODE, AKHIR_PERIODE (YYYY-MM-DD),
PERMOHONAN, SELESAI, SELESAI_TEPAT_WAKTU, optional MEDIAN_HARI, SUMBER.
Surveys: KODE_UNIT, AWAL_PERIODE, AKHIR_PERIODE, POPULASI, RESPONDEN, U1 ... U9 (the nine NRR in
the regulation's order), SUMBER. Decimals may use a comma (3,52)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.service_outcomes import DeliveryFigures
from service.cli.importer import ImportReport, import_rows
from service.handlers.outcomes import OutcomeHandlers, RecordDelivery, RecordSurvey

_PERIOD = ("KODE_UNIT", "AWAL_PERIODE", "AKHIR_PERIODE")
DELIVERY_COLUMNS = (
    "KODE_UNIT",
    "KODE_LAYANAN",
    "AWAL_PERIODE",
    "AKHIR_PERIODE",
    "PERMOHONAN",
    "SELESAI",
    "SELESAI_TEPAT_WAKTU",
    "SUMBER",
)
ELEMENT_COLUMNS = tuple(f"U{i}" for i in range(1, 10))
SURVEY_COLUMNS = (*_PERIOD, "POPULASI", "RESPONDEN", *ELEMENT_COLUMNS, "SUMBER")


def _date(row: dict[str, str], column: str) -> date:
    try:
        return date.fromisoformat(row[column])
    except ValueError:
        raise ValueError(f"{column} must be a date YYYY-MM-DD, got {row[column]!r}") from None


def _int(row: dict[str, str], column: str) -> int:
    try:
        return int(row[column])
    except ValueError:
        raise ValueError(f"{column} must be a whole number, got {row[column]!r}") from None


def _float(row: dict[str, str], column: str) -> float | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        return float(text.replace(",", ".") if "." not in text else text)
    except ValueError:
        raise ValueError(f"{column} must be a number, got {text!r}") from None


def delivery_command(row: dict[str, str]) -> RecordDelivery:
    """The command of one delivery row (a ValueError names the bad column)."""
    figures = DeliveryFigures(
        requests=_int(row, "PERMOHONAN"),
        completed=_int(row, "SELESAI"),
        completed_within_standard=_int(row, "SELESAI_TEPAT_WAKTU"),
        median_days=_float(row, "MEDIAN_HARI"),
        source=row["SUMBER"],
    )
    return RecordDelivery(
        row["KODE_UNIT"],
        row["KODE_LAYANAN"],
        _date(row, "AWAL_PERIODE"),
        _date(row, "AKHIR_PERIODE"),
        figures,
    )


def survey_command(row: dict[str, str]) -> RecordSurvey:
    """The command of one survey row (a ValueError names the bad column)."""
    scores = []
    for column in ELEMENT_COLUMNS:
        score = _float(row, column)
        if score is None:
            raise ValueError(f"{column} (an element's NRR) is empty")
        scores.append(score)
    return RecordSurvey(
        row["KODE_UNIT"],
        _date(row, "AWAL_PERIODE"),
        _date(row, "AKHIR_PERIODE"),
        _int(row, "POPULASI"),
        _int(row, "RESPONDEN"),
        scores,
        row["SUMBER"],
    )


async def import_service_deliveries(
    handlers: OutcomeHandlers, text: str, progress: Callable[[int], None] = lambda line: None
) -> ImportReport:
    """Record every good delivery row; report each bad one by line."""
    return await import_rows(
        text,
        DELIVERY_COLUMNS,
        lambda ctx, row: handlers.record_delivery(ctx, delivery_command(row)),
        progress,
    )


async def import_surveys(
    handlers: OutcomeHandlers, text: str, progress: Callable[[int], None] = lambda line: None
) -> ImportReport:
    """Record every good survey row; report each bad one by line."""
    return await import_rows(
        text,
        SURVEY_COLUMNS,
        lambda ctx, row: handlers.record_survey(ctx, survey_command(row)),
        progress,
    )
