"""A TCP proxy in front of PostgreSQL that counts the round trips each client connection makes.

A round trip is one request the client must wait on: a simple-protocol Query ('Q') or the Sync
('S') that ends each extended-protocol exchange (Parse/Bind/Execute... Sync). An exchange that
only prepares a statement (Parse, no Execute) is counted apart: a connection prepares each
statement once and reuses it. The proxy reads the frontend protocol as it forwards it; it
answers a client's SSLRequest with 'N' itself, so the bytes it reads are plain, and it notes
each connection's `application_name`.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104


@dataclass
class RoundTrips:
    """Round trips so far, by the application name each connection gave."""

    by_application: Counter[str] = field(default_factory=Counter)
    prepares: Counter[str] = field(default_factory=Counter)

    def total(self, *, excluding: str | None = None) -> int:
        return sum(n for app, n in self.by_application.items() if app != excluding)

    def reset(self) -> None:
        self.by_application.clear()
        self.prepares.clear()


class CountingProxy:
    """Forwards 127.0.0.1:<port> to the server of `url`, counting round trips."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        # The embedded server is reached by its socket folder, named in the query (`host=/...`).
        query = parse_qs(parts.query)
        socket_dir = next((h for h in query.pop("host", []) if h.startswith("/")), None)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 5432)
        self._socket = f"{socket_dir}/.s.PGSQL.{parts.port or 5432}" if socket_dir else None
        self._url = parts._replace(query=urlencode(query, doseq=True))
        self.trips = RoundTrips()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        """The same database, reached through the proxy (plain TCP: the proxy refuses SSL)."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        login = self._url.netloc.rpartition("@")[0]
        netloc = f"{login}@127.0.0.1:{port}" if login else f"127.0.0.1:{port}"
        query = "&".join(q for q in (self._url.query, "sslmode=disable") if q)
        return urlunsplit((self._url.scheme, netloc, self._url.path, query, ""))

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _serve(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        try:
            startup = await self._startup(client, to_client)
            if self._socket is not None:
                server, to_server = await asyncio.open_unix_connection(self._socket)
            else:
                server, to_server = await asyncio.open_connection(*self._target)
        except (ConnectionError, asyncio.IncompleteReadError):
            to_client.close()
            return
        to_server.write(startup)
        application = _application_name(startup)
        upstream = asyncio.create_task(self._frontend(client, to_server, application))
        downstream = asyncio.create_task(_pipe(server, to_client))
        await asyncio.wait([upstream, downstream], return_when=asyncio.FIRST_COMPLETED)
        for task in (upstream, downstream):
            task.cancel()
        for writer in (to_client, to_server):
            writer.close()

    async def _startup(
        self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter
    ) -> bytes:
        while True:
            head = await client.readexactly(8)
            length, code = struct.unpack("!ii", head)
            if code in (_SSL_REQUEST, _GSSENC_REQUEST):
                to_client.write(b"N")
                await to_client.drain()
                continue
            return head + await client.readexactly(length - 8)

    async def _frontend(
        self, client: asyncio.StreamReader, to_server: asyncio.StreamWriter, application: str
    ) -> None:
        since_sync: set[bytes] = set()
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                kind = await client.readexactly(1)
                (length,) = struct.unpack("!i", await client.readexactly(4))
                body = await client.readexactly(length - 4)
                since_sync.add(kind)
                if kind == b"Q" or (kind == b"S" and b"E" in since_sync):
                    self.trips.by_application[application] += 1
                elif kind == b"S":
                    self.trips.prepares[application] += 1
                if kind in (b"Q", b"S"):
                    since_sync.clear()
                to_server.write(kind + struct.pack("!i", length) + body)
                await to_server.drain()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()


def _application_name(startup: bytes) -> str:
    fields = startup[8:].split(b"\0")
    pairs = dict(zip(fields[0::2], fields[1::2], strict=False))
    return pairs.get(b"application_name", b"").decode()


@contextlib.asynccontextmanager
async def counting_proxy(url: str) -> AsyncIterator[CountingProxy]:
    proxy = CountingProxy(url)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
