"""The health route: is the database reachable, which version and which database kind."""

from __future__ import annotations

import msgspec
from litestar import get
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from market import __version__
from market.access import PUBLIC
from market.dependencies import AppDatabase
from market.errors import Unavailable


class HealthRead(msgspec.Struct):
    status: str
    version: str
    database: str


@get("/health", opt=PUBLIC, tags=["system"], summary="服务健康检查")
async def health(database: AppDatabase) -> HealthRead:
    try:
        async with database.transaction(write=False) as session:
            await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        raise Unavailable("数据库暂时无法访问", details={"database": database.kind}) from error
    return HealthRead(status="ok", version=__version__, database=database.kind)
