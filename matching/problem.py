"""The problem file: weights, orders and candidates as msgspec structs, read and checked with errors naming the id."""

from __future__ import annotations

import re
from typing import Any

import msgspec

WEEK_MIN = 10080
FORMAT_VERSION = 1
# Bounds that keep every cost term, and the flow solver's scaled costs, far inside 64-bit integers.
MAX_MINUTE = 366 * 1440  # times are minutes from the start of the round, within a year
MAX_METRES = 10_000_000  # positions and radii, in metres from the city's centre
MAX_WEIGHT = 1_000_000
MAX_LOAD = 1_000_000  # load, and waiting_hours
MAX_COUNT = 10_000  # capacity, headcount


class ProblemError(ValueError):
    """The problem cannot be solved as given; the message names the order or candidate id and the field."""


class Weights(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    distance_per_100m: int = 1
    fairness_per_order: int = 5
    outside_community: int = 0
    unserved_per_urgency: int = 10000
    unserved_per_waiting_hour: int = 0


class Order(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
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


class Candidate(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
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
        _within(getattr(problem.weights, name), 0, MAX_WEIGHT, f"weights.{name}")
    _check_unique("order", [order.id for order in problem.orders])
    _check_unique("candidate", [candidate.id for candidate in problem.candidates])
    for order in problem.orders:
        _check_order(order)
    for candidate in problem.candidates:
        _check_candidate(candidate)


def _check_order(order: Order) -> None:
    where = f"order {order.id}"
    _within(order.headcount, 1, MAX_COUNT, f"{where}: headcount")
    if not 1 <= order.urgency <= 5:
        raise ProblemError(f"{where}: urgency must be 1–5")
    _within(order.start_min, 0, MAX_MINUTE, f"{where}: start_min")
    _within(order.end_min, 0, MAX_MINUTE, f"{where}: end_min")
    if order.end_min <= order.start_min:
        raise ProblemError(f"{where}: end_min must be after start_min")
    _within(order.waiting_hours, 0, MAX_LOAD, f"{where}: waiting_hours")
    _place(order.x_m, order.y_m, where)


def _check_candidate(candidate: Candidate) -> None:
    where = f"candidate {candidate.id}"
    _within(candidate.capacity, 0, MAX_COUNT, f"{where}: capacity")
    _within(candidate.load, 0, MAX_LOAD, f"{where}: load")
    _within(candidate.radius_m, 0, MAX_METRES, f"{where}: radius_m")
    _place(candidate.x_m, candidate.y_m, where)
    for start, end in candidate.available:
        _within(start, 0, MAX_MINUTE, f"{where}: available")
        _within(end, 0, MAX_MINUTE, f"{where}: available")
        if end <= start:
            raise ProblemError(f"{where}: available interval [{start}, {end}) is empty")


def _place(x_m: float, y_m: float, where: str) -> None:
    _within(x_m, -MAX_METRES, MAX_METRES, f"{where}: x_m")
    _within(y_m, -MAX_METRES, MAX_METRES, f"{where}: y_m")


def _within(value: float, low: float, high: float, field: str) -> None:
    # `not low <= value` also catches NaN, which compares false with everything.
    if not low <= value <= high:
        raise ProblemError(f"{field}: must be between {low} and {high}, got {value}")


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
