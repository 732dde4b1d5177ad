"""`python -m matching solve problem.json` prints the result; `python -m matching check problem.json result.json`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matching.check import check
from matching.problem import ProblemError, read_problem
from matching.result import read_result, write_result
from matching.solve import solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching", description="社区派单 optimiser")
    commands = parser.add_subparsers(dest="command", required=True)
    solving = commands.add_parser("solve", help="solve a problem file; the result goes to standard output")
    solving.add_argument("problem", type=Path)
    solving.add_argument("--solver", choices=["flow", "greedy", "grab"], default="flow")
    solving.add_argument("--timed", action="store_true", help="report the measured seconds (output then varies)")
    checking = commands.add_parser("check", help="validate a result against its problem; exit 1 on any violation")
    checking.add_argument("problem", type=Path)
    checking.add_argument("result", type=Path)
    args = parser.parse_args(argv)
    try:
        problem = read_problem(args.problem.read_bytes())
        if args.command == "solve":
            sys.stdout.buffer.write(write_result(solve(problem, args.solver, timed=args.timed)))
            return 0
        violations = check(problem, read_result(args.result.read_bytes()))
    except (ProblemError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for violation in violations:
        print(violation)
    if not violations:
        print("ok")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
