"""A throwaway PostgreSQL cluster in a temporary folder, for the tests and CI.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user. It listens
only on a Unix socket inside its folder, with durability switched off: it exists for one test run.
Usable as `python tests/pgcluster.py start` (prints its folder and URL) and `... stop FOLDER`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SERVER_OPTIONS = (
    "-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=400 -c shared_buffers=128MB"
)


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or MARKET_TEST_PG_BIN, or pg_ctl on PATH."""
    if os.environ.get("MARKET_TEST_PG_BIN"):
        return Path(os.environ["MARKET_TEST_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _run(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start() -> tuple[Path, str]:
    """Create and start a cluster in a new temporary folder; returns the folder and the URL of its
    `postgres` database."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no pg_ctl found)")
    # Under the system temporary folder, which the postgres user can reach, unlike a root-only one.
    folder = Path(tempfile.mkdtemp(prefix="market-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, socket_dir = folder / "data", folder / "socket"
    _run(["mkdir", "-p", str(socket_dir)])
    _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
          "-o", f"{SERVER_OPTIONS} -k {socket_dir}", "start"])
    return folder, f"postgresql+psycopg://postgres@/postgres?host={socket_dir}"


def stop(folder: Path) -> None:
    bin_dir = find_bin_dir()
    if bin_dir is not None and (folder / "data" / "postmaster.pid").exists():
        _run([str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"])
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"]:
        cluster_folder, url = start()
        print(cluster_folder, url)
    elif sys.argv[1:2] == ["stop"] and len(sys.argv) == 3:
        stop(Path(sys.argv[2]))
    else:
        sys.exit(f"usage: {sys.argv[0]} start | stop FOLDER")
