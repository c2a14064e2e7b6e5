"""Pagination, in one leaf module: cursors, `PageInfo` and the builder of a connection's page.

A cursor is the canonical URL-safe base64 of `<kind>:<value>`: `kind` names the list it belongs to
(`event`, `decision`, `employee`, `program`) and `value` where the page ends (a log position, an
employee id, a programme code). A cursor that is not canonical base64, names another list, or
holds a value of the wrong shape is a GraphQL error with code `BAD_USER_INPUT`, never an internal
error.

Every list reads one row more than a page (`limit=size + 1`): that row says whether another page
follows; `connection_page` turns the rows into the page's edges and its `PageInfo`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar
from uuid import UUID

import strawberry
from graphql import GraphQLError

MAX_CURSOR_LENGTH = 256
_MAX_POSITION = 2**63 - 1


def encode_cursor(kind: str, value: str) -> str:
    """The opaque cursor after the item whose key is `value` in the list `kind`."""
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def _invalid(kind: str, why: str, argument: str = "after") -> GraphQLError:
    return GraphQLError(
        f"invalid cursor: `{argument}` must be a cursor of this list ({kind}); {why}",
        extensions={"code": "BAD_USER_INPUT", "argument": argument},
    )


def decode_cursor(kind: str, cursor: str | None, argument: str = "after") -> str | None:
    """The value inside a cursor of the list `kind`; BAD_USER_INPUT (naming `argument`, the
    argument that carried it) for any other text."""
    if cursor is None:
        return None
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _invalid(kind, f"it is longer than {MAX_CURSOR_LENGTH} characters", argument)
    try:
        text = base64.b64decode(cursor.encode("ascii"), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeError):
        raise _invalid(kind, "it is not base64 of a cursor", argument) from None
    prefix, _, value = text.partition(":")
    if prefix != kind or encode_cursor(kind, value) != cursor:
        raise _invalid(kind, "it belongs to another list or was altered", argument)
    return value


def text_cursor(kind: str, cursor: str | None, argument: str = "after") -> str | None:
    """The text key inside a cursor of the list `kind` (a code): no key holds a NUL (PostgreSQL
    text cannot), so a cursor hiding one is BAD_USER_INPUT, not a database error."""
    value = decode_cursor(kind, cursor, argument)
    if value is not None and "\x00" in value:
        raise _invalid(kind, "it holds a NUL character", argument)
    return value


def position_cursor(kind: str, cursor: str | None) -> int:
    """The log position inside a cursor of the list `kind` (0, the start, when absent)."""
    value = decode_cursor(kind, cursor)
    if value is None:
        return 0
    if not (value.isascii() and value.isdigit()) or int(value) > _MAX_POSITION:
        raise _invalid(kind, "its position is not a number")
    return int(value)


def uuid_cursor(kind: str, cursor: str | None, argument: str = "after") -> UUID | None:
    """The id inside a cursor of the list `kind` (None, the start, when absent)."""
    value = decode_cursor(kind, cursor, argument)
    if value is None:
        return None
    try:
        parsed = UUID(value)
    except ValueError:
        raise _invalid(kind, "its id is not a UUID", argument) from None
    if str(parsed) != value:
        raise _invalid(kind, "its id is not a UUID", argument)
    return parsed


@strawberry.type(description="Where a page stands in its connection (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor (pass as `after`); null on an empty page."
    )
    has_previous_page: bool = strawberry.field(
        default=False,
        description=(
            "Whether items come before this page: true after an `after` cursor, or when paging"
            " backward (`last`) left items before the page."
        ),
    )
    start_cursor: str | None = strawberry.field(
        default=None,
        description="The cursor of the page's first item: pass it as `before` to page backward.",
    )

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
        """The page info of a page whose edges have these cursors."""
        return cls(
            has_next_page=has_next,
            end_cursor=cursors[-1] if cursors else None,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
        )


class Edge(Protocol):
    """An edge of a connection: it knows its cursor."""

    @property
    def cursor(self) -> str: ...


Row = TypeVar("Row")
E = TypeVar("E", bound=Edge)


def connection_page(
    rows: Sequence[Row],
    size: int,
    edge: Callable[[Row], E],
    *,
    after: bool,
    before: bool = False,
    backward: bool = False,
) -> tuple[list[E], PageInfo]:
    """The edges of a page and its `PageInfo`, from `rows` read with `limit=size + 1`.

    Forward, the extra row is the last one and says a next page follows; `after` says the page
    began after a cursor. Backward (`last`/`before`, rows in list order, the extra one first),
    the extra row says items come before the page, and `before` that items follow it.
    """
    more = len(rows) > size
    shown = rows[-size:] if backward and size else rows[:size]
    edges = [edge(r) for r in shown]
    info = PageInfo.of(
        [e.cursor for e in edges],
        has_next=before if backward else more,
        has_previous=more if backward else after,
    )
    return edges, info
