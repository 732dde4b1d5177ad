"""Residents' posts taken in batches (group commit): many posts, one transaction, a few bulk statements.

Posting is the busiest write. One transaction per post pays for its round trips and its commit alone;
here the posts that arrive while a batch is being written wait, and are then written together by a
BatchWriter: on a thread of this process, or in a child process of its own (SQLite under `market
serve`), where it runs beside the web process rather than inside its GIL.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from market.clock import Clock
from market.database import Database
from market.errors import InvalidInput
from market.orders.batch_writer import Batch, BatchWriter, PostAnswer, PostRequest
from market.orders.posting import MAX_IDEMPOTENCY_KEY, check_draft, check_window_ahead
from market.orders.schemas import OrderCreate

# Bounded, so a steady stream of posts cannot hold a batch back.
MAX_GATHER_PASSES = 20


class Writer(Protocol):
    """Writes one batch; a writer may take several at once (pipelining) or queue them."""

    pipelined: bool

    async def write(self, batch: Batch) -> list[PostAnswer]: ...

    def close(self) -> None: ...


class ThreadWriter:
    """A BatchWriter on one thread of this process: its connection stays warm, no context is copied."""

    pipelined = False

    def __init__(self, database: Database, budget_cap_yuan: int) -> None:
        self._writer = BatchWriter(database.sync_engine, budget_cap_yuan)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="order-intake")

    async def write(self, batch: Batch) -> list[PostAnswer]:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._writer.write, batch)

    def close(self) -> None:
        self._thread.shutdown(wait=True)


@dataclass
class Waiting:
    post: PostRequest
    answer: asyncio.Future[PostAnswer] = field(repr=False)


class Intake:
    def __init__(self, database: Database, clock: Clock, budget_cap_yuan: int, writer: Writer | None = None) -> None:
        self.database, self.clock, self.budget_cap_yuan = database, clock, budget_cap_yuan
        self.writer = writer or ThreadWriter(database, budget_cap_yuan)
        self._waiting: list[Waiting] = []
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._write_forever(), name="order-intake")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await asyncio.gather(*self._batches, return_exceptions=True)
        for waiting in self._waiting:
            waiting.answer.cancel()
        self.writer.close()

    async def submit(self, account_id: int, data: OrderCreate, key: str | None) -> PostAnswer:
        """The post's answer; raises the refusal (400, 403 …) if it was refused."""
        if key is not None and (not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY):
            raise InvalidInput(f"Idempotency-Key 须为 1–{MAX_IDEMPOTENCY_KEY} 个字符", field="Idempotency-Key")
        check_draft(data, self.budget_cap_yuan)
        check_window_ahead(data, self.clock.now())
        waiting = Waiting(PostRequest(account_id, data, key), asyncio.get_running_loop().create_future())
        self._waiting.append(waiting)
        self._arrived.set()
        answer = await waiting.answer
        if error := answer.error():
            raise error
        return answer

    async def _write_forever(self) -> None:
        while True:
            await self._arrived.wait()
            await self._let_posts_gather()
            self._arrived.clear()
            batch, self._waiting = self._waiting, []
            if not batch:
                continue
            if self.writer.pipelined:
                # Send it now and gather the next one while it is written.
                task = asyncio.create_task(self._write(batch))
                self._batches.add(task)
                task.add_done_callback(self._batches.discard)
            else:
                await self._write(batch)

    async def _let_posts_gather(self) -> None:
        """Let requests already being handled join this batch: yield while the queue still grows."""
        for _ in range(MAX_GATHER_PASSES):
            seen = len(self._waiting)
            await asyncio.sleep(0)
            if len(self._waiting) == seen:
                return

    async def _write(self, batch: list[Waiting]) -> None:
        try:
            answers = await self._written(Batch(self.clock.now(), [w.post for w in batch]))
        except Exception as error:  # noqa: BLE001 - the writer itself failed: every post hears of it
            answers = [PostAnswer(refusal="internal", message=str(error))] * len(batch)
        for waiting, answer in zip(batch, answers, strict=True):
            if not waiting.answer.done():
                waiting.answer.set_result(answer)

    async def _written(self, batch: Batch) -> list[PostAnswer]:
        if self.writer.pipelined:
            # Another process: SQLite's busy_timeout arbitrates between it and this process's writers.
            return await self.writer.write(batch)
        async with self.database.write_turn():
            return await self.writer.write(batch)
