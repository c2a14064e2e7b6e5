"""Plain leaf fields completed in one step answer exactly what graphql-core's way answers:
the same data in the same order, the same errors at the same paths."""

from __future__ import annotations

import asyncio
from enum import Enum

import pytest
import strawberry

from service.http.fast_fields import FastFieldsExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Thing:
    name: str
    nickname: str | None
    colour: Colour
    size: int
    broken: int

    @strawberry.field
    def loud(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self) -> int:
        return self.size + 1


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [
            Thing(name="a", nickname=None, colour=Colour.RED, size=1, broken=1),
            Thing(name="b", nickname="bee", colour=Colour.BLUE, size=2, broken=None),  # type: ignore[arg-type]
        ]

    @strawberry.field
    def odd(self) -> Thing:
        return Thing(name="c", nickname=1, colour="green", size="x", broken=3)  # type: ignore[arg-type]


PLAIN = strawberry.Schema(Query)
FAST = strawberry.Schema(Query, execution_context_class=FastFieldsExecutionContext)

DOCUMENTS = [
    "{ things { name nickname colour size later loud } }",
    "{ things { __typename b: size a: name later name size } }",
    "{ things { name ...F } } fragment F on Thing { colour name nickname loud }",
    "{ things { name broken } }",
    "{ things { later broken loud } }",
    "{ odd { name nickname } }",
    "{ odd { colour } }",
    "{ odd { size name } }",
    "query Q($s: Boolean!) { things { name @skip(if: $s) size @include(if: $s) colour } }",
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_fast_fields_answer_as_graphql_core_does(document: str) -> None:
    variables = {"s": True}
    expected = asyncio.run(PLAIN.execute(document, variable_values=variables))
    found = asyncio.run(FAST.execute(document, variable_values=variables))
    assert found.data == expected.data
    assert list(found.data or {}) == list(expected.data or {})
    if expected.data and found.data:
        assert [list(t) for t in found.data.get("things") or []] == [
            list(t) for t in expected.data.get("things") or []
        ]
    assert [e.formatted for e in found.errors or []] == [e.formatted for e in expected.errors or []]
