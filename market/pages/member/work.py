"""The member's live orders: start serving, note progress, complete with a note and evidence photos (办结)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from market.access import Actor
from market.dependencies import AppClock, AppSettings, Caller, DbSession
from market.errors import InvalidInput, MarketError
from market.orders import queries, work
from market.orders.controllers import PHOTO_UPLOAD_LIMIT
from market.orders.photos import MAX_PHOTOS
from market.orders.queries import OrderFilter
from market.orders.schemas import NoteRequest, OrderRead
from market.pages.member.actions import MEMBER, Form, UploadForm, attempt
from market.pages.rendering import form_values, parse_form, render
from market.pages.resident import URGENCY
from market.vocab import OfferStatus, OrderStatus

# An order of several members may still wait for the others while this member's slot is taken.
LIVE = [OrderStatus.OFFERED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS]


@get("/work", opt=MEMBER, include_in_schema=False)
async def work_page(request: Request, session: DbSession, actor: Caller, settings: AppSettings) -> Template:
    found = await queries.list_orders(session, actor, OrderFilter(status=list(LIVE), assignee_id=actor.account_id,
                                                                  sort="due_at", limit=100), settings.tz)
    return render(request, "member/work.html", orders=[o for o in found.items if holds(o, actor.account_id)],
                  urgency=dict(URGENCY))


@get("/work/{order_id:int}", opt=MEMBER, include_in_schema=False)
async def work_order_page(request: Request, order_id: FromPath[int], session: DbSession, actor: Caller) -> Template:
    return await _order(request, session, actor, order_id)


@post("/work/{order_id:int}/start", opt=MEMBER, include_in_schema=False)
async def start(request: Request, order_id: FromPath[int], session: DbSession, actor: Caller,
                clock: AppClock) -> Response:
    now = clock.now()
    if error := await attempt(session, lambda: work.start(session, actor, order_id, now)):
        return await _refused(request, session, actor, order_id, "start", error, {})
    return Redirect(f"/work/{order_id}?ok=started")


@post("/work/{order_id:int}/progress", opt=MEMBER, include_in_schema=False)
async def progress(request: Request, order_id: FromPath[int], data: Form, session: DbSession, actor: Caller,
                   clock: AppClock) -> Response:
    now, values = clock.now(), form_values(data, "note")
    try:
        note: NoteRequest = parse_form(values, NoteRequest, {"note": "进展情况"})
    except InvalidInput as error:
        return await _refused(request, session, actor, order_id, "progress", error, values)
    if error := await attempt(session, lambda: work.add_progress(session, actor, order_id, note.note, now)):
        return await _refused(request, session, actor, order_id, "progress", error, values)
    return Redirect(f"/work/{order_id}?ok=progress#main")  # not back to the form the post came from


@post("/work/{order_id:int}/complete", opt=MEMBER, include_in_schema=False, request_max_body_size=PHOTO_UPLOAD_LIMIT)
async def complete(request: Request, order_id: FromPath[int], data: UploadForm, session: DbSession, actor: Caller,
                   clock: AppClock, settings: AppSettings) -> Response:
    now, values = clock.now(), {"note": str(data.get("note") or "").strip()}
    photos = [await upload.read() for upload in uploads(data.get("photos"))]
    if error := await attempt(session, lambda: work.complete(session, actor, order_id, values["note"], photos,
                                                             settings.data_dir, now)):
        return await _refused(request, session, actor, order_id, "complete", error, values)
    return Redirect("/work?ok=completed")


def holds(order: OrderRead, member_id: int) -> bool:
    """Whether the member holds an accepted slot of the order."""
    return any(a.member and a.member.id == member_id and a.status == OfferStatus.ACCEPTED for a in order.assignees)


def uploads(value: Any) -> list[UploadFile]:
    """The files chosen; a file input left empty still sends a part without a name, which is no photo."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, UploadFile) and item.filename]


async def _refused(request: Request, session: DbSession, actor: Actor, order_id: int, form: str,
                   error: MarketError, values: dict[str, str]) -> Template:
    """The order's page again with the refusal beside the form; an order the member may not see stays a 404."""
    if error.status == 404:
        raise error
    return await _order(request, session, actor, order_id, error.status, form, values,
                        {f"{form}-{error.field}" if error.field else "form": error.message})


async def _order(request: Request, session: DbSession, actor: Actor, order_id: int, status_code: int = 200,
                 form: str = "", values: dict[str, str] | None = None,
                 errors: dict[str, str] | None = None) -> Template:
    order = await queries.read_order(session, actor, order_id)
    return render(request, "member/work_order.html", status_code=status_code, order=order,
                  mine=holds(order, actor.account_id), urgency=dict(URGENCY), max_photos=MAX_PHOTOS, form=form,
                  values=values or {}, errors=errors or {})
