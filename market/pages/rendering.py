"""Rendering pages: the template engine and its filters, each role's menu, forms read into structs, and errors."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import msgspec
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from market.access import Actor
from market.errors import HTTP_MESSAGES, InvalidInput, MarketError, NotAuthenticated
from market.vocab import Role

log = logging.getLogger("market.pages")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"
# Where each role lands after login, and the menu it sees (label, path), in this order.
MENUS: dict[Role, list[tuple[str, str]]] = {
    Role.RESIDENT: [("我要点单", "/orders/new"), ("我的订单", "/orders")],
    Role.MEMBER: [("派给我的", "/offers"), ("抢单大厅", "/board"), ("我在办的", "/work"), ("我的积分", "/me/points"),
                  ("我的资料", "/me/profile")],
    Role.DISPATCHER: [("待审核", "/staff/review"), ("派单", "/staff/dispatch"), ("订单", "/staff/orders"),
                      ("督办", "/staff/supervision"), ("吹哨", "/staff/summons"), ("走访", "/staff/visits")],
    Role.AUDITOR: [("积分审核", "/audit/points"), ("星级评定", "/audit/ratings"), ("考核指标", "/audit/kpis"),
                   ("台账导出", "/audit/exports")],
    Role.ADMIN: [("系统管理", "/admin")],
    Role.UNIT_ADMIN: [("本单位", "/unit")],
}
# Short messages a redirect may ask the next page to show; only these codes, never text from the URL.
NOTICES = {
    "posted": "已提交，社区工作者审核后会尽快安排。", "rated": "感谢您的评价！", "cancelled": "订单已撤销。",
    "registered": "注册成功，欢迎使用社区点单。", "saved": "已保存。", "done": "操作成功。",
    "accepted": "已接单，请尽快联系居民，按约定时间上门。", "declined": "已婉拒，社区会另行安排。",
    "claimed": "抢单成功，请尽快联系居民。", "started": "已开始服务。", "progress": "进展已记录。",
    "completed": "已办结，等待居民确认和评价。",
    "order_approved": "已审核通过。", "order_rejected": "已驳回，居民会看到驳回原因。",
    "order_offered": "已派单，等待对方接单。", "order_reworked": "已要求返工。", "order_closed": "已销号。",
    "order_summoned": "已吹哨，部门须在时限内报到。", "round_previewed": "预览已生成，确认无误后再派单。",
    "round_overridden": "已调整这条派单建议。", "round_committed": "已按本轮结果派单。",
    "audit_posted": "已审核入账。", "audit_voided": "已作废，这条积分不再计入。", "audit_reversed": "已冲正。",
    "audit_bulk_approved": "批量审核已完成。", "audit_run_created": "星级评定草稿已计算。",
    "audit_run_recomputed": "已按现有数据重新计算。", "audit_run_published": "已公示，公示期内可以提出异议。",
    "audit_run_finalized": "已定级，结果不再变更。", "audit_objection_upheld": "异议成立，已重算该行。",
    "audit_objection_dismissed": "已驳回该异议。",
    "admin_area_created": "区域已新增。", "admin_staff_created": "账号已新建。", "admin_role_granted": "已授予角色。",
    "admin_grant_revoked": "已收回授权。", "admin_account_deactivated": "账号已停用，登录已全部失效。",
    "admin_category_saved": "服务类别已保存。", "admin_sla_saved": "办理时限已保存，之后审核的订单按新时限。",
    "admin_rules_saved": "新版积分规则已发布。",
}


def template_config(zone: ZoneInfo) -> TemplateConfig:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    environment.filters["local"] = lambda moment, fmt="%m月%d日 %H:%M": _local(moment, zone, fmt)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def _local(moment: datetime | str | None, zone: ZoneInfo, fmt: str) -> str:
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(zone).strftime(fmt)


def menu(actor: Actor | None) -> list[tuple[str, str]]:
    if actor is None:
        return []
    return [item for role in Role if actor.has(role) for item in MENUS.get(role, [])]


def home_of(actor: Actor) -> str:
    """The first page of the caller's first role."""
    items = menu(actor)
    return items[0][1] if items else "/login"


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Template:
    actor: Actor | None = getattr(request.state, "actor", None)
    notice = NOTICES.get(request.query_params.get("ok", ""), "")
    # Pages hold people's own data: never kept by a browser or a proxy (the back button after 退出 shows nothing).
    return Template(template_name=name, status_code=status_code, headers={"Cache-Control": "no-store"},
                    context={"actor": actor, "menu": menu(actor), "path": request.url.path, "notice": notice,
                             **context})


def parse_form(values: dict[str, Any], struct: type, labels: dict[str, str]) -> Any:
    """The form's values as the service's struct; a bad value raises InvalidInput naming the field in Chinese."""
    try:
        return msgspec.convert(values, struct, strict=False)
    except msgspec.ValidationError as error:
        found = re.search(r"at `\$\.([a-z_]+)", str(error))
        field = found.group(1) if found else None
        label = labels.get(field or "", field or "")
        missing = re.search(r"missing required field `([a-z_]+)`", str(error))
        if missing:
            field = missing.group(1)
            raise InvalidInput(f"请填写{labels.get(field, field)}", field=field) from None
        raise InvalidInput(f"{label}填写不正确" if label else "填写的内容不正确", field=field) from None


def form_values(form: Any, *names: str) -> dict[str, str]:
    """The named fields of a submitted form, stripped; empty ones left out, so defaults apply."""
    return {name: str(form.get(name)).strip() for name in names if str(form.get(name) or "").strip()}


def page_error(request: Request, error: Exception) -> Response:
    """Every error on a page: to the login page when signed out, else a Chinese error page with its status."""
    if isinstance(error, NotAuthenticated):
        return Redirect(f"/login?next={quote(request.url.path)}")
    if isinstance(error, MarketError):
        status, message = error.status, error.message
    elif isinstance(error, HTTPException) and error.status_code < 500:
        status, message = error.status_code, HTTP_MESSAGES.get(error.status_code, ("", "请求无法处理"))[1]
        if status == 400:
            message = "提交的内容不完整或格式不对，请返回重新填写"
    else:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        status, message = 500, "服务器内部错误，请稍后再试"
    return render(request, "error.html", status_code=status, message=message)


def not_api(path: str) -> bool:
    """A path people open in a browser, whose errors are pages rather than JSON."""
    return not path.startswith(("/api/", "/schema", "/health", "/static/"))
