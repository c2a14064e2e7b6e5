"""Every GraphQL enum of the schema: the domain's enums, each value described (a leaf module).

The feature modules import their enums from here, so no feature imports another for an enum.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.award import AwardOutcome, AwardStatus
from domain.dialogue import DialogueKind
from domain.discipline import PenaltyLevel
from domain.distribution import OrganizationPredicate
from domain.evaluation import EvaluationStatus
from domain.rating import CoreValue, Period, PotentialLevel, Predicate, Rating
from domain.rule_set import AwardKind, CriterionKind
from domain.satisfaction import IkmGrade
from domain.training import TrainingKind
from domain.values import EmploymentType, PositionKind
from schema.described_enum import described_enum

# Organisation.
EmploymentTypeEnum = described_enum(
    EmploymentType,
    "How the employee is employed; always given explicitly, never inferred from the NIP.",
    {
        "PNS": "Pegawai Negeri Sipil: a career civil servant (NIP; at least 20 JP a year).",
        "PPPK": "Pegawai Pemerintah dengan Perjanjian Kerja: on contract (at most 24 JP a year).",
    },
)
PositionKindEnum = described_enum(
    PositionKind,
    "The kind of position (UU 20/2023): three managerial levels, two non-managerial kinds.",
    {
        "JPT_PRATAMA": "Managerial: head of a perangkat daerah (jabatan pimpinan tinggi pratama).",
        "ADMINISTRATOR": "Managerial: administrator, e.g. head of a division (eselon III).",
        "PENGAWAS": "Managerial: supervisor, e.g. head of a section (eselon IV).",
        "FUNGSIONAL": "Non-managerial: a functional position of expertise or skill.",
        "PELAKSANA": "Non-managerial: an executing (administrative) position.",
    },
)


# Performance management.
RatingEnum = described_enum(
    Rating,
    "A results or behaviour rating against the agreed expectation (PermenPAN-RB 6/2022).",
    {
        "DI_ATAS_EKSPEKTASI": "Above expectation.",
        "SESUAI_EKSPEKTASI": "As expected.",
        "DI_BAWAH_EKSPEKTASI": "Below expectation.",
    },
)
PredicateEnum = described_enum(
    Predicate,
    "The predikat kinerja: derived at finalisation from the results and behaviour ratings, "
    "never entered.",
    {
        "SANGAT_BAIK": "Very good: results and behaviour both above expectation.",
        "BAIK": "Good: results and behaviour as expected or above, not both above.",
        "BUTUH_PERBAIKAN": "Needs improvement: results below, behaviour as expected or above.",
        "KURANG": "Poor: behaviour below expectation, results as expected or above.",
        "SANGAT_KURANG": "Very poor: results and behaviour both below expectation.",
    },
)
PeriodEnum = described_enum(
    Period,
    "The evaluation period of a cycle (calendar year): a quarter or the annual evaluation.",
    {
        "TRIWULAN_I": "First quarter, January to March.",
        "TRIWULAN_II": "Second quarter, April to June.",
        "TRIWULAN_III": "Third quarter, July to September.",
        "TRIWULAN_IV": "Fourth quarter, October to December.",
        "TAHUNAN": "The annual evaluation; the only one the distribution check bounds.",
    },
)
CoreValueEnum = described_enum(
    CoreValue,
    "The seven BerAKHLAK core values of ASN behaviour; a behaviour rating notes each.",
    {
        "BERORIENTASI_PELAYANAN": "Berorientasi Pelayanan: service-oriented.",
        "AKUNTABEL": "Akuntabel: accountable.",
        "KOMPETEN": "Kompeten: competent, keeps learning.",
        "HARMONIS": "Harmonis: harmonious, respects differences.",
        "LOYAL": "Loyal: loyal to the state and the constitution.",
        "ADAPTIF": "Adaptif: adaptive to change.",
        "KOLABORATIF": "Kolaboratif: collaborative.",
    },
)
PotentialLevelEnum = described_enum(
    PotentialLevel,
    "Potential from a recorded assessment: the talent box's second axis (PermenPAN-RB 3/2020).",
    {
        "RENDAH": "Low potential.",
        "MENENGAH": "Medium potential.",
        "TINGGI": "High potential.",
    },
)
OrganizationPredicateEnum = described_enum(
    OrganizationPredicate,
    "A unit's organisation predicate; it bounds the share of each employee predicate in the "
    "unit's annual evaluations (the distribution check).",
    {
        "ISTIMEWA": "Outstanding (rule set v1: at most 70% SANGAT_BAIK).",
        "BAIK": "Good (v1: at most 70% BAIK, at least one BUTUH_PERBAIKAN or KURANG).",
        "BUTUH_PERBAIKAN": "Needs improvement (v1: at most 50% SANGAT_BAIK or BAIK).",
        "KURANG": "Poor (v1: at least 30% KURANG or SANGAT_KURANG).",
        "SANGAT_KURANG": "Very poor (v1: at least 60% SANGAT_KURANG, none SANGAT_BAIK).",
    },
)
EvaluationStatusEnum = described_enum(
    EvaluationStatus,
    "Where an evaluation stands: submitted, finalised, objected to, then revised or rejected.",
    {
        "SUBMITTED": "Submitted by the evaluator; ratings may still change, no predicate yet.",
        "FINAL": "Finalised: the predicate is fixed; the employee may object within 14 days.",
        "OBJECTED": "The employee filed an objection (keberatan); awaiting its resolution.",
        "REVISED": "The objection was upheld: a revision with new ratings replaced the original.",
        "OBJECTION_REJECTED": "The objection was rejected; the final predicate stands.",
    },
)


class ObjectionOutcome(StrEnum):
    """How HR resolves an objection."""

    UPHELD = "UPHELD"
    REJECTED = "REJECTED"


ObjectionOutcomeEnum = described_enum(
    ObjectionOutcome,
    "How HR decides an employee's objection (keberatan) to a final evaluation.",
    {
        "UPHELD": "The objection stands: a revision with new ratings replaces the original.",
        "REJECTED": "The objection is refused: the final predicate stands.",
    },
)


# Performance dialogues.
DialogueKindEnum = described_enum(
    DialogueKind,
    "The kind of a performance dialogue (bimbingan / pendampingan kinerja).",
    {
        "FEEDBACK": "Umpan balik: the supervisor's continuous feedback on the work.",
        "COACHING": "Coaching: helping the employee find their own way to a better result.",
        "MENTORING": "Mentoring: passing on the supervisor's experience and knowledge.",
        "COUNSELLING": "Konseling: addressing a problem that holds the employee's work back.",
    },
)


# Competency development.
TrainingKindEnum: Any = described_enum(
    TrainingKind,
    "Kind of competency development (PP 17/2020): the first four are classical, the rest"
    " non-classical.",
    {
        "PELATIHAN": "Classical: a training course (diklat) in a classroom.",
        "WORKSHOP": "Classical: a hands-on workshop, often with resource persons.",
        "SEMINAR": "Classical: a seminar or conference, often with resource persons.",
        "KURSUS": "Classical: a short course.",
        "COACHING": "Non-classical: coaching by a superior or coach.",
        "MENTORING": "Non-classical: mentoring by a more experienced colleague.",
        "E_LEARNING": "Non-classical: online learning.",
        "BIMBINGAN_DI_TEMPAT_KERJA": "Non-classical: guidance on the job at the workplace.",
        "MAGANG": "Non-classical: an internship or attachment in another organisation.",
        "BELAJAR_MANDIRI": "Non-classical: self-study.",
        "KOMUNITAS_BELAJAR": "Non-classical: a learning community (community of practice).",
    },
)


# Awards and discipline.
AwardKindEnum: Any = described_enum(
    AwardKind,
    "The awards the city decides on (UU 20/2023; PP 11/2017 art. 232; PP 30/2019).",
    {
        "ASN_BERPRESTASI": "Outstanding civil servant of the year.",
        "PRIORITAS_PENGEMBANGAN_KOMPETENSI": "Priority for competency development: granted, it"
        " opens advanced training (pelatihan lanjutan) to the employee.",
        "KENAIKAN_PANGKAT_ISTIMEWA": "Extraordinary promotion in rank; PNS only.",
        "SATYALANCANA_KARYA_SATYA": "Long-service medal for 10, 20 or 30 years of service without"
        " a medium or heavy disciplinary penalty.",
    },
)
AwardOutcomeEnum: Any = described_enum(
    AwardOutcome,
    "What HR decided on a nomination.",
    {
        "GRANTED": "The award is given.",
        "REJECTED": "The nomination is turned down.",
    },
)
AwardStatusEnum: Any = described_enum(
    AwardStatus,
    "Where an award case stands in its lifecycle.",
    {
        "NOMINATED": "Nominated, not yet decided.",
        "GRANTED": "Decided: the award is given.",
        "REJECTED": "Decided: the nomination is turned down.",
        "REVOKED": "Granted, then withdrawn with a reason.",
    },
)
CriterionKindEnum: Any = described_enum(
    CriterionKind,
    "What a rule set criterion checks; its parameters (predicate, count, years) say how much.",
    {
        "PREDICATE_AT_LEAST_LAST_ANNUAL": "The annual predicates of the last `count` consecutive"
        " years are each at least `predicate`.",
        "PREDICATE_AT_LEAST_LATEST": "The predicate of the latest evaluated period is at least"
        " `predicate`.",
        "JP_REQUIREMENT_MET": "The JP minimum of the decision's year is met by the completions"
        " that count.",
        "YEARS_OF_SERVICE_AT_LEAST": "At least `years` years of service since the TMT CPNS that"
        " the NIP records.",
        "EMPLOYMENT_TYPE_PNS": "The employee is a PNS (not a PPPK).",
        "NO_MEDIUM_OR_HEAVY_PENALTY": "No medium (SEDANG) or heavy (BERAT) disciplinary penalty.",
    },
)
PenaltyLevelEnum: Any = described_enum(
    PenaltyLevel,
    "The level of a disciplinary penalty (hukuman disiplin, PP 94/2021).",
    {
        "RINGAN": "Light penalty; it does not bar the long-service medal.",
        "SEDANG": "Medium penalty; it bars the long-service medal.",
        "BERAT": "Heavy penalty; it bars the long-service medal.",
    },
)


# Public-service outcomes.
IkmGradeEnum: Any = described_enum(
    IkmGrade,
    "The service quality grade (mutu pelayanan) of a rounded IKM, PermenPAN-RB 14/2017.",
    {
        "A": "IKM 88.31-100.00: Sangat Baik (very good).",
        "B": "IKM 76.61-88.30: Baik (good).",
        "C": "IKM 65.00-76.60: Kurang Baik (fair).",
        "D": "IKM 25.00-64.99: Tidak Baik (poor).",
    },
)
