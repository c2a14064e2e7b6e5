"""The Relay `Node` interface and the global ids of entities that have no stream id.

Every entity that is an event stream keeps its stream id (a UUID, unique across the whole log) as
its `id`: that id is already global, so it is the Node id, and every query and mutation input that
took it before takes it unchanged. A unit is keyed by its code, not by a UUID, so its Node id is
the opaque base64 of `Unit:<code>`, written and checked like a connection cursor.
"""

from __future__ import annotations

import strawberry

from schema.pagination import encode_cursor

UNIT_KIND = "Unit"


@strawberry.interface(
    name="Node",
    description=(
        "An object with a global id: pass the id to `node(id:)` or `nodes(ids:)` to read it again "
        "(Relay's refetch). Access rules are the same as for the direct queries."
    ),
)
class Node:
    @strawberry.field(
        description="The global id: unique across every kind of object; opaque to clients."
    )
    def id(self) -> strawberry.ID:
        raise NotImplementedError


def unit_global_id(code: str) -> strawberry.ID:
    """The Node id of the unit with this code."""
    return strawberry.ID(encode_cursor(UNIT_KIND, code))
