"""Ratings, the derived predicate, the talent 9-box and the objection window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from domain.errors import InvalidValue


class Rating(StrEnum):
    """One of the three levels used for results, behaviour and each work target."""

    DI_ATAS_EKSPEKTASI = "DI_ATAS_EKSPEKTASI"
    SESUAI_EKSPEKTASI = "SESUAI_EKSPEKTASI"
    DI_BAWAH_EKSPEKTASI = "DI_BAWAH_EKSPEKTASI"


class Predicate(StrEnum):
    """The performance predicate (predikat kinerja), derived from the two ratings, never entered."""

    SANGAT_BAIK = "SANGAT_BAIK"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"

    @property
    def rank(self) -> int:
        """5 for SANGAT_BAIK down to 1 for SANGAT_KURANG."""
        return _PREDICATE_RANK[self]

    def at_least(self, other: Predicate) -> bool:
        """Whether this predicate is as good as `other` or better."""
        return self.rank >= other.rank


_PREDICATE_RANK: dict[Predicate, int] = {
    Predicate.SANGAT_BAIK: 5,
    Predicate.BAIK: 4,
    Predicate.BUTUH_PERBAIKAN: 3,
    Predicate.KURANG: 2,
    Predicate.SANGAT_KURANG: 1,
}


class CoreValue(StrEnum):
    """The seven BerAKHLAK core values against which behaviour is rated."""

    BERORIENTASI_PELAYANAN = "BERORIENTASI_PELAYANAN"
    AKUNTABEL = "AKUNTABEL"
    KOMPETEN = "KOMPETEN"
    HARMONIS = "HARMONIS"
    LOYAL = "LOYAL"
    ADAPTIF = "ADAPTIF"
    KOLABORATIF = "KOLABORATIF"


class Period(StrEnum):
    """An evaluation period of a cycle: one of the four quarters or the whole year."""

    TRIWULAN_I = "TRIWULAN_I"
    TRIWULAN_II = "TRIWULAN_II"
    TRIWULAN_III = "TRIWULAN_III"
    TRIWULAN_IV = "TRIWULAN_IV"
    TAHUNAN = "TAHUNAN"


class PotentialLevel(StrEnum):
    """The potential level from a recorded assessment (PermenPAN-RB 3/2020)."""

    RENDAH = "RENDAH"
    MENENGAH = "MENENGAH"
    TINGGI = "TINGGI"


_ABOVE = Rating.DI_ATAS_EKSPEKTASI
_AS_EXPECTED = Rating.SESUAI_EKSPEKTASI
_BELOW = Rating.DI_BAWAH_EKSPEKTASI

# (results, behaviour) -> predicate; results above with behaviour below is misconduct: KURANG.
_PREDICATE_MATRIX: dict[tuple[Rating, Rating], Predicate] = {
    (_ABOVE, _ABOVE): Predicate.SANGAT_BAIK,
    (_ABOVE, _AS_EXPECTED): Predicate.BAIK,
    (_ABOVE, _BELOW): Predicate.KURANG,
    (_AS_EXPECTED, _ABOVE): Predicate.BAIK,
    (_AS_EXPECTED, _AS_EXPECTED): Predicate.BAIK,
    (_AS_EXPECTED, _BELOW): Predicate.KURANG,
    (_BELOW, _ABOVE): Predicate.BUTUH_PERBAIKAN,
    (_BELOW, _AS_EXPECTED): Predicate.BUTUH_PERBAIKAN,
    (_BELOW, _BELOW): Predicate.SANGAT_KURANG,
}


def predicate_for(results: Rating, behaviour: Rating) -> Predicate:
    """The predicate the matrix of PermenPAN-RB 6/2022 derives from the two ratings."""
    return _PREDICATE_MATRIX[(results, behaviour)]


def suggest_results_rating(ratings: Sequence[tuple[Rating, bool]]) -> Rating:
    """Suggest the results rating from (target rating, is main target) pairs."""
    if not ratings:
        raise InvalidValue("targetRatings", "at least one rated work target is needed")
    total = len(ratings)
    above = sum(1 for rating, _ in ratings if rating is _ABOVE)
    below = sum(1 for rating, _ in ratings if rating is _BELOW)
    main_below = any(is_main and rating is _BELOW for rating, is_main in ratings)
    # "Most" is strictly more than half, so "all" is included and a tie is not most.
    if 2 * above > total and not main_below:
        return _ABOVE
    if 2 * below > total:
        return _BELOW
    return _AS_EXPECTED


def performance_level(predicate: Predicate) -> Rating:
    """The performance axis of the talent 9-box: SANGAT_BAIK above, BAIK as expected, else below."""
    if predicate is Predicate.SANGAT_BAIK:
        return _ABOVE
    if predicate is Predicate.BAIK:
        return _AS_EXPECTED
    return _BELOW


_TALENT_BOX: dict[tuple[Rating, PotentialLevel], int] = {
    (_BELOW, PotentialLevel.RENDAH): 1,
    (_AS_EXPECTED, PotentialLevel.RENDAH): 2,
    (_BELOW, PotentialLevel.MENENGAH): 3,
    (_ABOVE, PotentialLevel.RENDAH): 4,
    (_AS_EXPECTED, PotentialLevel.MENENGAH): 5,
    (_BELOW, PotentialLevel.TINGGI): 6,
    (_ABOVE, PotentialLevel.MENENGAH): 7,
    (_AS_EXPECTED, PotentialLevel.TINGGI): 8,
    (_ABOVE, PotentialLevel.TINGGI): 9,
}


def talent_box(predicate: Predicate, potential: PotentialLevel) -> int:
    """The talent 9-box (1 below/low ... 9 above/high) of PermenPAN-RB 3/2020."""
    return _TALENT_BOX[(performance_level(predicate), potential)]


OBJECTION_WINDOW_DAYS = 14


def objection_allowed(finalised_on: date, filed_on: date) -> bool:
    """Whether an objection filed on `filed_on` is within 14 days of finalisation."""
    days_after = (filed_on - finalised_on).days
    return 0 <= days_after <= OBJECTION_WINDOW_DAYS
