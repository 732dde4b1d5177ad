"""Every page route, under one router whose errors become Chinese pages (or the login page when signed out)."""

from __future__ import annotations

from litestar import Router
from litestar.exceptions import HTTPException
from litestar.static_files import create_static_files_router

from market.access import PUBLIC
from market.errors import MarketError
from market.pages import auth, photos, resident, unit
from market.pages.admin import ADMIN_PAGES
from market.pages.auditor import AUDITOR_PAGES
from market.pages.dispatcher import DISPATCHER_PAGES
from market.pages.member import HANDLERS as MEMBER_PAGES
from market.pages.rendering import STATIC, page_error

PAGE_HANDLERS = [
    auth.front_door, auth.login_page, auth.login, auth.logout, auth.register_page, auth.register, auth.me_page,
    resident.my_orders, resident.new_order_page, resident.post_order, resident.order_page, resident.rate,
    resident.cancel, photos.order_photo, unit.unit_page, unit.accept,
    *MEMBER_PAGES,
    *DISPATCHER_PAGES,
    *AUDITOR_PAGES, *ADMIN_PAGES,
]


def pages_router() -> Router:
    return Router(path="/", route_handlers=PAGE_HANDLERS, include_in_schema=False,
                  exception_handlers={MarketError: page_error, HTTPException: page_error, Exception: page_error})


def static_router() -> Router:
    """The pages' own CSS and scripts: nothing is fetched from another address, so it works on a closed network."""
    return create_static_files_router(path="/static", directories=[STATIC], opt=PUBLIC, include_in_schema=False)
