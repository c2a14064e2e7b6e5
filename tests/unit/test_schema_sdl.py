"""The committed SDL is the contract partners build against: it must match the code."""

from __future__ import annotations

from pathlib import Path

from schema.root import sdl

COMMITTED = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_the_committed_sdl_matches_the_schema() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is stale: run `make schema` and commit it"
    )
