"""The two file writers of reports: CSV (UTF-8 with a BOM) and xlsx (XlsxWriter in constant-memory mode).

A writer is opened on a binary file with the report's title and columns, takes pages of rows, and is
closed once; it never holds more than the page it is given. Both are synchronous: the service runs
them in a worker thread so the event loop keeps serving while a large file is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import BinaryIO, Protocol

import xlsxwriter

from market.errors import InvalidInput
from market.exports.registry import Cell, Column, Row

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, after OWASP):
# text from residents must never run as one on a worker's computer.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_TEXT = "%Y-%m-%d %H:%M"
# Excel's last row, less the header.
XLSX_MAX_ROWS = 1_048_575
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


class SheetWriter(Protocol):
    def write(self, rows: Iterable[Row]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class FileFormat:
    code: str
    extension: str
    media_type: str
    open: Callable[[BinaryIO, str, Sequence[Column], tzinfo], SheetWriter]


def neutralised(text: str) -> str:
    """`=1+1` → `'=1+1`: shown as typed, never evaluated."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local(value: Cell, tz: tzinfo) -> Cell:
    """Aware times (stored in UTC) as the community's wall-clock time; spreadsheets have no time zones."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(tz).replace(tzinfo=None)
    return value


class CsvSheet:
    """CSV that Excel opens with its Chinese intact: UTF-8 with a byte-order mark, CRLF lines."""

    def __init__(self, handle: BinaryIO, title: str, columns: Sequence[Column], tz: tzinfo) -> None:
        self._text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._text)
        self._tz = tz
        self._csv.writerow([neutralised(column.title) for column in columns])

    def write(self, rows: Iterable[Row]) -> None:
        self._csv.writerows([self._text_of(value) for value in row] for row in rows)

    def close(self) -> None:
        self._text.flush()
        # The file belongs to the caller, who still has to send it: let go of it without closing it.
        self._text.detach()

    def _text_of(self, value: Cell) -> str:
        value = local(value, self._tz)
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime(DATETIME_TEXT)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return neutralised(value)
        return str(value)


class XlsxSheet:
    """One worksheet written row by row (constant memory): bold frozen header, set widths, real date cells."""

    def __init__(self, handle: BinaryIO, title: str, columns: Sequence[Column], tz: tzinfo) -> None:
        # Text is always written as text: nothing a resident typed becomes a formula, a link or a number.
        self._book = xlsxwriter.Workbook(handle, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self._sheet = self._book.add_worksheet(title.translate(SHEET_NAME_FORBIDDEN)[:31])
        self._datetime = self._book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._date = self._book.add_format({"num_format": "yyyy-mm-dd"})
        self._tz = tz
        self._width = len(columns)
        header = self._book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        for index, column in enumerate(columns):
            self._sheet.set_column(index, index, column.width)
            self._sheet.write_string(0, index, column.title, header)
        self._sheet.freeze_panes(1, 0)
        self._row = 1

    def write(self, rows: Iterable[Row]) -> None:
        for row in rows:
            if self._row > XLSX_MAX_ROWS:
                raise InvalidInput("超过 Excel 的行数上限，请缩小日期范围或导出 CSV", field="format")
            for index, value in enumerate(row):
                self._cell(index, local(value, self._tz))
            self._row += 1

    def close(self) -> None:
        self._sheet.autofilter(0, 0, max(self._row - 1, 0), self._width - 1)
        self._book.close()

    def _cell(self, index: int, value: Cell) -> None:
        if value is None:
            return
        if isinstance(value, datetime):
            self._sheet.write_datetime(self._row, index, value, self._datetime)
        elif isinstance(value, date):
            self._sheet.write_datetime(self._row, index, value, self._date)
        elif isinstance(value, int | float):
            self._sheet.write_number(self._row, index, value)
        else:
            self._sheet.write_string(self._row, index, str(value))


FORMATS: dict[str, FileFormat] = {
    "csv": FileFormat("csv", "csv", "text/csv", CsvSheet),
    "xlsx": FileFormat("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       XlsxSheet),
}
