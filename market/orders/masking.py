"""Masking residents' contact details: phones to 138****8000, addresses to the building."""

from __future__ import annotations

import re

from market.accounts.phones import mask_phone

# Everything up to the building (幢/栋/号楼/座), or failing that up to the street number (号).
BUILDING = re.compile(r"^.*?(?:幢|栋|号楼|座)")
STREET_NUMBER = re.compile(r"^.*?号")
MASK = "****"


def mask_address(address: str) -> str:
    """`和平路12号3幢2单元1203室` → `和平路12号3幢****`."""
    for pattern in (BUILDING, STREET_NUMBER):
        found = pattern.match(address)
        if found and found.end() < len(address):
            return found.group(0) + MASK
    return address[: max(2, len(address) // 3)] + MASK


def shown_phone(phone: str | None, full: bool) -> str | None:
    return phone if full else mask_phone(phone)


def shown_address(address: str, full: bool) -> str:
    return address if full else mask_address(address)
