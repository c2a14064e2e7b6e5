"""Who may enrol in what: a granted opportunity for advanced training, and the open development
need an enrolment names, matched by competency area."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import InvalidValue
from domain.values import require_text

if TYPE_CHECKING:
    from domain.training import TrainingProgram


def competency_area_key(area: str) -> str:
    """A competency area as matched against development needs: spacing and case do not count."""
    return " ".join(area.split()).casefold()


@dataclass(frozen=True)
class AdvancedTrainingOpportunity:
    """A granted chance to join advanced training (an award PRIORITAS_PENGEMBANGAN_KOMPETENSI)."""

    award_id: UUID
    granted_on: date


def advanced_training_allowed(
    opportunities: Sequence[AdvancedTrainingOpportunity], on: date
) -> bool:
    """Whether the employee may join an advanced programme: an opportunity granted by that day."""
    return any(o.granted_on <= on for o in opportunities)


@dataclass(frozen=True)
class NeedLink:
    """The development need an enrolment names (if any) and the employee's open needs' areas."""

    named: str | None = None
    open_needs: Sequence[str] = ()

    def matched(self, program: TrainingProgram) -> str | None:
        """The open need, as the evaluation spelled it, that the programme addresses."""
        if self.named is None:
            return None
        key = competency_area_key(require_text("developmentNeed", self.named))
        if key != competency_area_key(program.competency_area):
            raise InvalidValue(
                "developmentNeed",
                f"programme {program.code} develops {program.competency_area!r}, "
                f"not {self.named.strip()!r}",
            )
        for need in self.open_needs:
            if competency_area_key(need) == key:
                return need
        raise InvalidValue(
            "developmentNeed", f"{self.named.strip()!r} is not an open development need"
        )
