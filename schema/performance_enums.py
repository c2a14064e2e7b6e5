"""The enums of performance management as GraphQL shows them."""

from __future__ import annotations

from domain.distribution import OrganizationPredicate
from domain.evaluation import EvaluationStatus
from domain.rating import CoreValue, Period, PotentialLevel, Predicate, Rating
from schema.described_enum import described_enum

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
