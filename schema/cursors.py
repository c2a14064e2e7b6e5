"""Connection cursors, written and read in one place.

A cursor is the canonical URL-safe base64 of `<kind>:<value>`: `kind` names the list it belongs to
(`event`, `decision`, `employee`, `program`) and `value` where the page ends (a log position, an
employee id, a programme code). A cursor that is not canonical base64, names another list, or
holds a value of the wrong shape is a GraphQL error with code `BAD_USER_INPUT`, never an internal
error.
"""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

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
