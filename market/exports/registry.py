"""What a report is: its code, Chinese title and columns, who may read it, and its rows for the filters.

A report knows nothing of files: it yields pages of rows (tuples of plain values) and the writers turn
them into CSV or xlsx. Adding a report is writing one `Report` and listing it in `catalogue.py`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.vocab import Role

# A cell: text, a number, a local date or date-time, or empty. Aware date-times are shown in local time.
Cell = str | int | float | date | datetime | None
Row = Sequence[Cell]
# Rows come in pages, so that a street's year is never held in memory at once.
RowPages = AsyncIterator[Sequence[Row]]
READERS = (Role.DISPATCHER, Role.AUDITOR, Role.ADMIN)
# Orders' contacts are revealed by the same roles as on one order: those who run the area's orders.
REVEALERS = (Role.DISPATCHER, Role.ADMIN)
PAGE_SIZE = 500


@dataclass(frozen=True)
class Column:
    """A column's Chinese header and its width in the spreadsheet (in characters of a Latin font)."""

    title: str
    width: int = 12


@dataclass(frozen=True)
class ExportFilters:
    """What every report is asked for: an area subtree and local dates, both ends included."""

    area_id: int
    area_path: str
    area_name: str
    date_from: date
    date_to: date
    tz: tzinfo
    # The moment of the export, from the service's clock (e.g. to say whether an open order is late).
    now: datetime
    # Contacts in full: set only when the exporter may reveal them and gave a reason.
    reveal: bool = False

    @property
    def starts_at(self) -> datetime:
        """The first moment of `date_from`, local midnight, as an aware time to compare stored UTC with."""
        return datetime.combine(self.date_from, time(), self.tz)

    @property
    def ends_before(self) -> datetime:
        """Local midnight after `date_to`: the range is half-open so no moment of the last day is lost."""
        return datetime.combine(self.date_to + timedelta(days=1), time(), self.tz)


RowSource = Callable[[AsyncSession, Actor, ExportFilters], RowPages]


async def keyset_pages(session: AsyncSession, query: Select, key: ColumnElement[int],
                       key_of: Callable[[Any], int]) -> AsyncIterator[Sequence[Any]]:
    """The rows of `query` (which must not be ordered or limited) in pages by ascending `key`.

    Each page starts after the last row's key (`key_of(row)`), so no page rereads the ones before it.
    """
    after = 0
    while True:
        rows = (await session.execute(query.where(key > after).order_by(key).limit(PAGE_SIZE))).all()
        if not rows:
            return
        yield rows
        if len(rows) < PAGE_SIZE:
            return
        after = key_of(rows[-1])


@dataclass(frozen=True)
class Report:
    """One 台账: `rows` yields pages of rows, each row one value per column in `columns`."""

    code: str
    title: str
    columns: tuple[Column, ...]
    rows: RowSource
    summary: str = ""
    # Who may export it; the area must lie under one of their grants of these roles (404 otherwise).
    readers: tuple[Role, ...] = READERS
    # Whether rows carry residents' contacts, masked unless revealed; `reveal` is refused otherwise.
    has_contacts: bool = False

    def readable_by(self, actor: Actor) -> bool:
        return actor.has(*self.readers)


class Catalogue:
    """The reports the service offers, by code; a code is used in the URL and in the export log."""

    # Fits export_logs.report; codes that are routes of their own under /api/exports are taken.
    CODE = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
    RESERVED = frozenset({"log"})

    def __init__(self, reports: Sequence[Report]) -> None:
        self._reports: dict[str, Report] = {}
        for report in reports:
            self.add(report)

    def add(self, report: Report) -> None:
        if report.code in self._reports or report.code in self.RESERVED:
            raise ValueError(f"report code {report.code!r} is already taken")
        if not self.CODE.match(report.code):
            raise ValueError(f"report code {report.code!r}: lower-case ASCII letters, digits and _, at most 24")
        if not report.columns:
            raise ValueError(f"report {report.code!r} has no columns")
        self._reports[report.code] = report

    def get(self, code: str) -> Report | None:
        return self._reports.get(code)

    def __iter__(self) -> Iterator[Report]:
        return iter(self._reports.values())
