"""Visit periods in the community's local time: weeks from Monday, months, quarters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from market.vocab import VisitFrequency


def period_start(moment: datetime, frequency: VisitFrequency, zone: ZoneInfo) -> datetime:
    """The start (local midnight, as UTC) of the period that holds `moment`."""
    day = moment.astimezone(zone).date()
    if frequency == VisitFrequency.WEEKLY:
        first = day - timedelta(days=day.weekday())
    elif frequency == VisitFrequency.MONTHLY:
        first = day.replace(day=1)
    else:
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return local_midnight(first, zone)


def next_period_start(start: datetime, frequency: VisitFrequency, zone: ZoneInfo) -> datetime:
    day = start.astimezone(zone).date()
    if frequency == VisitFrequency.WEEKLY:
        return local_midnight(day + timedelta(days=7), zone)
    months = 1 if frequency == VisitFrequency.MONTHLY else 3
    month = day.month - 1 + months
    return local_midnight(date(day.year + month // 12, month % 12 + 1, 1), zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)
