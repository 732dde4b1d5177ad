"""Settings: every MARKET_* value is checked, and a bad one names its variable."""

from __future__ import annotations

import pytest

from market.settings import SettingsError, load_settings

GOOD_KEY = "k" * 40
BAD_VALUES = [
    ("MARKET_DATABASE_URL", "not a url at all", "not a database URL"),
    ("MARKET_DATABASE_URL", "mysql://u@h/db", "unsupported database"),
    ("MARKET_DATABASE_URL", "postgresql+asyncpg://u@h/db", "unsupported driver"),
    ("MARKET_DATABASE_URL", "sqlite://", "needs a file path"),
    ("MARKET_LOG_LEVEL", "LOUD", "unknown log level"),
    ("MARKET_PORT", "70000", "between 1 and 65535"),
    ("MARKET_PORT", "0", "between 1 and 65535"),
    ("MARKET_PORT", "eighty", "not a whole number"),
    ("MARKET_HOST", "  ", "not a host"),
    ("MARKET_TIMEZONE", "Mars/Olympus", "unknown time zone"),
    ("MARKET_SCHEDULER", "maybe", "expected on or off"),
    ("MARKET_SECRET_KEY", "short", "too short"),
    ("MARKET_INTAKE_WRITER", "fork", "expected process or thread"),
    ("MARKET_WISH_BUDGET_CAP", "-1", "between 0 and"),
    ("MARKET_TRUSTED_PROXIES", "10.0.0.1,proxy", "not an IP address"),
    ("MARKET_SWEEP_SECONDS", "0", "between 1 and 3600"),
    ("MARKET_LEASE_SECONDS", "2", "between 3 and 3600"),
    ("MARKET_AUTO_CLOSE_DAYS", "seven", "not a whole number"),
    ("MARKET_STALL_DAYS", "0", "between 1 and 60"),
    ("MARKET_ESCALATION_HOURS", "24,48", "three whole numbers"),
    ("MARKET_ESCALATION_HOURS", "24,0,72", "between 1 and"),
    ("MARKET_SUMMONS_ACK_MINUTES", "0", "between 1 and"),
    ("MARKET_ROUND_MINUTES", "-5", "between 0 and"),
]


def test_defaults_are_the_embedded_sqlite_file_and_shanghai_time() -> None:
    settings = load_settings({"MARKET_SECRET_KEY": GOOD_KEY})
    assert settings.database_url == "sqlite+aiosqlite:///var/market.db"
    assert settings.database_kind == "sqlite"
    assert (settings.host, settings.port, settings.timezone) == ("127.0.0.1", 8000, "Asia/Shanghai")
    assert settings.scheduler is True and settings.log_level == "INFO"
    assert settings.intake_writer == "process" and settings.wish_budget_cap_yuan == 300
    assert (settings.sweep_seconds, settings.lease_seconds, settings.auto_close_days, settings.stall_days) == (
        30, 30, 7, 3)
    assert (settings.escalation_hours, settings.summons_ack_minutes, settings.round_minutes) == ((24, 48, 72), 30, 30)


def test_data_dir_moves_the_default_database() -> None:
    settings = load_settings({"MARKET_SECRET_KEY": GOOD_KEY, "MARKET_DATA_DIR": "/srv/market"})
    assert settings.database_url == "sqlite+aiosqlite:////srv/market/market.db"


def test_bare_dialects_get_the_async_driver() -> None:
    pg = load_settings({"MARKET_SECRET_KEY": GOOD_KEY, "MARKET_DATABASE_URL": "postgresql://u:p@db:5432/market"})
    assert pg.database_url == "postgresql+psycopg://u:p@db:5432/market"
    assert pg.database_kind == "postgresql" and pg.intake_writer == "thread"


def test_values_are_read_and_normalised() -> None:
    settings = load_settings({
        "MARKET_SECRET_KEY": GOOD_KEY, "MARKET_PORT": " 9000 ", "MARKET_LOG_LEVEL": "debug",
        "MARKET_SCHEDULER": "off", "MARKET_TIMEZONE": "Asia/Urumqi", "MARKET_HOST": "0.0.0.0",
    })
    assert (settings.port, settings.log_level, settings.scheduler) == (9000, "DEBUG", False)
    assert (settings.timezone, settings.host) == ("Asia/Urumqi", "0.0.0.0")


@pytest.mark.parametrize(("variable", "value", "problem"), BAD_VALUES)
def test_a_bad_value_names_its_variable(variable: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"MARKET_SECRET_KEY": GOOD_KEY, variable: value})
    assert raised.value.variable == variable
    assert str(raised.value).startswith(f"{variable}: ")
    assert problem in str(raised.value)


def test_the_secret_key_has_no_default_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="MARKET_SECRET_KEY: required"):
        load_settings({})


def test_demo_mode_generates_a_secret_key_and_says_so() -> None:
    first, second = load_settings({}, demo=True), load_settings({}, demo=True)
    assert first.secret_key_generated and len(first.secret_key) >= 32
    assert first.secret_key != second.secret_key


def test_a_given_secret_key_is_kept_in_demo_mode() -> None:
    settings = load_settings({"MARKET_SECRET_KEY": GOOD_KEY}, demo=True)
    assert settings.secret_key == GOOD_KEY and not settings.secret_key_generated


def test_settings_are_frozen() -> None:
    settings = load_settings({"MARKET_SECRET_KEY": GOOD_KEY})
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]
