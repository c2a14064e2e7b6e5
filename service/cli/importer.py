"""Importing employees from a SIASN-style CSV export through the real command handlers.

Columns (header row, `;` or `,` separated): NIP, NAMA, JENIS_ASN (PNS/PPPK), KODE_UNIT,
JENIS_JABATAN (JPT_PRATAMA, ADMINISTRATOR, PENGAWAS, FUNGSIONAL, PELAKSANA), JABATAN and the
optional NIP_ATASAN. Each row carries an idempotency key derived from its content, so importing
the same file again appends nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.errors import DomainError
from domain.values import EmploymentType, PositionKind
from service.auth.tokens import Principal, Role
from service.handlers.envelope import CommandContext, NotAllowed
from service.handlers.organisation import OrganisationHandlers, RegisterEmployee
from service.log.records import AppendResult, VersionConflictError

COLUMNS = ("NIP", "NAMA", "JENIS_ASN", "KODE_UNIT", "JENIS_JABATAN", "JABATAN")
IMPORTER = Principal(sub="kinerja-import", roles=frozenset({Role.ADMIN}))


@dataclass
class ImportReport:
    """What an import did: rows registered, rows already there, and each bad row's reason."""

    registered: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;") if text else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().upper() for h in reader.fieldnames or []]
    rows = []
    for row in reader:
        clean = {k.strip().upper(): (v or "").strip() for k, v in row.items() if k}
        rows.append((reader.line_num, clean))
    return header, rows


def _command(row: dict[str, str]) -> RegisterEmployee:
    try:
        kind = EmploymentType(row["JENIS_ASN"].upper())
    except ValueError:
        raise ValueError(f"JENIS_ASN must be PNS or PPPK, got {row['JENIS_ASN']!r}") from None
    try:
        position = PositionKind(row["JENIS_JABATAN"].upper())
    except ValueError:
        raise ValueError(f"unknown JENIS_JABATAN {row['JENIS_JABATAN']!r}") from None
    return RegisterEmployee(
        nip=row["NIP"],
        name=row["NAMA"],
        employment_type=kind,
        unit_code=row["KODE_UNIT"],
        position_kind=position,
        position_title=row["JABATAN"],
        supervisor_nip=row.get("NIP_ATASAN") or None,
    )


Run = Callable[[CommandContext, dict[str, str]], Awaitable[AppendResult]]
IMPORT_ERRORS = (DomainError, ValueError, NotAllowed, VersionConflictError)


async def import_rows(
    text: str,
    columns: Sequence[str],
    run: Run,
    progress: Callable[[int], None] = lambda line: None,
) -> ImportReport:
    """Run every good row through its handler; report every bad one by line number and reason.

    Each row's idempotency key is derived from its content, so the same file imports once."""
    report = ImportReport()
    header, rows = csv_rows(text)
    missing = [c for c in columns if c not in header]
    if missing:
        report.errors.append((1, f"missing columns: {', '.join(missing)}"))
        return report
    for line, row in rows:
        key = "import:" + hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()
        ctx = CommandContext(IMPORTER, datetime.now(UTC), idempotency_key=key)
        try:
            result = await run(ctx, row)
        except IMPORT_ERRORS as error:
            report.errors.append((line, getattr(error, "message", None) or str(error)))
        else:
            if result.replayed:
                report.unchanged += 1
            else:
                report.registered += 1
        progress(line)
    return report


async def import_employees(
    handlers: OrganisationHandlers,
    text: str,
    progress: Callable[[int], None] = lambda line: None,
) -> ImportReport:
    """Register every good row; report every bad one with its line number and reason."""
    return await import_rows(
        text, COLUMNS, lambda ctx, row: handlers.register_employee(ctx, _command(row)), progress
    )
