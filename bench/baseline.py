"""The baseline server: a minimal Starlette + asyncpg app doing the least the same answer needs."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

EMPLOYEE_COLUMNS = "id, nip, name, employment_type, position_kind, position_title, version"


def _cursor(employee_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"employee:{employee_id}".encode()).decode()


def baseline_app(url: str) -> Starlette:
    """POST /insert: one INSERT per request; GET /employees?after=: a page of 50 as JSON."""
    pools: list[asyncpg.Pool] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(url, min_size=2, max_size=20)
        assert pool is not None
        async with pool.acquire() as conn:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS baseline_inserts (id uuid PRIMARY KEY, body jsonb)"
            )
        pools.append(pool)
        yield
        await pool.close()

    async def insert(request: Request) -> Response:
        body = await request.body()
        await pools[0].execute(
            "INSERT INTO baseline_inserts VALUES ($1, $2::jsonb)", uuid4(), body.decode()
        )
        return Response(b'{"ok":true}', media_type="application/json")

    async def employees(request: Request) -> Response:
        raw = request.query_params.get("after")
        rows = await pools[0].fetch(
            f"SELECT {EMPLOYEE_COLUMNS} FROM directory_employees"
            " WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT 50",
            UUID(raw) if raw else None,
        )
        edges = [
            {"cursor": _cursor(r["id"]), "node": {**dict(r), "id": str(r["id"])}} for r in rows
        ]
        return Response(json.dumps({"edges": edges}).encode(), media_type="application/json")

    return Starlette(
        routes=[
            Route("/insert", insert, methods=["POST"]),
            Route("/employees", employees),
        ],
        lifespan=lifespan,
    )
