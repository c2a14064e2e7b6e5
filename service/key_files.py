"""Secret files kept outside the database: created once, atomically, never readable by others."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def write_secret(path: Path, data: bytes) -> bool:
    """Publish `data` at `path` with mode 0600 unless a file is already there; return whether
    this call wrote it. Processes starting together all end up with the first one written."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    # O_EXCL with mode 0600: the secret is never readable by others, not even for a moment.
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)  # atomic, and refuses to replace an existing file
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            draft.unlink()


def read_or_create_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The secret in `path`, created from `make()` first if the file does not exist."""
    if not path.exists():
        write_secret(path, make())
    return path.read_bytes().strip()
