"""The result file: assignments with their cost terms, unserved orders with a reason, and a few figures."""

from __future__ import annotations

from typing import Literal

import msgspec

from matching.problem import FORMAT_VERSION, ProblemError

Status = Literal["optimal", "feasible"]
Reason = Literal["no_eligible_candidate", "capacity", "team_incomplete", "cost"]
SolverName = Literal["flow", "greedy", "grab", "cpsat"]


class Terms(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    distance: int
    outside: int
    fairness: int


class Assignment(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    order: str
    candidate: str
    terms: Terms


class Unserved(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    order: str
    slots: int
    reason: Reason


class Stats(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    orders: int
    candidates: int
    pairs: int
    solver: SolverName
    # Measured time varies with the machine's load, so it is left out (null) unless asked for:
    # the same problem then gives the same bytes.
    seconds: float | None = None


class Result(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    version: int = FORMAT_VERSION
    status: Status
    objective: int
    lower_bound: int | None
    assignments: list[Assignment]
    unserved: list[Unserved]
    stats: Stats


_decoder = msgspec.json.Decoder(Result)


def read_result(raw: bytes | str) -> Result:
    try:
        return _decoder.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise ProblemError(f"result: {error}") from None


def write_result(result: Result) -> bytes:
    """The result file's bytes, ending with a newline as a text file should."""
    return msgspec.json.encode(result) + b"\n"
