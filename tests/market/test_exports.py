"""台账 exports: the orders ledger as CSV and xlsx, masked contacts unless revealed with a reason, the export log."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from sqlalchemy import select

from market.accounts.phones import mask_phone
from market.clock import ManualClock
from market.database import Database
from market.exports import registry, service
from market.exports.catalogue import REPORTS
from market.exports.orders_ledger import ORDERS_LEDGER
from market.exports.registry import Catalogue, Column, ExportFilters, Report
from market.exports.writers import neutralised
from market.models import ExportLog
from market.orders.masking import mask_address
from tests.market.flows import Flows, move_clock, signed_in
from tests.market.world import LOGINS, WISH, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATE_FROM, DATE_TO = date(2026, 11, 21), date(2026, 11, 22)
BOM = b"\xef\xbb\xbf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOME = "和平路12号3幢2单元1203室"  # the world's residents' address
FORMULA_TITLE = '=HYPERLINK("http://evil.example","点我")'
FORMULA_DESCRIPTION = "@SUM(1+1)*cmd|' /C calc'!A0"


@dataclass
class Scenario:
    flows: Flows
    world: World
    database: Database
    # Every order made, as the API shows it to an administrator (masked contacts).
    orders: dict[int, dict]

    def expected_ids(self, area_ids: set[int]) -> list[int]:
        """The orders an export of these areas over DATE_FROM–DATE_TO must hold, by their local creation date."""
        return sorted(order_id for order_id, order in self.orders.items() if order["area_id"] in area_ids
                      and DATE_FROM <= datetime.fromisoformat(order["created_at"]).astimezone(SHANGHAI).date()
                      <= DATE_TO)

    def headers(self, account_id: int) -> dict[str, str]:
        return self.flows.headers[account_id]


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
async def scenario(client: httpx.AsyncClient, world: World, database: Database, clock: ManualClock,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Scenario]:
    """Orders either side of the range's local-midnight edges, in both communities, in several states."""
    # Pages of two rows: every export below crosses page boundaries.
    monkeypatch.setattr(registry, "PAGE_SIZE", 2)
    w = world
    flows = await signed_in(client, w, database, w.resident, w.other_resident, w.dispatcher, w.other_dispatcher,
                            w.auditor, w.admin, w.member)
    # Every moment lies before the world's START: a token minted later than the host's own time is refused.
    await move_clock(_at(20, 9, 0), flows, database, clock)  # the day before the range
    ids = [(await flows.order_in("submitted")).order_id]
    await move_clock(_at(21, 0, 5), flows, database, clock)  # 16:05 UTC on the 20th, but the 21st locally
    ids.append((await flows.order_in("closed")).order_id)
    ids.append((await flows.call("POST", "/api/orders", w.resident, json={
        **WISH, "title": FORMULA_TITLE, "description": FORMULA_DESCRIPTION}))["id"])
    await move_clock(_at(21, 12, 0), flows, database, clock)
    ids.append((await flows.call("POST", "/api/orders", w.other_resident, json=WISH))["id"])
    ids.append((await flows.call("POST", "/api/orders/problems", w.dispatcher, json={
        "source": "hotline", "category": "repair", "title": "路灯不亮", "description": "小区门口路灯坏了",
        "grid_id": w.grid, "address": "和平路1号"}))["id"])
    await move_clock(_at(22, 23, 55), flows, database, clock)  # the last minutes of the range
    ids.append((await flows.order_in("offered")).order_id)
    await move_clock(_at(23, 0, 5), flows, database, clock)  # the first minutes after it
    ids.append((await flows.order_in("submitted")).order_id)
    orders = {order_id: await flows.call("GET", f"/api/orders/{order_id}", w.admin) for order_id in ids}
    yield Scenario(flows, w, database, orders)


async def _export(s: Scenario, account_id: int, area: int, file_format: str, **params: str) -> httpx.Response:
    query = {"area_id": str(area), "date_from": DATE_FROM.isoformat(), "date_to": DATE_TO.isoformat(),
             "format": file_format, **params}
    return await s.flows.client.get("/api/exports/orders", params=query, headers=s.headers(account_id))


def _csv_records(response: httpx.Response) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(BOM)
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _xlsx_sheet(response: httpx.Response):  # noqa: ANN202 - an openpyxl worksheet
    assert response.status_code == 200, response.text
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _xlsx_records(sheet) -> list[dict[str, object]]:  # noqa: ANN001
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


async def _logs(database: Database) -> list[ExportLog]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(ExportLog).order_by(ExportLog.id))).all())


async def test_the_csv_ledger_has_chinese_headers_and_exactly_the_orders_of_the_area_and_its_local_dates(
        scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    response = await _export(s, w.dispatcher, w.community, "csv")
    header, records = _csv_records(response)
    assert header == [column.title for column in ORDERS_LEDGER.columns]
    assert {"编号", "类型", "分类", "标题", "状态", "街道", "社区", "网格", "居民", "联系电话", "地址", "接单人",
            "创建时间", "接单时间", "办结时间", "评价星级", "是否超时"} <= set(header)
    expected = s.expected_ids({w.community, w.grid})
    assert [int(r["编号"]) for r in records] == expected and len(expected) >= 4
    assert response.headers["content-type"].startswith("text/csv") and "charset=utf-8" in response.headers[
        "content-type"]
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"orders_")
    assert f"filename*=UTF-8''{quote('订单台账_t-c1_2026-11-21至2026-11-22.csv', safe='')}" in disposition
    for record in records:
        order = s.orders[int(record["编号"])]
        assert (record["类型"], record["状态"], record["标题"]) == (
            order["kind_name"], order["status_name"], neutralised(order["title"]))
        assert (record["社区"], record["网格"], record["街道"]) == ("t-c1", "t-c1-g1", "t-street")
        local_created = datetime.fromisoformat(order["created_at"]).astimezone(SHANGHAI)
        assert record["创建时间"] == local_created.strftime("%Y-%m-%d %H:%M")
        assert record["居民"] == (order["requester"]["display_name"] if order["requester"] else "")
        assert record["接单人"] == "、".join(a["member"]["display_name"] for a in order["assignees"]
                                             if a["status"] == "accepted")
        assert record["评价星级"] == (str(order["rating"]) if order["rating"] else "")
    closed = [r for r in records if s.orders[int(r["编号"])]["status"] == "closed"]
    assert closed and all(r["接单人"] and r["办结时间"] and r["销号时间"] and r["是否超时"] == "否" for r in closed)
    # The street holds the other community's order too.
    _, street = _csv_records(await _export(s, w.auditor, w.street, "csv"))
    street_areas = {w.street, w.community, w.other_community, w.grid, w.other_grid}
    assert [int(r["编号"]) for r in street] == s.expected_ids(street_areas) != expected


async def test_the_xlsx_ledger_has_a_bold_frozen_chinese_header_real_dates_and_exactly_the_orders(
        scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    response = await _export(s, w.admin, w.community, "xlsx")
    assert response.headers["content-type"] == XLSX
    assert f"filename*=UTF-8''{quote('订单台账_t-c1_2026-11-21至2026-11-22.xlsx', safe='')}" in response.headers[
        "content-disposition"]
    sheet = _xlsx_sheet(response)
    assert sheet.title == "订单台账" and sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [column.title for column in ORDERS_LEDGER.columns]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width  # 标题 wider than 编号
    records = _xlsx_records(sheet)
    assert [r["编号"] for r in records] == s.expected_ids({w.community, w.grid})
    for record in records:
        order = s.orders[record["编号"]]
        created = datetime.fromisoformat(order["created_at"]).astimezone(SHANGHAI).replace(tzinfo=None)
        assert isinstance(record["创建时间"], datetime)
        assert abs((record["创建时间"] - created).total_seconds()) < 1
        assert record["状态"] == order["status_name"]


async def test_phones_and_addresses_are_masked_by_default_and_the_export_is_logged(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    _, records = _csv_records(await _export(s, w.dispatcher, w.community, "csv"))
    residents = [r for r in records if r["居民"]]
    assert residents
    assert {r["联系电话"] for r in residents} == {mask_phone(LOGINS[w.resident])}
    assert {r["地址"] for r in residents} == {mask_address(HOME)}
    [log] = await _logs(s.database)
    assert (log.actor_id, log.report, log.file_format, log.area_id, log.date_from, log.date_to) == (
        w.dispatcher, "orders", "csv", w.community, DATE_FROM, DATE_TO)
    assert (log.revealed, log.reason, log.row_count) == (False, "", len(records))


async def test_a_dispatcher_revealing_with_a_reason_gets_full_contacts_and_the_log_says_so(
        scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    response = await _export(s, w.dispatcher, w.community, "xlsx", reveal="true", reason="年底回访居民")
    records = [r for r in _xlsx_records(_xlsx_sheet(response)) if r["居民"]]
    assert records and {r["联系电话"] for r in records} == {LOGINS[w.resident]}
    assert {r["地址"] for r in records} == {HOME}
    [log] = await _logs(s.database)
    assert (log.actor_id, log.revealed, log.reason, log.file_format) == (w.dispatcher, True, "年底回访居民", "xlsx")
    assert log.row_count == len(s.expected_ids({w.community, w.grid}))


@pytest.mark.parametrize("reason", [None, "", "   "])
async def test_a_reveal_without_a_reason_is_refused_naming_reason(scenario: Scenario, reason: str | None) -> None:
    s, w = scenario, scenario.world
    params = {"reveal": "true"} | ({"reason": reason} if reason is not None else {})
    response = await _export(s, w.dispatcher, w.community, "csv", **params)
    assert response.status_code == 400 and response.json()["field"] == "reason"
    assert await _logs(s.database) == []


async def test_an_auditor_may_export_masked_but_not_reveal(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    refused = await _export(s, w.auditor, w.community, "csv", reveal="true", reason="核查")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert await _logs(s.database) == []
    _, records = _csv_records(await _export(s, w.auditor, w.community, "csv"))
    assert {r["联系电话"] for r in records if r["居民"]} == {mask_phone(LOGINS[w.resident])}


async def test_an_area_outside_the_exporters_grants_answers_404_and_logs_nothing(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    for area_id in (w.other_community, w.street, 999_999):
        response = await _export(s, w.dispatcher, area_id, "xlsx")
        assert response.status_code == 404, area_id
    # A resident is no exporter at all, whatever the area: the route's policy answers first.
    assert (await _export(s, w.resident, w.community, "csv")).status_code == 403
    assert await _logs(s.database) == []


async def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    _, records = _csv_records(await _export(s, w.dispatcher, w.community, "csv"))
    [record] = [r for r in records if r["内容"] == "'" + FORMULA_DESCRIPTION]
    assert record["标题"] == "'" + FORMULA_TITLE
    sheet = _xlsx_sheet(await _export(s, w.dispatcher, w.community, "xlsx"))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == FORMULA_TITLE]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_to": "25/11/2026"}, "date_to"),
    ({"date_from": "2026-11-23", "date_to": "2026-11-22"}, "date_to"),
    ({"format": "pdf"}, "format"),
    ({"area_id": "t-c1"}, "area_id"),
])
async def test_a_bad_query_value_is_refused_naming_the_field(scenario: Scenario, params: dict[str, str],
                                                             field: str) -> None:
    s, w = scenario, scenario.world
    response = await _export(s, w.dispatcher, w.community, "csv", **params)
    assert response.status_code == 400 and response.json()["field"] == field
    assert await _logs(s.database) == []


async def test_an_unknown_report_answers_404(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    response = await s.flows.client.get("/api/exports/nothing", params={
        "area_id": w.community, "date_from": "2026-11-21", "date_to": "2026-11-22"}, headers=s.headers(w.dispatcher))
    assert response.status_code == 404


async def test_the_export_log_is_read_by_auditors_and_admins_within_their_areas(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    await _export(s, w.dispatcher, w.community, "csv")
    await _export(s, w.admin, w.street, "xlsx", reveal="true", reason="区里抽查")
    page = await s.flows.call("GET", "/api/exports/log", w.auditor)
    assert page["total"] == 2
    assert [(i["actor_id"], i["report_title"], i["file_format"], i["area_id"], i["revealed"], i["reason"])
            for i in page["items"]] == [(w.admin, "订单台账", "xlsx", w.street, True, "区里抽查"),
                                        (w.dispatcher, "订单台账", "csv", w.community, False, "")]
    community = await s.flows.call("GET", f"/api/exports/log?area_id={w.community}", w.admin)
    assert [i["area_id"] for i in community["items"]] == [w.community]
    refused = await s.flows.client.get("/api/exports/log", headers=s.headers(w.dispatcher))
    assert refused.status_code == 403


async def test_the_reports_on_offer_are_listed_with_their_columns(scenario: Scenario) -> None:
    s, w = scenario, scenario.world
    reports = await s.flows.call("GET", "/api/exports", w.dispatcher)
    [orders] = [r for r in reports if r["code"] == "orders"]
    assert orders["title"] == "订单台账" and orders["columns"][0] == "编号" and "联系电话" in orders["columns"]
    assert orders["formats"] == ["csv", "xlsx"] and orders["has_contacts"] is True


async def test_a_report_added_to_the_catalogue_is_written_by_both_writers_unchanged(
        scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    s, w = scenario, scenario.world
    seen: list[ExportFilters] = []

    async def rows(session, actor, filters: ExportFilters):  # noqa: ANN001, ANN202 - a RowSource
        seen.append(filters)
        yield [("+积分", filters.date_from, 3), ("普通", filters.date_to, -2)]

    extra = Report(code="points_test", title="积分台账", columns=(Column("说明"), Column("日期"), Column("积分")),
                   rows=rows)
    monkeypatch.setattr(service, "REPORTS", Catalogue([*REPORTS, extra]))
    params = {"area_id": str(w.street), "date_from": "2026-11-21", "date_to": "2026-11-22"}
    as_csv = await s.flows.client.get("/api/exports/points_test", params={**params, "format": "csv"},
                                      headers=s.headers(w.auditor))
    assert _csv_records(as_csv)[1] == [{"说明": "'+积分", "日期": "2026-11-21", "积分": "3"},
                                       {"说明": "普通", "日期": "2026-11-22", "积分": "-2"}]
    as_xlsx = await s.flows.client.get("/api/exports/points_test", params=params, headers=s.headers(w.auditor))
    assert _xlsx_records(_xlsx_sheet(as_xlsx)) == [{"说明": "+积分", "日期": datetime(2026, 11, 21), "积分": 3},
                                                   {"说明": "普通", "日期": datetime(2026, 11, 22), "积分": -2}]
    assert [(f.area_id, f.date_from, f.date_to, f.reveal) for f in seen] == [(w.street, DATE_FROM, DATE_TO, False)] * 2
    refused = await s.flows.client.get("/api/exports/points_test", params={**params, "reveal": "true", "reason": "x"},
                                       headers=s.headers(w.admin))
    assert refused.status_code == 400 and refused.json()["field"] == "reveal"


def test_the_catalogue_refuses_a_taken_reserved_or_malformed_code() -> None:
    for code in ("orders", "log", "Orders", "订单", "x" * 25):
        with pytest.raises(ValueError):
            Catalogue([ORDERS_LEDGER, Report(code=code, title="台账", columns=(Column("列"),),
                                             rows=ORDERS_LEDGER.rows)])
