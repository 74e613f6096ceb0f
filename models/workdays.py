"""Which days are workdays in China: weekends and public holidays are not, make-up workdays (调休)
are. `chinese-calendar` knows the State Council's published years; for a year it does not cover
yet, the `holidays` package's China calendar plus weekends stands in (make-up days unknown), and
the year is reported once. The configuration can name extra holidays and workdays either way.
"""
from __future__ import annotations

import datetime
import functools
import logging

import chinese_calendar
import holidays

log = logging.getLogger(__name__)
SEARCH_DAYS = 60           # no run of days off in China is longer
_FALLBACK: dict[int, holidays.HolidayBase] = {}      # year → the estimate, warned about once per process


@functools.cache
def _official(day: datetime.date) -> bool | None:
    """chinese-calendar's answer (slow to ask: it checks its range each time), None for a year it
    does not cover."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class Workdays:
    def __init__(self, extra_holidays=(), extra_workdays=()):
        self.extra_holidays = {datetime.date.fromisoformat(d) for d in extra_holidays}
        self.extra_workdays = {datetime.date.fromisoformat(d) for d in extra_workdays}
        self.estimated_years: set[int] = set()       # years this calendar had to estimate
        self._estimates: dict[datetime.date, bool] = {}

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        official = _official(day)
        return self._estimate(day) if official is None else official

    def _estimate(self, day: datetime.date) -> bool:
        if day not in self._estimates:
            self._estimates[day] = self._fallback(day)
        return self._estimates[day]

    def _fallback(self, day: datetime.date) -> bool:
        if day.year not in _FALLBACK:
            log.warning("chinese-calendar has no data for %d yet: weekends and the holidays package's China "
                        "calendar stand in (make-up workdays unknown); name them in schedule.extra_workdays",
                        day.year)
            _FALLBACK[day.year] = holidays.China(years=day.year)
        self.estimated_years.add(day.year)
        return day.weekday() < 5 and day not in _FALLBACK[day.year]

    def on_or_after(self, day: datetime.date) -> datetime.date:
        """The day itself if it is a workday, else the next workday."""
        for offset in range(SEARCH_DAYS):
            candidate = day + datetime.timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(f"no workday within {SEARCH_DAYS} days of {day}")

    def on_or_before(self, day: datetime.date) -> datetime.date:
        """The day itself if it is a workday, else the last workday before it."""
        for offset in range(SEARCH_DAYS):
            candidate = day - datetime.timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise ValueError(f"no workday within {SEARCH_DAYS} days before {day}")

    def before(self, day: datetime.date, count: int = 1) -> datetime.date:
        """The `count`-th workday before `day` (day itself not counted): the last one by default."""
        found = day
        for _ in range(count):
            found = self.on_or_before(found - datetime.timedelta(days=1))
        return found

    def after(self, day: datetime.date, count: int) -> datetime.date:
        """The `count`-th workday after `day` (day itself not counted)."""
        found = day
        for _ in range(count):
            found = self.on_or_after(found + datetime.timedelta(days=1))
        return found
