"""Bodies of the export routes: the reports on offer, an export request, and the export log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

FormatCode = Literal["csv", "xlsx"]


class ExportRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One export as asked for in the query string; checked by the service."""

    report: str
    file_format: FormatCode
    area_id: int
    date_from: date
    date_to: date
    reveal: bool = False
    reason: str | None = None


class ReportRead(msgspec.Struct):
    code: str
    title: str
    summary: str
    columns: list[str]
    formats: list[str]
    # Whether its rows carry residents' contacts: masked unless a dispatcher or admin of the area reveals
    # them with a reason.
    has_contacts: bool


class ExportLogRead(msgspec.Struct):
    id: int
    actor_id: int
    actor_name: str
    report: str
    report_title: str
    file_format: str
    area_id: int | None
    area_name: str | None
    date_from: date | None
    date_to: date | None
    revealed: bool
    reason: str
    row_count: int
    at: datetime


class ExportLogPage(msgspec.Struct):
    items: list[ExportLogRead]
    total: int
    limit: int
    offset: int
