"""Fault switches for the stand-in's /cgi-bin/ API: latency, injected errcodes, lost answers.

A Faults object holds no lock of its own; State calls it while holding the state's lock.
"""
from __future__ import annotations

import random

DEFAULTS = {
    "latency_ms": 0,
    "error_rate": 0.0,
    "errcode": -1,
    "fail_next": 0,
    "drop_responses": False,
    "drop_rate": 0.0,
    "drop_next": 0,
    "hang_seconds": 30.0,
    "include_gettoken": False,
    "seed": 0,
}
NUMBERS = {"latency_ms": int, "fail_next": int, "drop_next": int, "errcode": int, "seed": int,
           "error_rate": float, "drop_rate": float, "hang_seconds": float}
FLAGS = ("drop_responses", "include_gettoken")


class FaultError(ValueError):
    """A fault switch was given an unknown name or a value of the wrong kind."""


class Faults:
    def __init__(self, rate_per_minute: int):
        self.default_rate = rate_per_minute
        self.clear()

    def clear(self) -> None:
        self.values = dict(DEFAULTS, rate_per_minute=self.default_rate)
        self.rng = random.Random(self.values["seed"])

    def update(self, changes: dict) -> dict:
        """Apply the given switches (others keep their value); returns all switches."""
        parsed = {name: parse(name, value) for name, value in changes.items()}
        self.values.update(parsed)
        if parsed.keys() & {"seed", "error_rate", "drop_rate"}:
            self.rng = random.Random(self.values["seed"])
        return dict(self.values)

    def applies_to(self, path: str) -> bool:
        return not path.endswith("/gettoken") or self.values["include_gettoken"]

    def latency_seconds(self) -> float:
        return self.values["latency_ms"] / 1000

    def take_failure(self) -> int | None:
        """The errcode this call must fail with, or None; consumes fail_next."""
        if self.values["fail_next"] > 0:
            self.values["fail_next"] -= 1
            return self.values["errcode"]
        rate = self.values["error_rate"]
        if rate > 0 and self.rng.random() < rate:
            return self.values["errcode"]
        return None

    def take_drop(self) -> bool:
        """Whether this call's answer must be lost; consumes drop_next."""
        if self.values["drop_next"] > 0:
            self.values["drop_next"] -= 1
            return True
        rate = self.values["drop_rate"]
        return bool(self.values["drop_responses"]) or (rate > 0 and self.rng.random() < rate)


def parse(name: str, value):
    if name == "rate_per_minute":
        return _number(name, value, int, minimum=1)
    if name in FLAGS:
        if not isinstance(value, bool):
            raise FaultError(f"{name}: expected true or false, got {value!r}")
        return value
    if name not in NUMBERS:
        raise FaultError(f"{name}: unknown fault switch")
    parsed = _number(name, value, NUMBERS[name], minimum=None if name == "errcode" else 0)
    if name in ("error_rate", "drop_rate") and parsed > 1:
        raise FaultError(f"{name}: must be between 0 and 1, got {value!r}")
    return parsed


def _number(name: str, value, kind, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultError(f"{name}: expected a number, got {value!r}")
    if kind is int and value != int(value):
        raise FaultError(f"{name}: expected an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise FaultError(f"{name}: must be at least {minimum}, got {value!r}")
    return kind(value)
