"""Intake benchmark: POST /api/orders against the validate-only POST /api/orders/check, same body, same run.

Starts the real server (`market serve`, one process, SQLite in WAL with synchronous=NORMAL: every commit
survives a crash of the process) on loopback, seeds the demo, logs in as a demo resident, then drives each
endpoint with wrk (Debian package `wrk`) and prints requests/s, p50/p99 latency and the ratio
ours / validate-only. Target: ratio >= 0.5. Usage: `.venv/bin/python bench/intake.py [--seconds 10]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BODY = {"kind": "service", "category": "repair", "title": "厨房灯不亮了", "description": "换了灯泡也不行，可能是线路问题。",
        "urgency": 3, "headcount": 1}
LUA = """wrk.method = "POST"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "MARKET_DATA_DIR": str(data_dir), "MARKET_SECRET_KEY": "bench-" + "k" * 40,
           "MARKET_LOG_LEVEL": "WARNING", "MARKET_SCHEDULER": "off"}
    market = Path(sys.executable).parent / "market"
    subprocess.run([str(market), "seed-demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([str(market), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
    for _ in range(300):  # the server needs a moment to bind; we poll its health, bounded
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def run_wrk(url: str, token: str, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(body=json.dumps(BODY, ensure_ascii=False), token=token))
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url],
                            capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": _latency(output, "50%"), "p99_ms": _latency(output, "99%"),
            "non_2xx": float(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0.0}


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are reported")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/intake.py needs wrk: apt-get install wrk")
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = start_server(Path(data_dir), port)
        try:
            base = f"http://127.0.0.1:{port}"
            login = httpx.post(f"{base}/api/auth/login", json={"login": "10000000001", "password": "demo-2026"})
            token = login.json()["access_token"]
            checks, posts = [], []
            for _ in range(args.rounds):  # alternating, so a busy moment of the machine hits both alike
                checks.append(run_wrk(f"{base}/api/orders/check", token, args.seconds, args.connections))
                posts.append(run_wrk(f"{base}/api/orders", token, args.seconds, args.connections))
            check, ours = median_run(checks), median_run(posts)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"intake, {args.connections} connections, median of {args.rounds} alternating {args.seconds} s runs each, "
          "SQLite WAL synchronous=NORMAL")
    print(f"{'endpoint':<32}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, figures in (("POST /api/orders (writes)", ours), ("POST /api/orders/check (limit)", check)):
        print(f"{name:<32}{figures['rps']:>10.0f}{figures['p50_ms']:>10.1f}{figures['p99_ms']:>10.1f}"
              f"{figures['non_2xx']:>10.0f}")
    print(f"ratio ours / validate-only: {ours['rps'] / check['rps']:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
