"""Pages driven as a browser would: sign in on the login page, post a page's forms with the CSRF token it carries."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.market.world import PASSWORD

TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def sign_in(browser: httpx.AsyncClient, login: str) -> None:
    """Sign in on the login page with the token the page carries, as a browser would."""
    page = await browser.get("/login")
    response = await browser.post("/login", data={"login": login, "password": PASSWORD, "_csrf_token": token(page)})
    assert response.status_code in (302, 303) and "market_session" in browser.cookies, response.text


def token(page: httpx.Response) -> str:
    found = TOKEN.search(page.text)
    assert found, page.text
    return found.group(1)


async def submit(browser: httpx.AsyncClient, page_url: str, action: str, **fields: str) -> httpx.Response:
    """Open the page, then post one of its forms with the CSRF token it carries."""
    page = await browser.get(page_url)
    assert page.status_code == 200, page.text
    assert f'action="{action}' in page.text, f"{action} not on {page_url}"
    return await browser.post(action, data={"_csrf_token": token(page), **fields})


@asynccontextmanager
async def another_browser(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser on the same running app, with its own cookies."""
    transport = httpx.ASGITransport(app=client.app, client=("203.0.113.2", 50000))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://market.test") as browser:
        yield browser
