"""A child process that writes residents' posts, so batches are written beside the web process, not in its GIL.

The web process sends each batch as msgpack bytes the moment it is gathered, without waiting for the
answers to the one before (a few batches may be in flight); the child writes everything waiting in its
pipe in one transaction and answers each batch in order; the web process's event loop reads the answers.
If the child dies, the batches in flight are answered with an internal error (the web process cannot
know whether they committed) and the next batch starts a new child.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import deque
from multiprocessing.connection import Connection

import msgspec

from market.database import open_sync_engine
from market.orders.batch_writer import Batch, BatchWriter, PostAnswer

log = logging.getLogger("market.intake")
STOP_TIMEOUT_S = 10
MAX_IN_FLIGHT = 8


class WriterGone(Exception):
    """The writer process died with batches in flight."""


class ProcessWriter:
    pipelined = True

    def __init__(self, database_url: str, budget_cap_yuan: int) -> None:
        self.database_url, self.budget_cap_yuan = database_url, budget_cap_yuan
        self._encode = msgspec.msgpack.Encoder().encode
        self._decode = msgspec.msgpack.Decoder(list[PostAnswer]).decode
        self._pipe: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_flight: deque[asyncio.Future[list[PostAnswer]]] = deque()
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def write(self, batch: Batch) -> list[PostAnswer]:
        async with self._slots:
            if self._pipe is None:
                self._start(asyncio.get_running_loop())
            assert self._pipe is not None and self._loop is not None
            answer: asyncio.Future[list[PostAnswer]] = self._loop.create_future()
            self._in_flight.append(answer)
            try:
                self._pipe.send_bytes(self._encode(batch))  # small, and the pipe holds MAX_IN_FLIGHT of them
            except OSError:
                self._in_flight.remove(answer)
                self._stop()
                raise WriterGone("the order writer process is gone") from None
            return await answer

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(target=serve_writes, args=(self.database_url, self.budget_cap_yuan, child_end),
                                        name="market-order-writer", daemon=True)
        self._process.start()
        child_end.close()
        # Answers are read by the event loop when the pipe is readable: no thread, no hand-over between threads.
        self._loop = loop
        loop.add_reader(self._pipe.fileno(), self._read_answers, self._pipe)

    def _read_answers(self, pipe: Connection) -> None:
        """Answers come back in the order the batches went out."""
        try:
            while pipe.poll(0):
                self._settle(self._decode(pipe.recv_bytes()))
        except (EOFError, OSError):
            self._lose(pipe)

    def _settle(self, answers: list[PostAnswer]) -> None:
        answer = self._in_flight.popleft()
        if not answer.done():
            answer.set_result(answers)

    def _lose(self, pipe: Connection) -> None:
        if self._pipe is pipe:
            log.error("the order writer process died; the next batch starts another")
            self._stop()
        while self._in_flight:
            answer = self._in_flight.popleft()
            if not answer.done():
                answer.set_exception(WriterGone("the order writer process died"))

    def _stop(self) -> None:
        pipe, process = self._pipe, self._process
        self._pipe, self._process = None, None
        if pipe is not None:
            if self._loop is not None and not self._loop.is_closed():
                self._loop.remove_reader(pipe.fileno())
            pipe.close()
        if process is not None:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def close(self) -> None:
        self._stop()


def serve_writes(database_url: str, budget_cap_yuan: int, pipe: Connection) -> None:
    """The child's whole life: write what waits in the pipe, one transaction for all of it, until it closes."""
    engine = open_sync_engine(database_url)
    writer = BatchWriter(engine, budget_cap_yuan)
    decode, encode = msgspec.msgpack.Decoder(Batch).decode, msgspec.msgpack.Encoder().encode
    try:
        while True:
            try:
                batches = [decode(pipe.recv_bytes())]
                while pipe.poll(0):
                    batches.append(decode(pipe.recv_bytes()))
            except EOFError:
                return
            answers = writer.write(Batch(batches[0].now, [post for batch in batches for post in batch.posts]))
            start = 0
            for batch in batches:
                pipe.send_bytes(encode(answers[start:start + len(batch.posts)]))
                start += len(batch.posts)
    finally:
        engine.dispose()
