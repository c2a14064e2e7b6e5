"""The `kinerja keys` commands: the key-encryption key that wraps every subject key."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from service.db.server import create_pool, open_database
from service.log.kek import KekError, open_kek_ring, rotate_kek
from service.settings import Settings

keys_app = typer.Typer(help="Manage the key-encryption key (KEK).", no_args_is_help=True)
console = Console(stderr=True)


async def rotate(settings: Settings) -> tuple[str, str, int]:
    """Re-wrap every subject key under a new KEK, as the owner role; the old KEK file is gone."""
    keks = open_kek_ring(settings)
    async with open_database(settings, owner=True) as url:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                return await rotate_kek(conn, keks.path)
        finally:
            await pool.close()


@keys_app.command("rotate-kek")
def rotate_kek_command() -> None:
    """Wrap every subject key under a new KEK written to KINERJA_KEK_FILE (owner role)."""
    try:
        old, new, count = asyncio.run(rotate(Settings.from_env()))
    except KekError as error:
        console.print(str(error), soft_wrap=True, markup=False, highlight=False)
        raise typer.Exit(1) from None
    console.print(f"re-wrapped {count} subject key(s): KEK {old} -> {new}")
