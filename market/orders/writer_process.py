"""A child process that writes residents' posts, so batches are written beside the web process, not in its GIL.

The web process sends each batch as msgpack bytes over a pipe and waits (on a thread, off the event
loop) for the answers. If the child dies, the batch in flight is answered with an internal error and
the next batch starts a new child.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection

import msgspec

from market.database import open_sync_engine
from market.orders.batch_writer import Batch, BatchWriter, PostAnswer

log = logging.getLogger("market.intake")
STOP_TIMEOUT_S = 10


class ProcessWriter:
    def __init__(self, database_url: str, budget_cap_yuan: int) -> None:
        self.database_url, self.budget_cap_yuan = database_url, budget_cap_yuan
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="order-intake-pipe")
        self._encode = msgspec.msgpack.Encoder().encode
        self._decode = msgspec.msgpack.Decoder(list[PostAnswer]).decode
        self._pipe: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None

    async def write(self, batch: Batch) -> list[PostAnswer]:
        payload = self._encode(batch)
        return self._decode(await asyncio.get_running_loop().run_in_executor(self._thread, self._exchange, payload))

    def _exchange(self, payload: bytes) -> bytes:
        if self._pipe is None:
            self._start()
        assert self._pipe is not None
        try:
            self._pipe.send_bytes(payload)
            return self._pipe.recv_bytes()
        except (EOFError, OSError):
            log.error("the order writer process died; starting another for the next batch")
            self._stop()
            raise

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(target=serve_writes, args=(self.database_url, self.budget_cap_yuan, child_end),
                                        name="market-order-writer", daemon=True)
        self._process.start()
        child_end.close()

    def _stop(self) -> None:
        if self._pipe is not None:
            self._pipe.close()
        if self._process is not None:
            self._process.join(STOP_TIMEOUT_S)
            if self._process.is_alive():
                self._process.kill()
        self._pipe, self._process = None, None

    def close(self) -> None:
        self._thread.submit(self._stop).result()
        self._thread.shutdown(wait=True)


def serve_writes(database_url: str, budget_cap_yuan: int, pipe: Connection) -> None:
    """The child's whole life: answer batches until the web process closes the pipe."""
    engine = open_sync_engine(database_url)
    writer = BatchWriter(engine, budget_cap_yuan)
    decode, encode = msgspec.msgpack.Decoder(Batch).decode, msgspec.msgpack.Encoder().encode
    try:
        while True:
            try:
                payload = pipe.recv_bytes()
            except EOFError:
                return
            pipe.send_bytes(encode(writer.write(decode(payload))))
    finally:
        engine.dispose()
