"""The one clock: every "now" and "today" of the product comes from a Clock the services hold.

Real time in the organisation's time zone, or a moment that was set (tests, rehearsals of a month
with `cycle tick --at`). Timestamps are stored as naive UTC; dates and periods are read in the
configured zone, whatever the machine's own zone is.
"""
from __future__ import annotations

import contextlib
import datetime
from zoneinfo import ZoneInfo

from models.periods import of_date


class Clock:
    def __init__(self, timezone: str = "Asia/Shanghai", at: datetime.datetime | None = None):
        self.zone = ZoneInfo(timezone)
        self._at: datetime.datetime | None = None
        if at is not None:
            self.set(at)

    @property
    def is_set(self) -> bool:
        """Stopped at a moment that was set (a test's, a rehearsal's), not running with real time."""
        return self._at is not None

    def set(self, at: datetime.datetime) -> None:
        """Stop at this moment (a naive value is read in the clock's zone)."""
        self._at = at if at.tzinfo else at.replace(tzinfo=self.zone)

    @contextlib.contextmanager
    def moved_to(self, at: datetime.datetime):
        """Stop at `at` for the block, then run (or stop) as before: a rehearsal leaves the
        services' clock as it found it."""
        before = self._at
        self.set(at)
        try:
            yield self
        finally:
            self._at = before

    def advance(self, delta: datetime.timedelta) -> None:
        """Move a set clock on (a real clock cannot be moved)."""
        if self._at is None:
            raise ValueError("a real clock cannot be moved")
        self._at += delta

    def now(self) -> datetime.datetime:
        """Now, aware, in the organisation's zone."""
        if self._at is not None:
            return self._at.astimezone(self.zone)
        return datetime.datetime.now(self.zone)

    def today(self) -> datetime.date:
        return self.now().date()

    def period(self) -> str:
        """This month, "2026-12", where the organisations are."""
        return of_date(self.today())

    def utcnow(self) -> datetime.datetime:
        """Now as stored in every timestamp column: naive UTC."""
        return self.now().astimezone(datetime.UTC).replace(tzinfo=None)

    def timestamp(self) -> int:
        """Seconds since the epoch (WeCom's CreateTime and TimeStamp)."""
        return int(self.now().timestamp())

    def local(self, stored: datetime.datetime) -> datetime.datetime:
        """A stored naive-UTC timestamp in the organisation's zone."""
        return stored.replace(tzinfo=datetime.UTC).astimezone(self.zone)


def parse_moment(text: str, timezone: str) -> datetime.datetime:
    """"2026-12-07T09:30" (read in `timezone`) or with an offset, as an aware datetime."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))
