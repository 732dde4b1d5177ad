"""The service's settings: one frozen Struct built from MARKET_* environment variables."""

from __future__ import annotations

import ipaddress
import secrets
import zoneinfo
from collections.abc import Mapping
from pathlib import Path

import msgspec
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The async driver each database kind is served with; a bare dialect name is given its driver.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
ON_WORDS = {"on": True, "true": True, "1": True, "yes": True, "off": False, "false": False, "0": False, "no": False}
MIN_SECRET_LENGTH = 32


class SettingsError(Exception):
    """A MARKET_* variable holds a value the service cannot run with."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    data_dir: str = "var"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str
    secret_key_generated: bool = False
    timezone: str = "Asia/Shanghai"
    scheduler: bool = True
    # How often each sweeper looks for due rows, and how long a scheduler's lease lasts unrenewed.
    sweep_seconds: int = 30
    lease_seconds: int = 30
    # A completed order the resident neither confirms nor disputes closes after this many days.
    auto_close_days: int = 7
    # An accepted order with no progress for this many days turns yellow.
    stall_days: int = 3
    # How long each level (社区, 街道, 区) has to settle a red order before it goes up to the next.
    escalation_hours: tuple[int, int, int] = (24, 48, 72)
    # Minutes between the scheduler's dispatch rounds for each community; 0 leaves dispatching to people.
    round_minutes: int = 30
    # 吹哨报到: minutes a summoned department has to acknowledge.
    summons_ack_minutes: int = 30
    log_level: str = "INFO"
    # Peers whose X-Forwarded-For is believed; from anyone else it is ignored (it is trivially spoofed).
    trusted_proxies: tuple[str, ...] = ()
    wish_budget_cap_yuan: int = 300
    # "process": residents' posts are written by a child process (SQLite's default, see orders/intake.py);
    # "thread": by a thread of the web process (PostgreSQL's default, and the tests').
    intake_writer: str = "thread"
    # Pages' cookies only over HTTPS: set behind a TLS proxy (MARKET_COOKIE_SECURE=on).
    cookie_secure: bool = False
    demo: bool = False

    @property
    def database_kind(self) -> str:
        """`sqlite` or `postgresql`."""
        return make_url(self.database_url).get_backend_name()

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def load_settings(environ: Mapping[str, str], *, demo: bool = False, require_secret: bool = True) -> Settings:
    """Read and check every MARKET_* variable; raise SettingsError naming the first bad one.

    The secret key is generated when missing in demo mode, or for commands that sign nothing.
    """
    data_dir = environ.get("MARKET_DATA_DIR", "var").strip() or "var"
    default_url = f"sqlite+aiosqlite:///{Path(data_dir) / 'market.db'}"
    database_url = _database_url(environ.get("MARKET_DATABASE_URL", default_url))
    secret_key = _secret_key(environ.get("MARKET_SECRET_KEY"), required=require_secret and not demo)
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        host=_host(environ.get("MARKET_HOST", "127.0.0.1")),
        port=_port(environ.get("MARKET_PORT", "8000")),
        secret_key=secret_key or secrets.token_urlsafe(48),
        secret_key_generated=secret_key is None,
        timezone=_timezone(environ.get("MARKET_TIMEZONE", "Asia/Shanghai")),
        scheduler=_switch("MARKET_SCHEDULER", environ.get("MARKET_SCHEDULER", "on")),
        sweep_seconds=_whole("MARKET_SWEEP_SECONDS", environ.get("MARKET_SWEEP_SECONDS", "30"), 1, 3600),
        lease_seconds=_whole("MARKET_LEASE_SECONDS", environ.get("MARKET_LEASE_SECONDS", "30"), 3, 3600),
        auto_close_days=_whole("MARKET_AUTO_CLOSE_DAYS", environ.get("MARKET_AUTO_CLOSE_DAYS", "7"), 1, 90),
        stall_days=_whole("MARKET_STALL_DAYS", environ.get("MARKET_STALL_DAYS", "3"), 1, 60),
        round_minutes=_whole("MARKET_ROUND_MINUTES", environ.get("MARKET_ROUND_MINUTES", "30"), 0, 24 * 60),
        summons_ack_minutes=_whole("MARKET_SUMMONS_ACK_MINUTES", environ.get("MARKET_SUMMONS_ACK_MINUTES", "30"), 1,
                                   24 * 60),
        escalation_hours=_escalation_hours(environ.get("MARKET_ESCALATION_HOURS", "24,48,72")),
        log_level=_log_level(environ.get("MARKET_LOG_LEVEL", "INFO")),
        wish_budget_cap_yuan=_whole("MARKET_WISH_BUDGET_CAP", environ.get("MARKET_WISH_BUDGET_CAP", "300"), 0, 100_000),
        intake_writer=_intake_writer(environ.get("MARKET_INTAKE_WRITER", ""), database_url),
        trusted_proxies=_addresses("MARKET_TRUSTED_PROXIES", environ.get("MARKET_TRUSTED_PROXIES", "")),
        cookie_secure=_switch("MARKET_COOKIE_SECURE", environ.get("MARKET_COOKIE_SECURE", "off")),
        demo=demo,
    )


def _database_url(raw: str) -> str:
    try:
        url: URL = make_url(raw.strip())
    except ArgumentError:
        raise SettingsError("MARKET_DATABASE_URL", f"not a database URL: {raw!r}") from None
    backend = url.get_backend_name()
    if backend not in ASYNC_DRIVERS:
        raise SettingsError("MARKET_DATABASE_URL", f"unsupported database {backend!r}; use sqlite or postgresql")
    if backend == "sqlite" and not url.database:
        raise SettingsError("MARKET_DATABASE_URL", "SQLite needs a file path, e.g. sqlite:///var/market.db")
    if url.drivername == backend:
        url = url.set(drivername=ASYNC_DRIVERS[backend])
    elif url.drivername != ASYNC_DRIVERS[backend]:
        raise SettingsError("MARKET_DATABASE_URL", f"unsupported driver {url.drivername!r}; use {ASYNC_DRIVERS[backend]}")
    return url.render_as_string(hide_password=False)


def _escalation_hours(raw: str) -> tuple[int, int, int]:
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) != 3:
        raise SettingsError("MARKET_ESCALATION_HOURS",
                            f"three whole numbers of hours (社区,街道,区) expected, got {raw!r}")
    community, street, district = (_whole("MARKET_ESCALATION_HOURS", part, 1, 24 * 90) for part in parts)
    return community, street, district


def _host(raw: str) -> str:
    host = raw.strip()
    if not host or any(c.isspace() for c in host):
        raise SettingsError("MARKET_HOST", f"not a host name or address: {raw!r}")
    return host


def _port(raw: str) -> int:
    return _whole("MARKET_PORT", raw, 1, 65535)


def _whole(variable: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(variable, f"not a whole number: {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(variable, f"must be between {low} and {high}, got {value}")
    return value


def _secret_key(raw: str | None, *, required: bool) -> str | None:
    if raw is None or not raw.strip():
        if not required:
            return None
        raise SettingsError("MARKET_SECRET_KEY", "required (at least 32 characters); `market serve --demo` generates one")
    if len(raw.strip()) < MIN_SECRET_LENGTH:
        raise SettingsError("MARKET_SECRET_KEY", f"too short: at least {MIN_SECRET_LENGTH} characters")
    return raw.strip()


def _timezone(raw: str) -> str:
    try:
        zoneinfo.ZoneInfo(raw.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError("MARKET_TIMEZONE", f"unknown time zone: {raw!r}") from None
    return raw.strip()


def _switch(variable: str, raw: str) -> bool:
    value = ON_WORDS.get(raw.strip().lower())
    if value is None:
        raise SettingsError(variable, f"expected on or off, got {raw!r}")
    return value


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError("MARKET_LOG_LEVEL", f"unknown log level {raw!r}; use one of {', '.join(LOG_LEVELS)}")
    return level


def _addresses(variable: str, raw: str) -> tuple[str, ...]:
    addresses = [part.strip() for part in raw.split(",") if part.strip()]
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise SettingsError(variable, f"not an IP address: {address!r}") from None
    return tuple(addresses)


def _intake_writer(raw: str, database_url: str) -> str:
    choice = raw.strip().lower() or ("process" if make_url(database_url).get_backend_name() == "sqlite" else "thread")
    if choice not in ("process", "thread"):
        raise SettingsError("MARKET_INTAKE_WRITER", f"expected process or thread, got {raw!r}")
    return choice
