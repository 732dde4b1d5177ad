"""Rating periods: a year ("2026") or a quarter ("2026Q4"), as local dates and UTC bounds."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from market.errors import InvalidInput
from market.visits.periods import local_midnight

PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


def period_dates(period: str) -> tuple[date, date]:
    """The first day of the period and the first day after it."""
    found = PERIOD.match(period)
    if found is None or not 2000 <= int(found.group(1)) <= 2100:
        raise InvalidInput("评定周期须为年份（如 2026）或季度（如 2026Q4）", field="period")
    year, quarter = int(found.group(1)), found.group(2)
    if quarter is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    first_month = (int(quarter) - 1) * 3 + 1
    end = date(year + 1, 1, 1) if first_month == 10 else date(year, first_month + 3, 1)
    return date(year, first_month, 1), end


def period_bounds(period: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start, end = period_dates(period)
    return local_midnight(start, zone), local_midnight(end, zone)
