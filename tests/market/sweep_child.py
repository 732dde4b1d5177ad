"""Run as a child process by the tests: one offer-expiry sweep in small batches, to be killed midway."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from market.database import Database
from market.orders.expiry import expire_offers


async def main(database_url: str, now: str, batch_size: int) -> None:
    database = Database(database_url)
    try:
        print(await expire_offers(database, datetime.fromisoformat(now), batch_size=batch_size), flush=True)
    finally:
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
