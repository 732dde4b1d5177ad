"""Admins keeping the service categories: every category, in use or not, and changing one's words or use.

A category is never deleted (orders, profiles and point rules name it); one out of use is left out of the
pickers and new posts, and orders already made keep it.
"""

from __future__ import annotations

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import Conflict, InvalidInput, NotFound
from market.examples import example_body
from market.models import Category

NAME_LENGTH, ICON_LENGTH, DESCRIPTION_LENGTH = 20, 8, 120


class CategoryRead(msgspec.Struct):
    code: str
    name: str
    icon: str
    description: str
    skills: list[str]
    sort_order: int
    is_active: bool


class CategoryUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    icon: str
    description: str = ""
    is_active: bool = True


async def list_categories(session: AsyncSession) -> list[CategoryRead]:
    rows = await session.scalars(select(Category).order_by(Category.sort_order, Category.code))
    return [_read(row) for row in rows]


async def update_category(session: AsyncSession, code: str, data: CategoryUpdate) -> CategoryRead:
    category = await session.get(Category, code)
    if category is None:
        raise NotFound("服务类别不存在")
    name, icon, description = data.name.strip(), data.icon.strip(), data.description.strip()
    if not name:
        raise InvalidInput("请填写类别名称", field="name")
    if len(name) > NAME_LENGTH:
        raise InvalidInput(f"类别名称最多 {NAME_LENGTH} 个字", field="name")
    if not icon:
        raise InvalidInput("请填写图标（一个表情符号或一两个字）", field="icon")
    if len(icon) > ICON_LENGTH:
        raise InvalidInput(f"图标最多 {ICON_LENGTH} 个字符", field="icon")
    if len(description) > DESCRIPTION_LENGTH:
        raise InvalidInput(f"说明最多 {DESCRIPTION_LENGTH} 个字", field="description")
    if await session.scalar(select(Category.code).where(Category.name == name, Category.code != code)):
        raise Conflict(f"已有名为「{name}」的服务类别", field="name")
    if not data.is_active and category.is_active and await _active_count(session) <= 1:
        raise InvalidInput("至少要保留一个启用的服务类别", field="is_active")
    category.name, category.icon, category.description, category.is_active = name, icon, description, data.is_active
    await session.flush()
    return _read(category)


async def _active_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Category).where(Category.is_active)) or 0


def _read(row: Category) -> CategoryRead:
    return CategoryRead(row.code, row.name, row.icon, row.description, list(row.skills), row.sort_order, row.is_active)


CategoryUpdateBody = example_body(CategoryUpdate, {"name": "家电维修", "icon": "🔧",
                                                   "description": "空调、冰箱、洗衣机等上门维修", "is_active": True})
