"""`python -m matching solve|check`, run as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msgspec

from matching.instances import city
from matching.problem import write_problem


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "matching", *args], capture_output=True, timeout=120, check=False)


def test_solve_then_check_says_ok_and_the_bytes_repeat(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_bytes(write_problem(city(300, 0.5, seed=8, team_share=0.1)))
    first, second = run("solve", str(problem)), run("solve", str(problem))
    assert first.returncode == 0 and first.stdout == second.stdout
    (tmp_path / "result.json").write_bytes(first.stdout)
    checked = run("check", str(problem), str(tmp_path / "result.json"))
    assert (checked.returncode, checked.stdout) == (0, b"ok\n")


def test_check_lists_each_violation_and_exits_1(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_bytes(write_problem(city(50, 1.0, seed=9)))
    result = msgspec.json.decode(run("solve", str(problem), "--solver", "greedy").stdout)
    result["objective"] += 7
    (tmp_path / "result.json").write_bytes(msgspec.json.encode(result))
    checked = run("check", str(problem), str(tmp_path / "result.json"))
    assert checked.returncode == 1 and b"objective" in checked.stdout


def test_a_bad_problem_names_the_id_and_field_and_exits_2(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_text('{"orders": [{"id": "o-7", "category": "repair", "x_m": 0, "y_m": 0, "urgency": 9}],'
                       ' "candidates": []}')
    solved = run("solve", str(problem))
    assert solved.returncode == 2 and b"order o-7: urgency" in solved.stderr and solved.stdout == b""


def test_timed_adds_the_measured_seconds(tmp_path: Path) -> None:
    problem = tmp_path / "problem.json"
    problem.write_bytes(write_problem(city(20, 1.0, seed=1)))
    assert msgspec.json.decode(run("solve", str(problem), "--timed").stdout)["stats"]["seconds"] >= 0
