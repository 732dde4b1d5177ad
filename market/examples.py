"""Request bodies with one documented example each, so the OpenAPI document shows what to send."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import Body


def example_body(struct: type, value: dict[str, Any], summary: str = "示例",
                 media_type: RequestEncodingType = RequestEncodingType.JSON, optional: bool = False) -> Any:
    """`optional`: the body may be left out (give the parameter `= None`; the handler takes the defaults)."""
    examples = [Example(summary=summary, value=value)]
    if optional:
        return Annotated[struct | None, Body(media_type=media_type, examples=examples)]
    return Annotated[struct, Body(media_type=media_type, examples=examples)]
