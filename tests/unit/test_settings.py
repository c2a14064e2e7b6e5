"""Settings: empty variables are unset (never an empty signing key); secrets are kept once."""

from __future__ import annotations

from pathlib import Path

from service.settings import Settings


def test_an_empty_jwt_secret_is_not_a_key(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"KINERJA_DATA_DIR": str(tmp_path), "KINERJA_ENV": "production", "KINERJA_JWT_SECRET": ""}
    )
    assert settings.jwt_secret is None
    assert settings.jwks_url is None


def test_generated_secrets_are_kept_and_shared(tmp_path: Path) -> None:
    first = Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path)})
    assert first.id_secret == second.id_secret and len(first.id_secret) > 40
    assert first.jwt_secret == second.jwt_secret
    assert (tmp_path / "id-secret").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["id-secret", "jwt-secret"]
