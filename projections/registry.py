"""Every projection the service keeps, in the order the projector applies them."""

from __future__ import annotations

from projections.awards import AwardsProjection
from projections.catalogue import CatalogueProjection
from projections.dialogues import DialogueProjection
from projections.directory import DirectoryProjection
from projections.engine import Projection
from projections.jp_ledger import JpLedgerProjection
from projections.performance import PerformanceProjection
from projections.programme_impact import ProgrammeImpactProjection
from projections.service_outcomes import ServiceOutcomesProjection
from projections.unit_view import UnitViewProjection


def all_projections() -> list[Projection]:
    """A fresh instance of each projection."""
    return [
        DirectoryProjection(),
        JpLedgerProjection(),
        CatalogueProjection(),
        PerformanceProjection(),
        UnitViewProjection(),
        AwardsProjection(),
        DialogueProjection(),
        ServiceOutcomesProjection(),
        ProgrammeImpactProjection(),
    ]
