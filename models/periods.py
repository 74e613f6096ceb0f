"""Reporting months as keys ("2026-11") and the windows of the action frequencies.

Keys sort as strings in calendar order, so a window is a plain range query on Report.period.
Windows are calendar-aligned: a quarter is Jan–Mar, Apr–Jun, Jul–Sep or Oct–Dec; a half-year is
Jan–Jun or Jul–Dec; a year is the calendar year; a monthly window is the month itself.
"""
from __future__ import annotations

import datetime
import re

KEY_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")

WINDOW_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def check(key: str) -> str:
    """The key itself if it is a valid "YYYY-MM" month, else ValueError."""
    match = KEY_PATTERN.match(key or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValueError(f"not a period key: {key!r}")
    return key


def make(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def split(key: str) -> tuple[int, int]:
    year, month = check(key).split("-")
    return int(year), int(month)


def shift(key: str, months: int) -> str:
    """The key `months` months later (earlier when negative)."""
    year, month = split(key)
    index = year * 12 + month - 1 + months
    return make(index // 12, index % 12 + 1)


def previous(key: str) -> str:
    return shift(key, -1)


def window_start(frequency: str, key: str) -> str:
    """The first month of the frequency's window that contains this month."""
    size = WINDOW_MONTHS[frequency]
    year, month = split(key)
    return make(year, (month - 1) // size * size + 1)


def window_end(frequency: str, key: str) -> str:
    """The last month of the frequency's window that contains this month."""
    return shift(window_start(frequency, key), WINDOW_MONTHS[frequency] - 1)


def of_date(day: datetime.date) -> str:
    return make(day.year, day.month)



def publishable(this: str, key: str) -> bool:
    """Whether a month may be published without forcing: this one or the next."""
    return key in (this, shift(this, 1))
