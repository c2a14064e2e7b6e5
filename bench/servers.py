"""Every server of a comparison in its own process: ours, the raw endpoint, plain Strawberry and
PostGraphile 4 (installed from npm under bench/.peers on first use, never a runtime dependency)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.common import ENV, _cpu_of, free_port

PEERS_DIR = Path(__file__).parent / ".peers"
POSTGRAPHILE = "postgraphile@4.14.1"
POSTGRAPHILE_CLI = PEERS_DIR / "node_modules" / "postgraphile" / "cli.js"
Probe = Callable[[str], bool]


def _get_ok(path: str) -> Probe:
    def probe(base: str) -> bool:
        with urllib.request.urlopen(base + path, timeout=2) as answer:
            return bool(answer.status == 200)

    return probe


def _graphql_ok(base: str) -> bool:
    body = json.dumps({"query": "{ __typename }"}).encode()
    request = urllib.request.Request(base + "/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=2) as answer:
        return bool(answer.status == 200)


class Server:
    """A server process on a free loopback port; its CPU and memory are read from /proc."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int) -> None:
        self.name = name
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs
        self.process = subprocess.Popen(command, env=env, stdout=self._log, stderr=self._log)

    def wait_ready(self, probe: Probe, seconds: float = 90) -> None:
        """Poll until the probe answers, or raise with the server's log."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if probe(self.base):
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        self._log.seek(0)
        raise RuntimeError(f"{self.name} did not start:\n{self._log.read().decode()[-3000:]}")

    def cpu_seconds(self) -> float:
        """User + system CPU the process has used."""
        return _cpu_of(str(self.process.pid))

    def rss_mb(self, field: str = "VmRSS") -> float:
        """Resident memory now (VmRSS) or its peak (VmHWM), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        raise KeyError(field)

    def stop(self) -> None:
        """SIGTERM, then wait."""
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self._log.close()


def ours(url: str, data_dir: Path) -> Server:
    """`kinerja serve` with the projector in its process."""
    port = free_port()
    env = {**os.environ, **ENV, "DATABASE_URL": url, "KINERJA_DATA_DIR": str(data_dir)}
    kinerja = str(Path(sys.executable).parent / "kinerja")
    server = Server("kinerja", [kinerja, "serve", "--port", str(port)], env, port)
    server.wait_ready(_get_ok("/readyz"))
    return server


def peer(kind: str, url: str) -> Server:
    """`raw` (Starlette + asyncpg) or `strawberry` (plain Strawberry) from bench.peer_apps."""
    port = free_port()
    command = [sys.executable, "-m", "bench.peer_apps", kind, url, str(port)]
    server = Server(kind, command, dict(os.environ), port)
    server.wait_ready(_get_ok("/employees") if kind == "raw" else _graphql_ok)
    return server


def ensure_postgraphile() -> Path:
    """PostGraphile's CLI, installed under bench/.peers on first use."""
    if not POSTGRAPHILE_CLI.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("PostGraphile needs Node.js and npm (Debian: apt-get install npm)")
        PEERS_DIR.mkdir(exist_ok=True)
        install = ["install", "--no-audit", "--no-fund", "--silent", "--prefix", str(PEERS_DIR)]
        subprocess.run([npm, *install, POSTGRAPHILE], check=True)
    return POSTGRAPHILE_CLI


def postgraphile(url: str) -> Server:
    """PostGraphile 4 over the public schema (the read tables), queries only."""
    cli = ensure_postgraphile()
    node = shutil.which("node") or "node"
    port = free_port()
    command = [node, str(cli), "-c", url, "-s", "public", "-n", "127.0.0.1", "-p", str(port)]
    command += ["--disable-graphiql", "--disable-query-log", "-M"]
    env = {**os.environ, "NODE_ENV": "production"}
    server = Server("postgraphile", command, env, port)
    server.wait_ready(_graphql_ok)
    return server
