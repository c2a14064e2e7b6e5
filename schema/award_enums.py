"""The enums of awards as GraphQL shows them, each value described for partners."""

from __future__ import annotations

from typing import Any

from domain.award import AwardOutcome, AwardStatus
from domain.discipline import PenaltyLevel
from domain.rule_set import AwardKind, CriterionKind
from schema.described_enum import described_enum

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
