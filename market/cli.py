"""The `market` command: serve, scheduler, migrate, seed-demo, create-admin and ledger verify."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from market import __version__, migrate
from market.clock import SystemClock
from market.database import Database
from market.errors import MarketError
from market.settings import Settings, SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(os.environ, demo=getattr(args, "demo", False), require_secret=args.command == "serve")
    except SettingsError as error:
        print(f"market: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return COMMANDS[args.command](settings, args)
    except MarketError as error:
        field = f" ({error.field})" if error.field else ""
        print(f"market: {error.message}{field}", file=sys.stderr)
        return 1
    except (DBAPIError, OSError) as error:
        # An unreachable, missing or forbidden database, or a data folder that cannot be made.
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(f"market: database {settings.database_kind} unusable: {reason}", file=sys.stderr)
        return 1


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from market.app import create_app

    if settings.secret_key_generated:
        _say("demo mode: generated a temporary secret key; set MARKET_SECRET_KEY to keep logins across restarts")
    _migrate(settings)
    if args.demo:
        _seed_demo(settings)
    host, port = args.host or settings.host, args.port or settings.port
    _say(f"serving on http://{host}:{port} (pages for people at /, API document at /schema/openapi.json)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())
    return 0


def migrate_command(settings: Settings, _: argparse.Namespace) -> int:
    _migrate(settings)
    return 0


def seed_demo_command(settings: Settings, _: argparse.Namespace) -> int:
    _migrate(settings)
    _seed_demo(settings)
    return 0


def create_admin_command(settings: Settings, args: argparse.Namespace) -> int:
    from market.accounts.admins import create_admin

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else _ask_password()
    _migrate(settings)

    async def run() -> None:
        database = Database(settings.database_url)
        try:
            async with database.transaction() as session:
                await create_admin(session, username=args.username, display_name=args.name or args.username,
                                   password=password, city_name=args.city, now=SystemClock().now())
        finally:
            await database.dispose()

    asyncio.run(run())
    _say(f"admin {args.username} created")
    return 0


def _migrate(settings: Settings) -> None:
    migrate.upgrade(settings.database_url)
    _say(f"{settings.database_kind} database at revision {migrate.current_revision(settings.database_url)}")


def _seed_demo(settings: Settings) -> None:
    from market.demo.seed import DEMO_PASSWORD, demo_is_seeded, seed_demo

    async def run() -> tuple[bool, list]:
        database = Database(settings.database_url)
        try:
            async with database.transaction() as session:
                seeded_before = await demo_is_seeded(session)
                return seeded_before, await seed_demo(session, SystemClock().now())
        finally:
            await database.dispose()

    seeded_before, logins = asyncio.run(run())
    _say("demo data already present; nothing added" if seeded_before else "demo data seeded")
    _say(f"demo logins (password {DEMO_PASSWORD}):")
    for login in logins:
        print(f"    {login.role:<8} {login.login:<20} {login.note}", flush=True)


def _ask_password() -> str:
    if not sys.stdin.isatty():
        raise MarketError("没有终端可输入密码，请使用 --password-stdin 从标准输入提供密码", field="password")
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        raise SystemExit("market: the two passwords differ")
    return password


def _say(message: str) -> None:
    print(f"market: {message}", flush=True)


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {port}")
    return port


def scheduler_command(settings: Settings, _: argparse.Namespace) -> int:
    """The scheduler alone, for deployments whose web workers run with MARKET_SCHEDULER=off."""
    from market.scheduler.process import run_until_stopped

    _migrate(settings)
    _say("scheduler running; it is active while it holds the lease (Ctrl-C stops it)")
    asyncio.run(run_until_stopped(settings))
    return 0


def ledger_command(settings: Settings, args: argparse.Namespace) -> int:
    """`market ledger verify`: exit 0 when every chain and balance holds, else 1 with a line per problem."""
    from market.points.verify import verify_ledger

    async def run() -> tuple[int, list[str]]:
        database = Database(settings.database_url)
        try:
            async with database.transaction(write=False) as session:
                return await verify_ledger(session)
        finally:
            await database.dispose()

    checked, problems = asyncio.run(run())
    for problem in problems:
        print(problem, flush=True)
    _say(f"ledger: {checked} entries checked, {len(problems)} problems")
    return 1 if problems else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="market", description="社区点单 Community Market")
    parser.add_argument("--version", action="version", version=f"market {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="migrate to head, then serve HTTP")
    serve_parser.add_argument("--host", help="overrides MARKET_HOST")
    serve_parser.add_argument("--port", type=_port, help="overrides MARKET_PORT")
    serve_parser.add_argument("--demo", action="store_true", help="seed the demo district on first start")
    commands.add_parser("scheduler", help="run the scheduler alone (deadlines, escalation, visits)")
    commands.add_parser("migrate", help="upgrade the database to the newest revision")
    commands.add_parser("seed-demo", help="seed the demo district (does nothing if it is there)")
    admin_parser = commands.add_parser("create-admin", help="create an administrator account")
    admin_parser.add_argument("--username", required=True)
    admin_parser.add_argument("--name", help="display name (default: the user name)")
    admin_parser.add_argument("--city", default="本市", help="name of the root area if none exists yet")
    admin_parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    ledger_parser = commands.add_parser("ledger", help="points ledger tools")
    ledger_parser.add_argument("action", choices=["verify"], help="verify: recheck every hash chain and balance")
    return parser


COMMANDS = {
    "serve": serve,
    "scheduler": scheduler_command,
    "migrate": migrate_command,
    "seed-demo": seed_demo_command,
    "create-admin": create_admin_command,
    "ledger": ledger_command,
}

if __name__ == "__main__":
    sys.exit(main())
