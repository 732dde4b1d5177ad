"""`market scheduler`: the scheduler in a process of its own, until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from market.clock import SystemClock
from market.database import Database
from market.scheduler.service import Scheduler
from market.settings import Settings


async def run_until_stopped(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopping.set)
    database = Database(settings.database_url)
    scheduler = Scheduler(database, settings, SystemClock())
    try:
        await scheduler.start()
        await stopping.wait()
    finally:
        await scheduler.stop()
        await database.dispose()
