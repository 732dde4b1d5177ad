"""The service's own exceptions and the one place that turns every error into the JSON error body."""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger("market.errors")


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """Every error the API answers, whatever raised it."""

    status: int
    code: str
    message: str
    field: str | None = None
    details: dict[str, Any] | None = None


class MarketError(Exception):
    """A domain error: its message is shown to the user, so it is written in Chinese."""

    status = 400
    code = "bad_request"

    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, field: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class InvalidInput(MarketError):
    status = 400
    code = "invalid"


class NotAuthenticated(MarketError):
    status = 401
    code = "not_authenticated"


class Forbidden(MarketError):
    status = 403
    code = "forbidden"


class NotFound(MarketError):
    status = 404
    code = "not_found"


class Conflict(MarketError):
    status = 409
    code = "conflict"


class TooManyRequests(MarketError):
    status = 429
    code = "too_many_requests"
    headers = {"Retry-After": "900"}


class Unavailable(MarketError):
    status = 503
    code = "unavailable"


# Litestar's own HTTP errors, by status, as users should read them.
HTTP_MESSAGES = {
    400: ("bad_request", "请求内容格式不正确"),
    401: ("not_authenticated", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持该请求方式"),
    413: ("too_large", "请求内容过大"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
}


def _json(body: ErrorBody, headers: dict[str, str] | None = None) -> Response[ErrorBody]:
    return Response(body, status_code=body.status, headers=headers)


def market_error_to_response(_: Request, error: MarketError) -> Response[ErrorBody]:
    return _json(ErrorBody(error.status, error.code, error.message, error.field, error.details), error.headers)


def http_error_to_response(request: Request, error: HTTPException) -> Response[ErrorBody]:
    if error.status_code >= 500:
        return unexpected_error_to_response(request, error)
    if isinstance(error, ValidationException):
        return _json(_validation_body(error))
    code, message = HTTP_MESSAGES.get(error.status_code, ("http_error", "请求无法处理"))
    details = {"reason": error.detail} if error.status_code == 400 and error.detail else None
    return _json(ErrorBody(error.status_code, code, message, details=details), headers=error.headers)


def unexpected_error_to_response(request: Request, error: Exception) -> Response[ErrorBody]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return _json(ErrorBody(HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "服务器内部错误，请稍后再试"))


# msgspec's words for a body's shape, turned into the field at fault and a Chinese message.
SHAPE_PROBLEMS = [
    (re.compile(r"missing required field `([^`]+)`"), "缺少必填字段 {field}"),
    (re.compile(r"unknown field `([^`]+)`"), "不允许的字段 {field}"),
]


# msgspec's words for a value out of its bounds; the field is the one the problem names.
VALUE_PROBLEMS = [
    (re.compile(r"Expected `str` of length >= (\d+)"), "{field} 至少 {n} 个字符"),
    (re.compile(r"Expected `str` of length <= (\d+)"), "{field} 最多 {n} 个字符"),
    (re.compile(r"Expected `(?:int|float)` >= (-?[\d.]+)"), "{field} 不能小于 {n}"),
    (re.compile(r"Expected `(?:int|float)` <= (-?[\d.]+)"), "{field} 不能大于 {n}"),
    (re.compile(r"Expected `array` of length <= (\d+)"), "{field} 最多 {n} 项"),
    (re.compile(r"Invalid enum value"), "{field} 不是可选的值"),
]


MISSING_PARAMETER = re.compile(r"Missing required (?:query|path|header|cookie) parameter '([^']+)'")


def _validation_body(error: ValidationException) -> ErrorBody:
    if missing := MISSING_PARAMETER.search(str(error.detail)):
        return ErrorBody(400, "invalid", f"缺少必填参数 {missing.group(1)}", missing.group(1))
    problems = error.extra if isinstance(error.extra, list) else []
    first = problems[0] if problems and isinstance(problems[0], dict) else {}
    field, raw = first.get("key") or None, str(first.get("message", ""))
    message = f"字段 {field} 的值不正确" if field else "请求数据格式不正确"
    if field == "data":  # the body as a whole, e.g. none at all where a JSON object is expected
        field, message = None, "请求内容须为 JSON 对象"
        if not any(pattern.search(raw) for pattern, _ in SHAPE_PROBLEMS):
            return ErrorBody(400, "invalid", message)
    for value_pattern, value_template in VALUE_PROBLEMS if field else []:
        if found := value_pattern.search(raw):
            message = value_template.format(field=field, n=found.group(1) if found.groups() else "")
            break
    for pattern, template in SHAPE_PROBLEMS:
        if found := pattern.search(raw):
            field = found.group(1)
            message = template.format(field=field)
    details = {"problems": problems} if problems else {"reason": error.detail}
    return ErrorBody(400, "invalid", message, field, details)


EXCEPTION_HANDLERS = {
    MarketError: market_error_to_response,
    HTTPException: http_error_to_response,
    Exception: unexpected_error_to_response,
}
