"""Cursors: what the API writes reads back; anything else is BAD_USER_INPUT."""

from __future__ import annotations

from uuid import UUID

import pytest
from graphql import GraphQLError
from hypothesis import given
from hypothesis import strategies as st

from schema.pagination import decode_cursor, encode_cursor, position_cursor, uuid_cursor


@given(value=st.text(max_size=100))
def test_every_cursor_the_api_writes_reads_back(value: str) -> None:
    cursor = encode_cursor("program", value)
    if len(cursor) <= 256:
        assert decode_cursor("program", cursor) == value


@given(position=st.integers(0, 2**63 - 1), ident=st.uuids())
def test_positions_and_ids_read_back(position: int, ident: UUID) -> None:
    assert position_cursor("event", encode_cursor("event", str(position))) == position
    assert uuid_cursor("employee", encode_cursor("employee", str(ident))) == ident
    assert position_cursor("event", None) == 0
    assert uuid_cursor("employee", None) is None


@given(text=st.text(max_size=300))
def test_any_other_text_is_bad_user_input_or_a_cursor_that_encodes_back(text: str) -> None:
    try:
        value = decode_cursor("event", text)
    except GraphQLError as error:
        assert error.extensions == {"code": "BAD_USER_INPUT", "argument": "after"}
    else:
        assert value is not None
        assert encode_cursor("event", value) == text


@pytest.mark.parametrize("value", ["abc", "-1", "²", "1_000", " 1", "+1", str(2**63)])
def test_a_position_cursor_holds_only_a_position(value: str) -> None:
    with pytest.raises(GraphQLError):
        position_cursor("event", encode_cursor("event", value))
