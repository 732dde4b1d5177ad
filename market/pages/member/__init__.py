"""The member's (党员) pages: offers with why they came, the open board, live work, points and profile."""

from __future__ import annotations

from market.pages.member import offers, profile, work

HANDLERS = [
    offers.offers_page, offers.accept, offers.decline, offers.board_page, offers.claim,
    work.work_page, work.work_order_page, work.start, work.progress, work.complete,
    profile.points_page, profile.profile_page, profile.save_profile,
]
