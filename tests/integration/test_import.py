"""Importing a SIASN-style CSV: bad rows by line, good rows registered, re-import a no-op."""

from __future__ import annotations

from datetime import UTC, datetime

from service.auth.tokens import Principal, Role
from service.cli.importer import import_employees
from service.handlers.envelope import CommandContext
from service.services import Services

HEADER = "NIP;NAMA;JENIS_ASN;KODE_UNIT;JENIS_JABATAN;JABATAN;NIP_ATASAN"


def _csv() -> str:
    rows = [HEADER]
    for i in range(20):
        rows.append(
            f"19850315201001{1 + i % 2}{i + 1:03d};Pegawai {i};PNS;DINKES;PELAKSANA;Perawat;"
        )
    rows[4] = "198502302010011004;Tanggal Salah;PNS;DINKES;PELAKSANA;Perawat;"  # line 5
    rows[9] = "198503152010012009;Unit Salah;PNS;NOWHERE;PELAKSANA;Perawat;"  # line 10
    rows[15] = "198503152010011015;Jabatan Salah;PNS;DINKES;RAJA;Perawat;"  # line 16
    return "\n".join(rows) + "\n"


async def test_bad_rows_are_reported_by_line_and_a_reimport_appends_nothing(
    services: Services,
) -> None:
    ctx = CommandContext(Principal("hr", frozenset({Role.HR})), datetime.now(UTC))
    await services.organisation.register_unit(ctx, "DINKES", "Dinas Kesehatan")
    report = await import_employees(services.organisation, _csv())
    assert [line for line, _ in report.errors] == [5, 10, 16]
    assert "birth date" in report.errors[0][1]
    assert "NOWHERE" in report.errors[1][1]
    assert "RAJA" in report.errors[2][1]
    assert report.registered == 17
    head = await services.store.head()
    again = await import_employees(services.organisation, _csv())
    assert (again.registered, again.unchanged, len(again.errors)) == (0, 17, 3)
    assert await services.store.head() == head
