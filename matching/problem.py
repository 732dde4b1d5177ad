"""The problem file: weights, orders and candidates as msgspec structs, read and checked with errors naming the id."""

from __future__ import annotations

import re
from typing import Any

import msgspec

WEEK_MIN = 10080
FORMAT_VERSION = 1


class ProblemError(ValueError):
    """The problem cannot be solved as given; the message names the order or candidate id and the field."""


class Weights(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    distance_per_100m: int = 1
    fairness_per_order: int = 5
    outside_community: int = 0
    unserved_per_urgency: int = 10000
    unserved_per_waiting_hour: int = 0


class Order(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: str
    category: str
    x_m: float
    y_m: float
    skills: list[str] = []
    headcount: int = 1
    team: bool = False
    urgency: int = 1
    waiting_hours: int = 0
    community: str = ""
    start_min: int = 0
    end_min: int = WEEK_MIN
    exclude: list[str] = []


class Candidate(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: str
    categories: list[str]
    x_m: float
    y_m: float
    capacity: int
    skills: list[str] = []
    radius_m: float = 5000.0
    load: int = 0
    community: str = ""
    available: list[tuple[int, int]] = msgspec.field(default_factory=lambda: [(0, WEEK_MIN)])


class Problem(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    version: int = FORMAT_VERSION
    weights: Weights = Weights()
    nearest: int = 30
    orders: list[Order]
    candidates: list[Candidate]


_decoder = msgspec.json.Decoder(Problem)


def read_problem(raw: bytes | str) -> Problem:
    """The problem in `raw` JSON, or a ProblemError naming the id and field at fault."""
    try:
        problem = _decoder.decode(raw)
    except msgspec.ValidationError as error:
        raise ProblemError(_name_the_id(str(error), raw)) from None
    except msgspec.DecodeError as error:
        raise ProblemError(f"not valid JSON: {error}") from None
    check_problem(problem)
    return problem


def write_problem(problem: Problem) -> bytes:
    return msgspec.json.encode(problem)


def check_problem(problem: Problem) -> None:
    """The rules a problem's values must follow beyond their types."""
    if problem.version != FORMAT_VERSION:
        raise ProblemError(f"version: expected {FORMAT_VERSION}, got {problem.version}")
    if problem.nearest < 1:
        raise ProblemError("nearest: must be at least 1")
    for name in Weights.__struct_fields__:
        if getattr(problem.weights, name) < 0:
            raise ProblemError(f"weights.{name}: must not be negative")
    _check_unique("order", [order.id for order in problem.orders])
    _check_unique("candidate", [candidate.id for candidate in problem.candidates])
    for order in problem.orders:
        _check_order(order)
    for candidate in problem.candidates:
        _check_candidate(candidate)


def _check_order(order: Order) -> None:
    if order.headcount < 1:
        raise ProblemError(f"order {order.id}: headcount must be at least 1")
    if not 1 <= order.urgency <= 5:
        raise ProblemError(f"order {order.id}: urgency must be 1–5")
    if order.end_min <= order.start_min:
        raise ProblemError(f"order {order.id}: end_min must be after start_min")
    if order.waiting_hours < 0:
        raise ProblemError(f"order {order.id}: waiting_hours must not be negative")


def _check_candidate(candidate: Candidate) -> None:
    if candidate.capacity < 0:
        raise ProblemError(f"candidate {candidate.id}: capacity must not be negative")
    if candidate.load < 0:
        raise ProblemError(f"candidate {candidate.id}: load must not be negative")
    if candidate.radius_m < 0:
        raise ProblemError(f"candidate {candidate.id}: radius_m must not be negative")
    for start, end in candidate.available:
        if end <= start:
            raise ProblemError(f"candidate {candidate.id}: available interval [{start}, {end}) is empty")


def _check_unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ProblemError(f"{kind} {item}: duplicate id")
        seen.add(item)


_PATH = re.compile(r"\$\.(orders|candidates)\[(\d+)\](.*)$")


def _name_the_id(message: str, raw: bytes | str) -> str:
    """msgspec names a list index; people know their orders by id, so the id goes in front."""
    text, _, path = message.partition(" - at `")
    found = _PATH.match(path.rstrip("`"))
    if not found:
        return f"{path.rstrip('`').removeprefix('$.') or 'problem'}: {text}"
    kind, index, field = found.group(1), int(found.group(2)), found.group(3).lstrip(".")
    item_id = _loose_id(raw, kind, index)
    where = f"{kind[:-1]} {item_id or f'#{index}'}"
    return f"{where}: {field}: {text}" if field else f"{where}: {text}"


def _loose_id(raw: bytes | str, kind: str, index: int) -> str | None:
    try:
        item: Any = msgspec.json.decode(raw)[kind][index]
        return str(item["id"]) if isinstance(item, dict) and "id" in item else None
    except (msgspec.DecodeError, KeyError, IndexError, TypeError):
        return None
