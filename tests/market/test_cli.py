"""The `market` command: bad settings stop it cleanly; serve --demo migrates, seeds and answers."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from market.cli import main

STARTUP_TIMEOUT_S = 90


def _environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MARKET_")}
    return {**environ, "MARKET_DATA_DIR": str(tmp_path / "var"), **extra}


def _market(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "market.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(("variable", "value"), [
    ("MARKET_DATABASE_URL", "::nonsense::"),
    ("MARKET_LOG_LEVEL", "chatty"),
    ("MARKET_PORT", "99999"),
])
def test_a_bad_setting_stops_with_one_line_and_status_2(tmp_path: Path, variable: str, value: str) -> None:
    result = _market("migrate", env=_environ(tmp_path, **{variable: value}))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"market: {variable}: ")
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "var").exists()  # stopped before touching anything


def test_serve_without_a_secret_key_refuses_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in _environ(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MARKET_SECRET_KEY", raising=False)
    assert main(["serve"]) == 2
    assert capsys.readouterr().err.startswith("market: MARKET_SECRET_KEY: required")


def test_a_bad_port_flag_is_refused_by_the_parser(tmp_path: Path) -> None:
    result = _market("serve", "--demo", "--port", "0", env=_environ(tmp_path))
    assert result.returncode == 2 and "--port" in result.stderr and "Traceback" not in result.stderr


def test_create_admin_makes_an_admin_on_a_new_root_area(tmp_path: Path) -> None:
    env = _environ(tmp_path)
    made = subprocess.run([sys.executable, "-m", "market.cli", "create-admin", "--username", "chief",
                           "--password-stdin"], input="a-long-password\n", env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    again = subprocess.run([sys.executable, "-m", "market.cli", "create-admin", "--username", "chief",
                            "--password-stdin"], input="a-long-password\n", env=env, capture_output=True,
                           text=True, timeout=120, check=False)
    assert again.returncode == 1 and "已存在" in again.stderr and "Traceback" not in again.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read_lines(stream, lines: queue.Queue[str]) -> None:  # noqa: ANN001 - a text pipe
    for line in stream:
        lines.put(line)


def test_serve_demo_migrates_seeds_and_answers_health(tmp_path: Path) -> None:
    port = _free_port()
    env = _environ(tmp_path)
    env.pop("MARKET_SECRET_KEY", None)
    server = subprocess.Popen([sys.executable, "-m", "market.cli", "serve", "--demo", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(server.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        while not any("Uvicorn running" in line for line in seen):
            seen.append(lines.get(timeout=STARTUP_TIMEOUT_S))
            assert server.poll() is None, "".join(seen)
        output = "".join(seen)
        assert "generated a temporary secret key" in output
        assert "demo data seeded" in output and "10000000001" in output
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "version": health.json()["version"], "database": "sqlite"}
        schema = httpx.get(f"http://127.0.0.1:{port}/schema/openapi.json", timeout=10).json()
        assert "/health" in schema["paths"]
        assert (tmp_path / "var" / "market.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_admin_made_first_and_the_demo_share_one_root(tmp_path: Path) -> None:
    env = _environ(tmp_path)
    made = subprocess.run([sys.executable, "-m", "market.cli", "create-admin", "--username", "admin",
                           "--password-stdin"], input="a-long-password\n", env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    seeded = _market("seed-demo", env=env)
    assert seeded.returncode == 0 and "demo data seeded" in seeded.stdout, seeded.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "var" / "market.db") as db:
        roots = db.execute("SELECT count(*) FROM areas WHERE parent_id IS NULL").fetchone()[0]
    assert roots == 1


@pytest.mark.parametrize("url", ["postgresql://nobody:x@127.0.0.1:1/market", "sqlite:////proc/no-such-dir/x.db"])
def test_an_unusable_database_is_one_line_not_a_traceback(tmp_path: Path, url: str) -> None:
    result = _market("migrate", env=_environ(tmp_path, MARKET_DATABASE_URL=url))
    assert result.returncode == 1
    assert result.stderr.startswith("market: database ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_create_admin_without_a_terminal_asks_for_password_stdin(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "market.cli", "create-admin", "--username", "bob"],
                            stdin=subprocess.DEVNULL, env=_environ(tmp_path), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1 and "--password-stdin" in result.stderr and "Traceback" not in result.stderr
