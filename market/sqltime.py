"""Time arithmetic inside SQL, the same on SQLite (UTC wall time as text) and PostgreSQL (timestamptz)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement


def seconds_between(start: Any, end: Any, dialect_name: str) -> ColumnElement[float]:
    """`end - start` in seconds, as a number an aggregate can sum or average."""
    if dialect_name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0
