"""Wrapped keys: a copy of the database opens nothing without the KEK, and a KEK rotation keeps
every sealed field readable while the old KEK stops opening anything."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.log.kek import Kek, KekError, KekRing, read_kek
from service.log.keyring import SEALED, KeyRing
from service.services import Services, build_services
from service.settings import Settings
from tests.conftest import Tokens
from tests.graphql import gql
from tests.hostile.privilege_support import cli_env, kinerja, service_url
from tests.owner import owner_connection

HR = "196001011990011001"
PEOPLE = {"198503152010011002": "Sri Wahyuni", "199001012015011003": "Budi Santoso"}
REGISTER = """
mutation($nip: String!, $name: String!) {
  registerEmployee(input: {nip: $nip, name: $name, employmentType: PNS, unitCode: "DINKES",
      positionKind: PELAKSANA, positionTitle: "Perawat"}) { __typename }
}"""


async def _city(client: httpx.AsyncClient, tokens: Tokens, people: dict[str, str]) -> None:
    hr = tokens.header(HR, "HR")
    await gql(
        client,
        'mutation { registerUnit(input: {code: "DINKES", name: "D"}) { __typename } }',
        headers=hr,
    )
    for nip, name in people.items():
        body = await gql(client, REGISTER, {"nip": nip, "name": name}, hr)
        assert body["data"]["registerEmployee"]["__typename"] == "RegisterEmployeeSuccess"


def _sealed_fields(payloads: list[bytes]) -> list[tuple[str, dict[str, str]]]:
    found = []
    for payload in payloads:
        for field, value in json.loads(payload).items():
            if isinstance(value, dict) and SEALED in value and value.get("c"):
                found.append((field, value))
    return found


def _opens(key: bytes, field: str, sealed: dict[str, str]) -> bool:
    raw = base64.b64decode(sealed["c"])
    try:
        AESGCM(key).decrypt(raw[:12], raw[12:], f"{sealed[SEALED]}:{field}".encode())
    except (InvalidTag, ValueError):
        return False
    return True


async def _opened_names(services: Services, keks: KekRing) -> set[str]:
    """Every sealed name in the log, opened by a fresh key ring (no cache) with these KEKs."""
    ring = KeyRing(services.pool, keks)
    rows = await services.pool.fetch(
        "SELECT payload FROM events WHERE event_type = 'EmployeeRegistered'"
    )
    await ring.prefetch([bytes(r["payload"]) for r in rows])
    return {ring.open_state(json.loads(r["payload"]))["name"] for r in rows}


async def test_a_copy_of_subject_keys_opens_nothing_without_the_kek(
    services: Services, client: httpx.AsyncClient, tokens: Tokens, database_url: str
) -> None:
    await _city(client, tokens, PEOPLE)
    async with owner_connection(database_url) as owner:  # a full backup, as the owner sees it
        rows = await owner.fetch("SELECT subject_id, key, kek_id FROM subject_keys")
        dump = "\n".join(
            r["t"] for r in await owner.fetch("SELECT t::text AS t FROM subject_keys t")
        )
        payloads = [bytes(r["payload"]) for r in await owner.fetch("SELECT payload FROM events")]
    copied = [bytes(r["key"]) for r in rows]
    sealed = _sealed_fields(payloads)
    assert len(copied) >= 3 and len(sealed) >= 4
    # Every 32-byte window of every stored key is tried as the data key: none opens a field.
    for stored in copied:
        for start in range(len(stored) - 31):
            assert not any(_opens(stored[start : start + 32], f, s) for f, s in sealed)
    # With the KEK the keys unwrap and open every field; the data keys appear nowhere stored.
    assert services.settings.kek_file is not None
    keks = KekRing(services.settings.kek_file)
    keys = {
        str(r["subject_id"]): keks.require(r["kek_id"]).unwrap(r["subject_id"], r["key"])
        for r in rows
    }
    assert all(_opens(keys[s[SEALED]], f, s) for f, s in sealed)
    for key in keys.values():
        assert key.hex() not in dump and key not in b"".join(copied)
    # Another KEK opens nothing.
    other = services.settings.data_dir / "other-kek"
    other.write_bytes(Kek.generate().encoded())
    with pytest.raises(KekError):
        await _opened_names(services, KekRing(other))


async def test_rotating_the_kek_rewraps_every_key_and_retires_the_old_one(
    services: Services,
    client: httpx.AsyncClient,
    tokens: Tokens,
    database_url: str,
    settings: Settings,
) -> None:
    await _city(client, tokens, PEOPLE)
    assert settings.kek_file is not None
    old = read_kek(settings.kek_file)
    kept = settings.data_dir / "old-kek"
    kept.write_bytes(old.encoded())  # an attacker's copy of the old KEK

    result = await kinerja(["keys", "rotate-kek"], cli_env(settings, database_url, owner=True))
    assert result.exit_code == 0, result.output
    new = read_kek(settings.kek_file)
    assert new.id != old.id and f"KEK {old.id} -> {new.id}" in result.output
    assert f"re-wrapped {len(PEOPLE) + 1} subject key(s)" in result.output
    async with owner_connection(database_url) as owner:
        ids = {r["kek_id"] for r in await owner.fetch("SELECT kek_id FROM subject_keys")}
    assert ids == {new.id}

    assert await _opened_names(services, KekRing(settings.kek_file)) == set(PEOPLE.values())
    with pytest.raises(KekError):
        await _opened_names(services, KekRing(kept))
    # The running service (still holding the old KEK) follows the rotation: new keys, old reads.
    more = {"199505052020012004": "Dewi Lestari"}
    await _city(client, tokens, more)
    names = await gql(
        client, "{ employees { edges { node { name } } } }", headers=tokens.header(HR, "HR")
    )
    listed = {e["node"]["name"] for e in names["data"]["employees"]["edges"]}
    assert listed == set(PEOPLE.values()) | set(more.values())
    assert await _opened_names(services, KekRing(settings.kek_file)) == listed


async def test_serve_refuses_a_kek_that_is_not_the_databases(
    services: Services,
    client: httpx.AsyncClient,
    tokens: Tokens,
    database_url: str,
    settings: Settings,
) -> None:
    await _city(client, tokens, PEOPLE)
    assert settings.kek_file is not None
    in_use = read_kek(settings.kek_file).id
    wrong = settings.data_dir / "wrong-kek"
    wrong.write_bytes(Kek.generate().encoded())
    elsewhere = settings.model_copy(update={"kek_file": wrong})
    with pytest.raises(KekError, match=f"wrapped under KEK {in_use}, but KINERJA_KEK_FILE"):
        await build_services(elsewhere, service_url(database_url), run_projector=False)
