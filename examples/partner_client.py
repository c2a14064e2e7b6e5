"""A partner application talking to kinerja with an off-the-shelf GraphQL client (`gql`).

It pages through employees (keyset cursors) and subscribes to award decisions over
graphql-transport-ws. Run against a local service:

    .venv/bin/kinerja token --sub partner-app --role PARTNER --scope events > token.txt
    .venv/bin/python -m examples.partner_client http://127.0.0.1:8000 "$(cat token.txt)"
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from typing import Any

from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

EMPLOYEES = gql(
    """
    query Employees($after: String) {
      employees(first: 50, after: $after) {
        edges { node { id positionKind currentPredicate unit { code name } } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
)

AWARD_EVENTS = gql(
    """
    subscription Awards($types: [String!], $from: Int) {
      events(types: $types, fromPosition: $from) {
        position type recordedAt payload
      }
    }
    """
)


async def all_employees(base_url: str, token: str) -> list[dict[str, Any]]:
    """Every employee the partner may see, page by page."""
    transport = HTTPXAsyncTransport(
        url=f"{base_url}/graphql", headers={"Authorization": f"Bearer {token}"}
    )
    found: list[dict[str, Any]] = []
    async with Client(transport=transport) as session:
        after = None
        while True:
            page = await session.execute(
                GraphQLRequest(EMPLOYEES, variable_values={"after": after})
            )
            connection = page["employees"]
            found.extend(edge["node"] for edge in connection["edges"])
            if not connection["pageInfo"]["hasNextPage"]:
                return found
            after = connection["pageInfo"]["endCursor"]


async def award_events(
    base_url: str,
    token: str,
    from_position: int = 0,
    types: tuple[str, ...] = ("AwardDecided", "AwardRevoked"),
) -> AsyncIterator[dict[str, Any]]:
    """Award decisions from a log position on, then live as they are made."""
    url = base_url.replace("http", "ws", 1) + "/graphql"
    transport = WebsocketsTransport(
        url=url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"Authorization": f"Bearer {token}"},
    )
    async with Client(transport=transport) as session:
        request = GraphQLRequest(
            AWARD_EVENTS, variable_values={"types": list(types), "from": from_position}
        )
        async for result in session.subscribe(request):
            yield result["events"]


async def main(base_url: str, token: str) -> None:
    employees = await all_employees(base_url, token)
    print(f"{len(employees)} employees visible to this partner")
    async for event in award_events(base_url, token):
        print(f"award event at position {event['position']}: {event['payload']}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
