"""Where our solve's time goes, beside the bare min-cost-flow solve and the room the 1.5× target leaves.

For seeded cities (as `bench/matching.py`), best of 3 (one round at 50k) in one warmed process: reading every field the
rules need out of the problem's objects into plain lists (the least any solver given a `Problem`
must do), then each step of `solve`: columns, eligibility, network and flow solve, the result. The
bare solve is the same network handed to `SimpleMinCostFlow` as prepared arrays.

Usage: `.venv/bin/python bench/matching_parts.py [--sizes 10000,50000]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

# This script is named like the package it measures; its own folder must not shadow that package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import numpy as np

from matching.arrays import columns_of
from matching.eligibility import eligible_pairs
from matching.flow import network, solve_network
from matching.instances import city
from matching.outcome import outcome
from matching.problem import Candidate, Order, Problem
from matching.solve import solve

REGIMES = {"abundant": 5.0, "scarce": 0.4}
LISTS = ("categories", "skills", "available", "exclude")


def read_every_field(problem: Problem) -> None:
    """Each field of every order and candidate into a list, nested lists flattened: no rule applied."""
    for items, fields in ((problem.orders, Order.__struct_fields__), (problem.candidates, Candidate.__struct_fields__)):
        for field in fields:
            values = list(map(attrgetter(field), items))
            if field in LISTS:
                list(chain.from_iterable(values))


def best_of(rounds: int, step: Callable[[], Any]) -> tuple[float, Any]:
    seconds, value = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        value = step()
        seconds.append(time.perf_counter() - started)
    return min(seconds), value


def parts(problem: Problem, rounds: int) -> dict[str, float]:
    cols_s, cols = best_of(rounds, lambda: columns_of(problem))
    pairs_s, pairs = best_of(rounds, lambda: eligible_pairs(problem, cols))
    net = network(cols, pairs)
    flow_s, (flows, cost) = best_of(rounds, lambda: solve_network(network(cols, pairs)))
    chosen = np.zeros(len(pairs), dtype=bool)
    chosen[net.pair_index] = flows[:net.pair_arcs] > 0
    result_s, _ = best_of(rounds, lambda: outcome(problem, cols, pairs, chosen, "flow", cost, proven=True))
    read_s, _ = best_of(rounds, lambda: read_every_field(problem))
    total_s, _ = best_of(rounds, lambda: solve(problem))
    bare_s, _ = best_of(rounds, lambda: solve_network(net))
    return {"read": read_s, "columns": cols_s, "eligibility": pairs_s, "flow": flow_s, "result": result_s,
            "solve": total_s, "bare": bare_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    args = parser.parse_args()
    print(f"{'orders':>7} {'regime':>9} {'read only':>9} {'columns':>8} {'eligible':>8} {'flow':>6} {'result':>7} "
          f"{'solve':>6} {'bare':>6} {'ratio':>6} {'room':>6} {'over':>6}")
    for size in (int(s) for s in args.sizes.split(",") if s):
        for regime, per_order in REGIMES.items():
            solve(city(200, per_order, seed=1001))
            t = parts(city(size, per_order, seed=1), rounds=3 if size <= 10_000 else 1)
            print(f"{size:>7} {regime:>9} {t['read']:>9.3f} {t['columns']:>8.3f} {t['eligibility']:>8.3f} "
                  f"{t['flow']:>6.3f} {t['result']:>7.3f} {t['solve']:>6.3f} {t['bare']:>6.3f} "
                  f"{t['solve'] / t['bare']:>6.2f} {t['bare'] / 2:>6.3f} {t['solve'] - t['bare']:>6.3f}")
    print("\nSeconds. room = what the 1.5× target leaves beyond the bare solve; over = what ours spends beyond it.")


if __name__ == "__main__":
    main()
