"""The peers the service is measured against, each served by uvicorn in its own process.

`python -m bench.peer_apps raw URL PORT`: the raw Starlette + asyncpg endpoint (the limit: the
least the same answer needs). `python -m bench.peer_apps strawberry URL PORT`: plain Strawberry
over the same read table with the same fields (what a team would write without this project).
"""

from __future__ import annotations

import base64
import contextlib
import sys
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from bench.baseline import EMPLOYEE_COLUMNS, baseline_app


@strawberry.type
class EmployeeNode:
    id: strawberry.ID
    nip: str | None
    name: str | None
    employment_type: str
    position_kind: str
    position_title: str
    version: int


@strawberry.type
class EmployeeEdge:
    cursor: str
    node: EmployeeNode


@strawberry.type
class EmployeeConnection:
    edges: list[EmployeeEdge]


def _cursor(employee_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"employee:{employee_id}".encode()).decode()


def _after(cursor: str | None) -> UUID | None:
    if cursor is None:
        return None
    return UUID(base64.urlsafe_b64decode(cursor).decode().removeprefix("employee:"))


@strawberry.type
class Query:
    @strawberry.field
    async def employees(
        self, info: strawberry.Info, first: int = 50, after: str | None = None
    ) -> EmployeeConnection:
        pool: asyncpg.Pool = info.context["pool"]
        rows = await pool.fetch(
            f"SELECT {EMPLOYEE_COLUMNS} FROM directory_employees"
            " WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2",
            _after(after),
            min(first, 100),
        )
        return EmployeeConnection(
            edges=[
                EmployeeEdge(
                    cursor=_cursor(r["id"]),
                    node=EmployeeNode(
                        id=strawberry.ID(str(r["id"])),
                        nip=r["nip"],
                        name=r["name"],
                        employment_type=r["employment_type"],
                        position_kind=r["position_kind"],
                        position_title=r["position_title"],
                        version=r["version"],
                    ),
                )
                for r in rows
            ]
        )


class _PlainGraphQL(GraphQL[dict[str, Any], None]):
    def __init__(self, schema: strawberry.Schema, pools: list[asyncpg.Pool]) -> None:
        super().__init__(schema, graphql_ide=None)
        self._pools = pools

    async def get_context(self, request: Any, response: Any = None) -> dict[str, Any]:
        return {"pool": self._pools[0], "request": request}


def strawberry_app(url: str) -> Starlette:
    """Plain Strawberry: one resolver reading the directory table, no limits, no cache."""
    pools: list[asyncpg.Pool] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(url, min_size=2, max_size=20)
        assert pool is not None
        pools.append(pool)
        yield
        await pool.close()

    graphql = _PlainGraphQL(strawberry.Schema(query=Query), pools)
    return Starlette(routes=[Route("/graphql", graphql)], lifespan=lifespan)


def main(argv: list[str]) -> None:
    """Serve one peer: `raw` or `strawberry`, on 127.0.0.1:PORT over the database URL."""
    kind, url, port = argv[0], argv[1], int(argv[2])
    app = baseline_app(url) if kind == "raw" else strawberry_app(url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
