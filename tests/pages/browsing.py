"""Pages as a browser without JavaScript uses them: sign in through the login form, post forms with the CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar.testing import AsyncTestClient

from tests.market.world import PASSWORD, World

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
ALERTS = re.compile(r'role="alert">([^<]+)<')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def alerts(html: str) -> list[str]:
    return [text.strip() for text in ALERTS.findall(html)]


async def sign_in(client: AsyncTestClient, world: World, account_id: int) -> None:
    """Log in through the login page; the client keeps the session cookie, as a browser would."""
    page = await client.get("/login")
    response = await client.post("/login", data={"login": world.login_of(account_id), "password": PASSWORD,
                                                 "_csrf_token": csrf_of(page.text)})
    assert response.status_code in (301, 302, 303), response.text


async def submit(client: httpx.AsyncClient, form_page: str, action: str, data: dict[str, str] | None = None,
                 files: dict | None = None, **fields: str) -> httpx.Response:
    """Open the page that holds the form, then send the form (`data` and `fields`) as the browser would."""
    page = await client.get(form_page)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**(data or {}), **fields, "_csrf_token": csrf_of(page.text)}, files=files,
                             follow_redirects=False)


@asynccontextmanager
async def browser(client: httpx.AsyncClient, login: str | None,
                  password: str = PASSWORD) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser (its own cookies) on the same app, signed in on the login page unless `login` is None."""
    transport = httpx.ASGITransport(app=client.app, client=("203.0.113.7", 50001))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://market.test") as http:
        if login is not None:
            page = await http.get("/login")
            signed = await http.post("/login", data={"login": login, "password": password,
                                                     "_csrf_token": csrf_of(page.text)})
            assert signed.status_code in (302, 303), signed.text
        yield http
