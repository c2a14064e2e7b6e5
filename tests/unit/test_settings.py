"""Settings: empty variables are unset (never an empty signing key); secrets are kept once."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import Settings, SettingsError


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


@pytest.mark.parametrize(
    ("spelling", "value"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
    ],
)
def test_booleans_accept_the_usual_spellings(tmp_path: Path, spelling: str, value: bool) -> None:
    settings = Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path), "KINERJA_GRAPHIQL": spelling})
    assert settings.graphiql is value


def test_worker_mode_and_production_defaults(tmp_path: Path) -> None:
    worker = Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path), "KINERJA_PROJECTOR": "worker"})
    assert worker.run_projector is False and worker.graphiql is True
    production = Settings.from_env(
        {
            "KINERJA_DATA_DIR": str(tmp_path),
            "KINERJA_ENV": "production",
            "KINERJA_ID_SECRET": "i" * 32,
        }
    )
    assert production.graphiql is False and production.jwt_secret is None


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("KINERJA_PORT", "0", "a port number 1-65535"),
        ("KINERJA_RATE_BURST", "many", "a whole number"),
        ("KINERJA_CHECKPOINT_SECONDS", "-5", "greater than 0"),
        ("KINERJA_ROLE_MAP", "kinerja-hr", "comma-separated name=ROLE pairs"),
        ("KINERJA_ROLE_MAP", "kinerja-hr=KING", "ROLE one of HR"),
        ("KINERJA_JWKS_FILE", "/no/such/jwks.json", "the path of an existing file"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str, accepted: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"KINERJA_DATA_DIR": str(tmp_path), variable: value})
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{variable}={value} is not accepted") and accepted in message


def test_a_refused_secret_is_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(
            {
                "KINERJA_DATA_DIR": str(tmp_path),
                "KINERJA_ENV": "production",
                "KINERJA_ID_SECRET": "short-but-secret",
            }
        )
    assert "KINERJA_ID_SECRET" in str(refused.value) and "short-but-secret" not in str(
        refused.value
    )
