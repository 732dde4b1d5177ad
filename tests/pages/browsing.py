"""Pages as a browser without JavaScript uses them: sign in through the login form, post forms with the CSRF token."""

from __future__ import annotations

import re

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


async def submit(client: AsyncTestClient, form_page: str, action: str, data: dict[str, str],
                 files: dict | None = None) -> object:
    """Open the page that holds the form, then send the form as the browser would (without following redirects)."""
    page = await client.get(form_page)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**data, "_csrf_token": csrf_of(page.text)}, files=files,
                             follow_redirects=False)
