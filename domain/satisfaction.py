"""The community satisfaction index (IKM) of PermenPAN-RB 14/2017: its value, its grade and the
sample a survey needs (Krejcie-Morgan). Pure arithmetic in `decimal`, so a boundary such as
88.31 / 88.30 always falls on the same side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.errors import InvalidValue

# The nine elements (unsur) of the survey, in the regulation's order.
ELEMENTS = (
    "persyaratan",
    "sistem, mekanisme, dan prosedur",
    "waktu penyelesaian",
    "biaya/tarif",
    "produk spesifikasi jenis pelayanan",
    "kompetensi pelaksana",
    "perilaku pelaksana",
    "penanganan pengaduan, saran dan masukan",
    "sarana dan prasarana",
)
MIN_NRR, MAX_NRR = Decimal("1.00"), Decimal("4.00")
IKM_FACTOR = Decimal(25)
CENT = Decimal("0.01")
MAX_POPULATION = 10_000_000


class IkmGrade(StrEnum):
    """The grade (mutu pelayanan) of a rounded IKM."""

    A = "A"  # 88.31-100.00 Sangat Baik
    B = "B"  # 76.61-88.30 Baik
    C = "C"  # 65.00-76.60 Kurang Baik
    D = "D"  # 25.00-64.99 Tidak Baik

    @property
    def label(self) -> str:
        """The regulation's words for the grade."""
        return _LABELS[self]


_LABELS = {
    IkmGrade.A: "Sangat Baik",
    IkmGrade.B: "Baik",
    IkmGrade.C: "Kurang Baik",
    IkmGrade.D: "Tidak Baik",
}
# Lowest rounded IKM of each grade, best first.
GRADE_FLOORS = (
    (Decimal("88.31"), IkmGrade.A),
    (Decimal("76.61"), IkmGrade.B),
    (Decimal("65.00"), IkmGrade.C),
    (Decimal("25.00"), IkmGrade.D),
)


def element_scores(scores: Sequence[float | Decimal | str]) -> tuple[Decimal, ...]:
    """The nine NRR (1.00-4.00) as decimals; any other count or value names `elementScores`."""
    if len(scores) != len(ELEMENTS):
        raise InvalidValue(
            "elementScores",
            f"a survey has {len(ELEMENTS)} element scores (NRR) in the regulation's order,"
            f" got {len(scores)}",
        )
    checked = []
    for index, score in enumerate(scores, start=1):
        value = Decimal(str(score))
        if not value.is_finite() or not MIN_NRR <= value <= MAX_NRR:
            raise InvalidValue(
                "elementScores",
                f"element {index} ({ELEMENTS[index - 1]}) must score between 1.00 and 4.00,"
                f" got {score}",
            )
        checked.append(value)
    return tuple(checked)


def ikm(scores: Sequence[Decimal]) -> Decimal:
    """IKM = (mean of the nine NRR) x 25, rounded half-up to two decimals."""
    return (sum(scores, Decimal(0)) * IKM_FACTOR / len(scores)).quantize(CENT, ROUND_HALF_UP)


def grade(rounded_ikm: Decimal) -> IkmGrade:
    """The grade of a rounded IKM (25.00-100.00)."""
    for floor, found in GRADE_FLOORS:
        if rounded_ikm >= floor:
            return found
    raise InvalidValue("ikm", f"an IKM is at least 25.00, got {rounded_ikm}")


def required_sample(population: int) -> int:
    """Krejcie-Morgan: ceil(3.841 N 0.25 / (0.0025 (N - 1) + 3.841 0.25)) for population N."""
    chi = Decimal("3.841")
    n = Decimal(population)
    p = Decimal("0.25")
    needed = (chi * n * p) / (Decimal("0.0025") * (n - 1) + chi * p)
    return int(needed.to_integral_value(rounding=ROUND_CEILING))


def require_count(field: str, value: int, *, maximum: int = MAX_POPULATION) -> int:
    """A whole count from 0 to a bound; the error names the field."""
    if value < 0:
        raise InvalidValue(field, f"{field} must not be negative, got {value}")
    if value > maximum:
        raise InvalidValue(field, f"{field} must be at most {maximum:,}, got {value}")
    return value


def require_days(field: str, value: float | None) -> float | None:
    """A median number of days: absent, or 0-3650."""
    if value is None:
        return None
    if math.isnan(value) or not 0 <= value <= 3650:
        raise InvalidValue(field, f"{field} must be between 0 and 3650 days, got {value}")
    return float(value)


@dataclass(frozen=True)
class SurveyResult:
    """What a survey's figures give: the IKM, its grade, the required sample and the flag."""

    scores: tuple[Decimal, ...]
    ikm: Decimal
    grade: IkmGrade
    required_sample: int
    sample_sufficient: bool

    @classmethod
    def of(
        cls, population: int, respondents: int, scores: Sequence[float | Decimal | str]
    ) -> SurveyResult:
        """Check the figures and compute; too few respondents is flagged, never refused."""
        if require_count("population", population) < 1:
            raise InvalidValue("population", "population must be at least 1")
        if require_count("respondents", respondents) < 1:
            raise InvalidValue("respondents", "a survey needs at least one respondent")
        if respondents > population:
            raise InvalidValue(
                "respondents",
                f"respondents ({respondents}) cannot exceed the population ({population})",
            )
        checked = element_scores(scores)
        value = ikm(checked)
        needed = required_sample(population)
        return cls(checked, value, grade(value), needed, respondents >= needed)
