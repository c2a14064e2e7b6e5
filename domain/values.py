"""Value objects and enumerations of the domain, in the domain's own words (DOMAIN.md)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import InvalidValue


class EmploymentType(StrEnum):
    """PNS (civil servant) or PPPK (government employee on contract)."""

    PNS = "PNS"
    PPPK = "PPPK"


class PositionKind(StrEnum):
    """Positions per UU 20/2023: three managerial levels and two non-managerial kinds."""

    JPT_PRATAMA = "JPT_PRATAMA"
    ADMINISTRATOR = "ADMINISTRATOR"
    PENGAWAS = "PENGAWAS"
    FUNGSIONAL = "FUNGSIONAL"
    PELAKSANA = "PELAKSANA"


class Gender(StrEnum):
    """Gender as digit 15 of an NIP records it."""

    MALE = "MALE"
    FEMALE = "FEMALE"


def _real_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    if year < 1900:
        return None
    return date(year, month, day)


_ASCII_DIGITS = frozenset("0123456789")


def nip_digits(raw: str, field: str = "nip") -> str:
    """Eighteen ASCII digits 0-9 (any layout), trimmed; the error names the character at fault.

    `str.isdigit` also accepts superscripts and other scripts' digits (superscript two,
    Arabic-Indic one), which no NIP holds and which would not read back as a number.
    """
    value = raw.strip()
    wrong = next((i for i, c in enumerate(value) if c not in _ASCII_DIGITS), None)
    if wrong is not None:
        raise InvalidValue(
            field,
            f"NIP must contain digits only (ASCII 0-9): character {wrong + 1} "
            f"{value[wrong]!r} is not one",
        )
    if len(value) != 18:
        raise InvalidValue(field, f"NIP must have 18 digits, got {len(value)}")
    return value


@dataclass(frozen=True)
class Nip:
    """An 18-digit employee number: birth date, TMT CPNS, gender and serial (Perka BKN 22/2007)."""

    value: str

    @property
    def birth_date(self) -> date:
        v = self.value
        return date(int(v[0:4]), int(v[4:6]), int(v[6:8]))

    @property
    def tmt_year(self) -> int:
        return int(self.value[8:12])

    @property
    def tmt_month(self) -> int:
        return int(self.value[12:14])

    @property
    def tmt(self) -> date:
        """Start of service (TMT CPNS), the first day of the recorded month."""
        return date(self.tmt_year, self.tmt_month, 1)

    @property
    def gender(self) -> Gender:
        return Gender.MALE if self.value[14] == "1" else Gender.FEMALE

    @classmethod
    def parse(cls, raw: str, employment_type: EmploymentType = EmploymentType.PNS) -> Nip:
        """Validate an NIP (PNS) or NI PPPK; the error names the part that is wrong."""
        value = nip_digits(raw)
        birth = _real_date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
        if birth is None:
            raise InvalidValue(
                "nip", f"NIP birth date (digits 1-8) {value[0:8]} is not a real date"
            )
        if employment_type is EmploymentType.PPPK:
            return cls(value)
        tmt_year, tmt_month = int(value[8:12]), int(value[12:14])
        if not 1 <= tmt_month <= 12:
            raise InvalidValue(
                "nip", f"NIP TMT CPNS (digits 9-14) {value[8:14]} has month {tmt_month:02d}"
            )
        if tmt_year < birth.year + 18:
            raise InvalidValue(
                "nip",
                f"NIP TMT CPNS (digits 9-14) {value[8:14]} is before the 18th birthday year "
                f"{birth.year + 18}",
            )
        if value[14] not in "12":
            raise InvalidValue(
                "nip", f"NIP gender (digit 15) must be 1 (male) or 2 (female), got {value[14]}"
            )
        if value[15:18] == "000":
            raise InvalidValue("nip", "NIP serial (digits 16-18) must be 001-999, got 000")
        return cls(value)

    def years_of_service_on(self, day: date) -> int:
        """Whole years from the TMT CPNS to the given day."""
        start = self.tmt
        years = day.year - start.year
        if (day.month, day.day) < (start.month, start.day):
            years -= 1
        return max(years, 0)


def is_storable_text(text: str) -> bool:
    """Whether PostgreSQL can store the text: valid Unicode (no lone surrogate), no NUL."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def require_text(field: str, value: str, *, max_length: int = 500) -> str:
    """A non-empty, trimmed text of bounded length, valid Unicode without NUL characters."""
    text = value.strip()
    if not text:
        raise InvalidValue(field, f"{field} must not be empty")
    if len(text) > max_length:
        raise InvalidValue(field, f"{field} must be at most {max_length} characters")
    if not is_storable_text(text):
        raise InvalidValue(field, f"{field} must be valid Unicode text without NUL characters")
    return text


def require_unit_code(value: str, field: str = "code") -> str:
    """A unit code: 1-20 letters, digits, dots, dashes or underscores."""
    code = value.strip().upper()
    if not code or len(code) > 20 or not all(c.isalnum() or c in "._-" for c in code):
        raise InvalidValue(field, "unit code must be 1-20 letters, digits, '.', '-' or '_'")
    return code
