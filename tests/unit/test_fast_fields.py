"""Plain leaf fields completed in one step answer exactly what graphql-core's way answers:
the same data in the same order, the same errors at the same paths."""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

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


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Box(Named):
    """Plain object fields: read from the attribute, their sub-fields executed on it."""

    name: str
    inner: Thing
    maybe: Thing | None
    bad: Thing | None
    worst: Thing
    pieces: list[Thing]
    loose: list[Thing | None] | None


def _box(name: str, broken: int | None) -> Box:
    good = Thing(name=name, nickname=None, colour=Colour.RED, size=3, broken=1)
    worse = Thing(name=name, nickname=None, colour=Colour.BLUE, size=4, broken=broken)  # type: ignore[arg-type]
    pieces = [good, worse, good]
    return Box(
        name=name,
        inner=good,
        maybe=None,
        bad=worse,
        worst=worse,
        pieces=pieces,
        loose=[*pieces],
    )


@strawberry.type
class Query:
    @strawberry.field
    def boxes(self) -> list[Box]:
        return [_box("x", 1), _box("y", None)]

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
    "{ boxes { name inner { name later colour } maybe { name } } }",
    "{ boxes { bad { name broken later } inner { size } } }",
    "{ boxes { inner { later name } bad { broken } } }",
    "{ boxes { i: inner { size } j: inner { name } inner { later } } }",
    "{ boxes { name maybe { name } worst { later broken } inner { later } } }",
    "{ boxes { pieces { name later size } loose { name colour } } }",
    "{ boxes { name pieces { size broken } } }",
    "{ boxes { name loose { later broken } pieces { later } } }",
    "{ boxes { loose { name } p: pieces { name later } } }",
    "{ boxes { ... on Named { name } ... on Box { inner { name } } } }",
    "query Q($s: Boolean!) { things { name @skip(if: $s) size @include(if: $s) colour } }",
]


async def _execute(
    schema: strawberry.Schema, document: str, variables: dict[str, Any]
) -> ExecutionResult:
    result = await schema.execute(document, variable_values=variables)
    # As in a server, the loop runs on: what an error abandoned settles in the background.
    for _ in range(10):
        await asyncio.sleep(0)
    return result


@pytest.mark.parametrize("document", DOCUMENTS)
def test_fast_fields_answer_as_graphql_core_does(document: str) -> None:
    variables = {"s": True}
    expected = asyncio.run(_execute(PLAIN, document, variables))
    found = asyncio.run(_execute(FAST, document, variables))
    assert found.data == expected.data
    assert list(found.data or {}) == list(expected.data or {})
    if expected.data and found.data:
        assert [list(t) for t in found.data.get("things") or []] == [
            list(t) for t in expected.data.get("things") or []
        ]
    assert [e.formatted for e in found.errors or []] == [e.formatted for e in expected.errors or []]


class Shouting(SchemaExtension):
    """A per-field `resolve` hook: it must see every field, plain ones too."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        found = _next(root, info, *args, **kwargs)
        return found.upper() if isinstance(found, str) else found


def test_a_per_field_hook_sees_every_field() -> None:
    document = "{ things { name nickname } boxes { inner { name } } }"
    plain = strawberry.Schema(Query, extensions=[Shouting])
    fast = strawberry.Schema(
        Query, extensions=[Shouting], execution_context_class=FastFieldsExecutionContext
    )
    expected = asyncio.run(_execute(plain, document, {}))
    found = asyncio.run(_execute(fast, document, {}))
    assert found.data == expected.data
    assert found.data is not None and found.data["things"][1]["nickname"] == "BEE"
