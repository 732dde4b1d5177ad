"""Solving a round in a child process: a long solve holds neither the event loop nor the web process's GIL."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from matching.problem import read_problem
from matching.result import Result, read_result, write_result
from matching.solve import solve


class RoundSolver:
    """One child process, started at the first round and kept for the next ones."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def solve(self, problem: bytes) -> tuple[bytes, Result, float]:
        """For a problem file: the result's file, the result, and the seconds the solve took.

        The file leaves the seconds out, so solving the saved problem again gives the same bytes.
        """
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        raw, seconds = await asyncio.get_running_loop().run_in_executor(self._pool, solve_file, problem)
        return raw, read_result(raw), seconds

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def solve_file(problem: bytes) -> tuple[bytes, float]:
    started = time.perf_counter()
    result = solve(read_problem(problem))
    return write_result(result), round(time.perf_counter() - started, 3)
