"""The kinds of competency development as GraphQL shows them, each described for partners."""

from __future__ import annotations

from typing import Any

from domain.training import TrainingKind
from schema.described_enum import described_enum

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
