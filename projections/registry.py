"""Every projection the service keeps, in the order the projector applies them."""

from __future__ import annotations

from projections.directory import DirectoryProjection
from projections.engine import Projection


def all_projections() -> list[Projection]:
    """A fresh instance of each projection."""
    return [DirectoryProjection()]
