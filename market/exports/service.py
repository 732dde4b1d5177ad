"""Running an export: who may, the file written page by page to a temporary file, the log; and reading the log.

The rows are read in the request's read-only transaction and written to a temporary file as they come;
the export is logged, with its row count, in a short write transaction of its own once the file is
complete, and the response is sent only after that commit. So no file leaves without its log row, and
SQLite's one write lock is never held while a street's year is read and written out.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import BinaryIO
from urllib.parse import quote

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Actor
from market.database import Database
from market.dispatch.rounds import staff_area
from market.errors import Forbidden, InvalidInput, NotFound
from market.exports.catalogue import REPORTS
from market.exports.registry import REVEALERS, ExportFilters, Report
from market.exports.schemas import ExportLogPage, ExportLogRead, ExportRequest, ReportRead
from market.exports.writers import FORMATS
from market.models import Account, Area, ExportLog
from market.vocab import Role

LOG_READERS = (Role.AUDITOR, Role.ADMIN)
REASON_LENGTH = 500
CHUNK_BYTES = 256 * 1024
# Characters no file system or browser takes in a file name.
UNSAFE_IN_NAMES = str.maketrans({c: "_" for c in '/\\:*?"<>|\r\n\t'})


@dataclass
class ExportFile:
    """A finished export: an anonymous temporary file (gone once closed), and how to name it."""

    handle: BinaryIO
    size: int
    filename: str
    ascii_filename: str
    media_type: str
    row_count: int

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes in chunks, read off the event loop; the file is closed (and so gone) at the end."""
        try:
            while chunk := await anyio.to_thread.run_sync(self.handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            self.handle.close()

    @property
    def headers(self) -> dict[str, str]:
        """The download's headers. RFC 6266/5987: browsers that know filename* get the Chinese name, older ones
        the ASCII one."""
        disposition = f"attachment; filename=\"{self.ascii_filename}\"; filename*=UTF-8''{quote(self.filename, safe='')}"
        return {"Content-Disposition": disposition, "Content-Length": str(self.size),
                "X-Export-Rows": str(self.row_count), "Cache-Control": "no-store"}


def reports_for(actor: Actor) -> list[ReportRead]:
    return [ReportRead(r.code, r.title, r.summary, [c.title for c in r.columns], list(FORMATS), r.has_contacts)
            for r in REPORTS if r.readable_by(actor)]


async def export(session: AsyncSession, database: Database, actor: Actor, wanted: ExportRequest, tz: tzinfo,
                 now: datetime) -> ExportFile:
    """Check the request (400, 403, 404 as for any staff route), write the file, log it, and hand it back."""
    reason = (wanted.reason or "").strip()
    if wanted.date_from > wanted.date_to:
        raise InvalidInput("结束日期不能早于开始日期", field="date_to")
    if wanted.reveal and not reason:
        raise InvalidInput("导出完整联系方式须填写原因", field="reason")
    if len(reason) > REASON_LENGTH:
        raise InvalidInput(f"reason 最多 {REASON_LENGTH} 个字符", field="reason")
    report = REPORTS.get(wanted.report)
    if report is None:
        raise NotFound("报表不存在")
    if not report.readable_by(actor):
        raise Forbidden("没有权限导出该报表")
    area = await staff_area(session, actor, wanted.area_id, *report.readers)
    if wanted.reveal and not report.has_contacts:
        raise InvalidInput("该报表不含联系方式，无需 reveal", field="reveal")
    if wanted.reveal and not actor.covers(area.path, *REVEALERS):
        raise Forbidden("只有负责该区域的社区工作者或管理员可以导出完整联系方式")
    filters = ExportFilters(area_id=area.id, area_path=area.path, area_name=area.name, date_from=wanted.date_from,
                            date_to=wanted.date_to, tz=tz, now=now, reveal=wanted.reveal)
    handle = tempfile.TemporaryFile()
    try:
        row_count = await _write(session, actor, report, wanted.file_format, filters, handle)
        async with database.transaction() as log_session:
            log_session.add(ExportLog(actor_id=actor.account_id, report=report.code, file_format=wanted.file_format,
                                      area_id=area.id, date_from=wanted.date_from, date_to=wanted.date_to,
                                      revealed=wanted.reveal, reason=reason, row_count=row_count, at=now))
        size = handle.seek(0, 2)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    file_format = FORMATS[wanted.file_format]
    name = f"{report.title}_{area.name}_{wanted.date_from}至{wanted.date_to}".translate(UNSAFE_IN_NAMES)
    ascii_name = f"{report.code}_{area.id}_{wanted.date_from:%Y%m%d}-{wanted.date_to:%Y%m%d}"
    return ExportFile(handle, size, f"{name}.{file_format.extension}", f"{ascii_name}.{file_format.extension}",
                      file_format.media_type, row_count)


async def _write(session: AsyncSession, actor: Actor, report: Report, format_code: str, filters: ExportFilters,
                 handle: BinaryIO) -> int:
    """The report's pages into the file as they are read; only the page at hand is in memory."""
    sheet = await anyio.to_thread.run_sync(FORMATS[format_code].open, handle, report.title, report.columns, filters.tz)
    row_count = 0
    async for page in report.rows(session, actor, filters):
        await anyio.to_thread.run_sync(sheet.write, page)
        row_count += len(page)
    await anyio.to_thread.run_sync(sheet.close)
    return row_count


async def export_log(session: AsyncSession, actor: Actor, report: str | None, area_id: int | None, limit: int,
                     offset: int) -> ExportLogPage:
    """Exports of areas under the caller's auditor or admin grants, the newest first."""
    query = (select(ExportLog, Account.display_name, Area.name).join(Account, Account.id == ExportLog.actor_id)
             .outerjoin(Area, Area.id == ExportLog.area_id))
    if area_id is not None:
        area = await staff_area(session, actor, area_id, *LOG_READERS)
        query = query.where(Area.path.startswith(area.path))
    else:
        query = query.where(actor.in_scope(Area.path, *LOG_READERS))
    if report:
        query = query.where(ExportLog.report == report)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = (await session.execute(query.order_by(ExportLog.id.desc()).limit(limit).offset(offset))).all()
    return ExportLogPage([_log_read(log, actor_name, area_name) for log, actor_name, area_name in rows],
                         total, limit, offset)


def _log_read(log: ExportLog, actor_name: str, area_name: str | None) -> ExportLogRead:
    found = REPORTS.get(log.report)
    return ExportLogRead(
        id=log.id, actor_id=log.actor_id, actor_name=actor_name, report=log.report,
        report_title=found.title if found else log.report, file_format=log.file_format, area_id=log.area_id,
        area_name=area_name, date_from=log.date_from, date_to=log.date_to, revealed=log.revealed, reason=log.reason,
        row_count=log.row_count, at=log.at)
