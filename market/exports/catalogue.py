"""The reports on offer under /api/exports: add a feature's report here, one line, and nothing else changes."""

from __future__ import annotations

from market.exports.orders_ledger import ORDERS_LEDGER
from market.exports.registry import Catalogue
from market.kpis.export import KPI_REPORT
from market.points.export import POINTS_LEDGER
from market.ratings.export import STAR_RATINGS

REPORTS = Catalogue([
    ORDERS_LEDGER,
    POINTS_LEDGER,
    STAR_RATINGS,
    KPI_REPORT,
])
