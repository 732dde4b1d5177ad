"""The auditor's (组织部门) pages, listed for the page router: points audit, star ratings, KPIs and 台账 exports."""

from __future__ import annotations

from market.pages import auditor_exports, auditor_kpis, auditor_points, auditor_ratings

AUDITOR_PAGES = [*auditor_points.HANDLERS, *auditor_ratings.HANDLERS, *auditor_kpis.HANDLERS,
                 *auditor_exports.HANDLERS]
