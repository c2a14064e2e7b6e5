"""A synthetic Salatiga, drawn from a seed: units, people, the supervision tree and their ratings.

Pure and deterministic: the same seed and sizes always give the same city. `service.demo.seed` feeds
it through the real command handlers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from domain.distribution import (
    DEFAULT_DISTRIBUTION_RULES,
    OrganizationPredicate,
    check_distribution,
)
from domain.rating import Predicate, Rating
from domain.values import EmploymentType, Nip, PositionKind

ROOT_UNIT = "SETDA"
# (code, name, weight): the weight is the unit's share of the city's staff.
UNITS: tuple[tuple[str, str, int], ...] = (
    (ROOT_UNIT, "Sekretariat Daerah (Bagian Administrasi)", 5),
    ("DISDIK", "Dinas Pendidikan", 30),
    ("DINKES", "Dinas Kesehatan", 12),
    ("RSUD", "RSUD Kota Salatiga", 14),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", 4),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", 2),
    ("KEC-SIDOREJO", "Kecamatan Sidorejo", 2),
    ("KEC-TINGKIR", "Kecamatan Tingkir", 2),
    ("KEC-ARGOMULYO", "Kecamatan Argomulyo", 2),
    ("KEC-SIDOMUKTI", "Kecamatan Sidomukti", 2),
    ("SETWAN", "Sekretariat DPRD", 2),
    ("INSPEKTORAT", "Inspektorat Daerah", 2),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", 2),
    ("BPKPD", "Badan Keuangan dan Pendapatan Daerah", 3),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", 1),
    ("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", 1),
    ("DPKP", "Dinas Perumahan dan Kawasan Permukiman", 2),
    ("DLH", "Dinas Lingkungan Hidup", 3),
    ("DISHUB", "Dinas Perhubungan", 2),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", 1),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", 1),
    ("DINSOS", "Dinas Sosial", 1),
    ("DP3APPKB", "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan KB", 2),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", 1),
    ("DISNAKER", "Dinas Tenaga Kerja", 1),
    ("DISKUMPER", "Dinas Koperasi, UMKM dan Perindustrian", 1),
    ("DISDAG", "Dinas Perdagangan", 2),
    ("DISPERTAN", "Dinas Pertanian dan Pangan", 2),
    ("DISBUDPAR", "Dinas Kebudayaan dan Pariwisata", 1),
    ("DISPORA", "Dinas Kepemudaan dan Olahraga", 1),
    ("DISARPUS", "Dinas Perpustakaan dan Kearsipan", 1),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", 2),
)
FUNCTIONAL_UNITS = frozenset({"DISDIK", "DINKES", "RSUD"})
AREAS = (
    "Analisis Data",
    "Manajemen Keuangan",
    "Pelayanan Publik",
    "Kepemimpinan",
    "Penulisan Naskah Dinas",
    "Pengadaan Barang dan Jasa",
    "Teknologi Informasi",
    "Manajemen Risiko",
    "Keterampilan Klinis",
    "Metodologi Pembelajaran",
)
_FIRST = ("Sri", "Budi", "Agus", "Dwi", "Siti", "Eko", "Tri", "Rina", "Dewi", "Hadi", "Wahyu")
_SECOND = ("Wahyuni", "Santoso", "Lestari", "Prasetyo", "Rahayu", "Setiawan", "Handayani")
_THIRD = ("Nugroho", "Susanti", "Purnomo", "Kurniawan", "Utami", "Hartono", "Wibowo", "Sari")
_TITLES = {
    PositionKind.JPT_PRATAMA: "Kepala",
    PositionKind.ADMINISTRATOR: "Kepala Bidang",
    PositionKind.PENGAWAS: "Kepala Subbagian",
    PositionKind.FUNGSIONAL: "Pejabat Fungsional",
    PositionKind.PELAKSANA: "Pengelola Administrasi",
}
# Annual predicate weights: most BAIK, some SANGAT_BAIK, a few below expectation.
_PREDICATE_WEIGHTS = {
    Predicate.SANGAT_BAIK: 16,
    Predicate.BAIK: 64,
    Predicate.BUTUH_PERBAIKAN: 12,
    Predicate.KURANG: 6,
    Predicate.SANGAT_KURANG: 2,
}
# (results, behaviour) that give each predicate in the PermenPAN-RB 6/2022 matrix.
RATINGS_FOR = {
    Predicate.SANGAT_BAIK: (Rating.DI_ATAS_EKSPEKTASI, Rating.DI_ATAS_EKSPEKTASI),
    Predicate.BAIK: (Rating.SESUAI_EKSPEKTASI, Rating.SESUAI_EKSPEKTASI),
    Predicate.BUTUH_PERBAIKAN: (Rating.DI_BAWAH_EKSPEKTASI, Rating.SESUAI_EKSPEKTASI),
    Predicate.KURANG: (Rating.SESUAI_EKSPEKTASI, Rating.DI_BAWAH_EKSPEKTASI),
    Predicate.SANGAT_KURANG: (Rating.DI_BAWAH_EKSPEKTASI, Rating.DI_BAWAH_EKSPEKTASI),
}
# Tried in this order; the first the unit's annual predicates fit is the one HR sets.
_ORG_ORDER = (
    OrganizationPredicate.BAIK,
    OrganizationPredicate.ISTIMEWA,
    OrganizationPredicate.BUTUH_PERBAIKAN,
    OrganizationPredicate.KURANG,
    OrganizationPredicate.SANGAT_KURANG,
)


@dataclass(frozen=True)
class Person:
    """One generated employee."""

    nip: str
    name: str
    employment_type: EmploymentType
    unit_code: str
    kind: PositionKind
    title: str
    supervisor_nip: str | None
    level: int


@dataclass
class City:
    """The generated units (code -> name) and people, ordered so supervisors come first."""

    units: dict[str, str]
    people: list[Person] = field(default_factory=list)

    def evaluated(self) -> list[Person]:
        """Everyone who has a supervisor in the system (the root reports to the mayor)."""
        return [p for p in self.people if p.supervisor_nip is not None]

    def headcount(self, unit_code: str) -> int:
        """How many people the unit has (evaluated or not)."""
        return sum(1 for p in self.people if p.unit_code == unit_code)


def _nip(rng: random.Random, first_year: int, taken: set[str], gender: int) -> str:
    while True:
        birth = date(rng.randint(1966, first_year - 24), rng.randint(1, 12), rng.randint(1, 28))
        tmt_year = rng.randint(birth.year + 20, min(birth.year + 35, first_year - 1))
        value = f"{birth:%Y%m%d}{tmt_year}{rng.randint(1, 12):02d}{gender}{rng.randint(1, 999):03d}"
        if value not in taken:
            taken.add(Nip.parse(value).value)
            return value


def _sizes(employees: int, units: int) -> list[int]:
    chosen = UNITS[:units]
    total = sum(w for _, _, w in chosen)
    sizes = [max(1, employees * w // total) for _, _, w in chosen]
    sizes[1 % units] += employees - sum(sizes)
    return sizes


def _unit_kinds(code: str, size: int, rng: random.Random) -> list[PositionKind]:
    """Head, administrators, supervisors, then staff: the order they register in."""
    admins = min(max(1 if size >= 4 else 0, size // 30), size - 1)
    overseers = min(max(1 if size >= 3 else 0, size // 9), size - 1 - admins)
    staff = size - 1 - admins - overseers
    functional = 0.7 if code in FUNCTIONAL_UNITS else 0.2
    rest = [
        PositionKind.FUNGSIONAL if rng.random() < functional else PositionKind.PELAKSANA
        for _ in range(staff)
    ]
    head = [PositionKind.JPT_PRATAMA] if size else []
    return head + [PositionKind.ADMINISTRATOR] * admins + [PositionKind.PENGAWAS] * overseers + rest


_LEVEL = {
    PositionKind.JPT_PRATAMA: 1,
    PositionKind.ADMINISTRATOR: 2,
    PositionKind.PENGAWAS: 3,
    PositionKind.FUNGSIONAL: 4,
    PositionKind.PELAKSANA: 4,
}


def generate_city(employees: int, first_year: int, seed: int) -> City:
    """About `employees` people in up to 32 units (about one per hundred people, at least 2)."""
    rng = random.Random(seed)
    count = min(len(UNITS), max(2, employees // 100))
    city = City(units={code: name for code, name, _ in UNITS[:count]})
    taken: set[str] = set()
    root: str | None = None
    for (code, name, _), size in zip(UNITS[:count], _sizes(employees, count), strict=True):
        above: dict[int, list[str]] = {}
        for i, kind in enumerate(_unit_kinds(code, size, rng)):
            level = _LEVEL[kind]
            bosses = next((above[lv] for lv in range(level - 1, 0, -1) if above.get(lv)), None)
            boss = bosses[i % len(bosses)] if bosses else root
            gender = rng.choice((1, 2))
            nip = _nip(rng, first_year, taken, gender)
            title = f"{_TITLES[kind]} {name}" if level == 1 else _TITLES[kind]
            contract = kind is PositionKind.FUNGSIONAL and rng.random() < 0.15
            person = Person(
                nip=nip,
                name=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_THIRD)}",
                employment_type=EmploymentType.PPPK if contract else EmploymentType.PNS,
                unit_code=code,
                kind=kind,
                title=title[:200],
                supervisor_nip=boss,
                level=level if boss is not None else 0,
            )
            city.people.append(person)
            above.setdefault(level, []).append(nip)
            root = root or nip
    city.people.sort(key=lambda p: p.level)
    return city


@dataclass(frozen=True)
class YearRatings:
    """One year's drawn results: annual and quarterly predicates, and development needs."""

    annual: dict[str, Predicate]
    quarterly: dict[str, list[Predicate]]
    needs: dict[str, str]


def draw_year(city: City, year: int, seed: int) -> YearRatings:
    """Each evaluated person's predicates in a year; quarters stay near the annual result."""
    rng = random.Random(f"{seed}:{year}")
    kinds, weights = zip(*_PREDICATE_WEIGHTS.items(), strict=True)
    annual: dict[str, Predicate] = {}
    quarterly: dict[str, list[Predicate]] = {}
    needs: dict[str, str] = {}
    for person in city.evaluated():
        final = rng.choices(kinds, weights)[0]
        annual[person.nip] = final
        quarterly[person.nip] = [
            final if rng.random() < 0.75 else rng.choices(kinds, weights)[0] for _ in range(4)
        ]
        weak = final not in (Predicate.SANGAT_BAIK, Predicate.BAIK)
        if weak or rng.random() < 0.2:
            needs[person.nip] = rng.choice(AREAS)
    return YearRatings(annual, quarterly, needs)


def organisation_predicate(
    predicates: list[Predicate], headcount: int
) -> OrganizationPredicate | None:
    """The first organisation predicate these annual results fit, or None (an override)."""
    complete = len(predicates) >= headcount
    for org in _ORG_ORDER:
        problems = check_distribution(
            DEFAULT_DISTRIBUTION_RULES, org, predicates, complete=complete, population=headcount
        )
        if not problems:
            return org
    return None
