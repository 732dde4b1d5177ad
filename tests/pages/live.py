"""A real server on a free port in a thread, and headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn

from market.app import create_app
from market.clock import Clock
from market.settings import Settings

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 860}


def chromium_path() -> str:
    """Debian's chromium; without it the browser tests skip, or fail when MARKET_TEST_REQUIRE_BROWSER=1 (CI)."""
    found = os.environ.get("MARKET_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("MARKET_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (MARKET_TEST_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip("no Chromium: apt-get install chromium fonts-noto-cjk")
    return found


@asynccontextmanager
async def live_server(settings: Settings, clock: Clock) -> AsyncIterator[str]:
    """The app served by uvicorn in a thread of its own; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings, clock=clock), host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        threading.Event().wait(0.02)  # polling the server's own start flag, not waiting for time to pass
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def screenshot(page, name: str) -> None:  # noqa: ANN001 - a Playwright page
    """The page at phone and desktop width, for a person to look at (tests/screenshots/)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        await page.set_viewport_size(size)
        await page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    await page.set_viewport_size(PHONE)
