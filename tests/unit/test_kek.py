"""The KEK file: created with mode 0600 in development, required in production, never guessed."""

from __future__ import annotations

import stat
from pathlib import Path
from uuid import uuid4

import pytest

from service.log.kek import Kek, KekError, KekRing, open_kek_ring, read_kek
from service.settings import Settings


def _settings(tmp_path: Path, **env: str) -> Settings:
    base = {"KINERJA_DATA_DIR": str(tmp_path), "KINERJA_ID_SECRET": "i" * 32}
    return Settings.from_env(base | env)


def test_development_creates_the_kek_file_readable_only_by_its_owner(tmp_path: Path) -> None:
    ring = open_kek_ring(_settings(tmp_path))
    path = tmp_path / "kek"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert open_kek_ring(_settings(tmp_path)).current == ring.current  # kept across restarts


def test_production_requires_an_existing_kek_file(tmp_path: Path) -> None:
    production = {"KINERJA_ENV": "production", "KINERJA_JWT_SECRET": "s" * 32}
    with pytest.raises(KekError, match=r"^KINERJA_KEK_FILE is required in production"):
        open_kek_ring(_settings(tmp_path, **production))
    missing = tmp_path / "absent"
    with pytest.raises(KekError, match="does not exist"):
        open_kek_ring(_settings(tmp_path, KINERJA_KEK_FILE=str(missing), **production))
    assert not missing.exists()


def test_a_wrapped_key_opens_only_with_its_kek_and_for_its_subject(tmp_path: Path) -> None:
    kek, other = Kek.generate(), Kek.generate()
    subject, key = uuid4(), b"k" * 32
    wrapped = kek.wrap(subject, key)
    assert key not in wrapped and kek.unwrap(subject, wrapped) == key
    with pytest.raises(KekError):
        other.unwrap(subject, wrapped)
    with pytest.raises(KekError):
        kek.unwrap(uuid4(), wrapped)  # bound to its subject: a row cannot be moved


def test_a_kek_file_must_hold_32_bytes(tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_text("c2hvcnQ=\n")
    with pytest.raises(KekError, match="must hold 32 bytes"):
        read_kek(short)
    raw = tmp_path / "raw"
    raw.write_bytes(b"r" * 32)
    assert KekRing(raw).current.key == b"r" * 32
