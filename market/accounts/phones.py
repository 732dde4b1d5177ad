"""Mainland mobile numbers: normalising what people type, and masking them for display."""

from __future__ import annotations

import re

from market.errors import InvalidInput

MOBILE = re.compile(r"^1[3-9]\d{9}$")
SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """`+86 138-0013-8000` → `13800138000`; anything that is not a mainland mobile is refused."""
    digits = SEPARATORS.sub("", raw)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
    if not MOBILE.match(digits):
        raise InvalidInput("请输入有效的 11 位手机号码（1 开头，第二位为 3–9）", field=field)
    return digits


def mask_phone(phone: str | None) -> str | None:
    """`13800138000` → `138****8000`."""
    if not phone:
        return phone
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
