"""Signed checkpoints published outside the database they vouch for.

Each checkpoint is appended (never rewritten) as one JSON line to a file per month in
`KINERJA_CHECKPOINT_DIR`. Deleting the newest events together with the newest checkpoint rows
then no longer hides: `kinerja audit verify` finds a log shorter than, or different from, a
checkpoint published here. Copy the folder somewhere the database's administrators cannot
write (a witness, object storage with retention) to make that promise hold against them too.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from service.audit.checkpoint import SignedCheckpoint
from service.db.startup import StartupRefused


@dataclass(frozen=True)
class Published:
    """A published checkpoint note and where it was found (file and line)."""

    note: str | None
    source: str
    error: str | None = None


class CheckpointPublisher:
    """Appends each signed checkpoint to the month's file in the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def check(self) -> None:
        """Refuse to start when the folder cannot be written (checked once, at start)."""
        try:
            self.folder.mkdir(mode=0o755, parents=True, exist_ok=True)
        except OSError as error:
            problem = f"KINERJA_CHECKPOINT_DIR {self.folder}: {error.strerror}"
            raise StartupRefused(problem) from None
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise StartupRefused(f"KINERJA_CHECKPOINT_DIR {self.folder} is not writable")

    def publish(self, signed: SignedCheckpoint, now: datetime | None = None) -> Path:
        """Append the note (one write, fsynced); raises OSError when the folder is unwritable."""
        self.folder.mkdir(mode=0o755, parents=True, exist_ok=True)
        path = self.folder / f"{(now or datetime.now(UTC)):%Y-%m}.jsonl"
        line = json.dumps({"size": signed.checkpoint.size, "note": signed.note()}) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return path


def read_published(folder: Path) -> list[Published]:
    """Every checkpoint published in the folder, oldest file first (none if it does not exist)."""
    if not folder.is_dir():
        return []
    found: list[Published] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            source = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                note = json.loads(line)["note"]
            except (ValueError, KeyError, TypeError):
                found.append(Published(None, source, "is not a published checkpoint line"))
                continue
            found.append(Published(str(note), source))
    return found
