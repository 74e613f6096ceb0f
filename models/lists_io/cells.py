"""Reading typed values out of spreadsheet cells; every problem becomes a RowError for the admin."""
from __future__ import annotations

import datetime
import re
from typing import Mapping, NamedTuple

from models import periods
from models.separators import join_list, split_list

EXCLUDE_PREFIX = "非"          # 适用类型 "非无毕业年级": every org except those tagged 无毕业年级

DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
PERIOD_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")

MISSING = "必填项为空"
INTEGER_DIGITS = 9      # up to 999,999,999: fits the database's integer column


class RowError(NamedTuple):
    """One problem in a file: the row as the admin sees it (header = row 1), the column, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」:{self.reason}"


def parse_date(text: str) -> datetime.date:
    match = DATE_PATTERN.match(text)
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(group) for group in match.groups()))


def parse_period(text: str) -> str:
    """A month key from "2026-11", "2026/11", "2026年11月", or the 1st of the month (Excel
    turns a typed "2026-11" into the date 2026-11-01)."""
    match = PERIOD_PATTERN.match(text)
    if match:
        return periods.check(periods.make(int(match.group(1)), int(match.group(2))))
    day = parse_date(text)
    if day.day != 1:
        raise ValueError(text)
    return periods.of_date(day)


class RowReader:
    """One data row of a file: typed cell values, problems appended to a shared error list."""

    def __init__(self, number: int, cells: Mapping[str, str], errors: list[RowError]):
        self.number = number
        self.cells = cells
        self.errors = errors
        self.ok = True

    def fail(self, column: str, reason: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.number, column, reason))

    def text(self, column: str, required: bool = False, limit: int | None = None) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.fail(column, MISSING)
        elif limit is not None and len(value) > limit:
            self.fail(column, f"不能超过 {limit} 个字")
        return value

    def items(self, column: str) -> list[str]:
        return split_list(self.text(column))

    def choice(self, column: str, choices: Mapping[str, str], what: str, default: str | None = None):
        """The value for the cell's label in `choices`; an empty cell gives `default`."""
        label = self.text(column, required=default is None)
        if not label:
            return default
        if label not in choices:
            self.fail(column, f"未知{what}“{label}”,可选:{join_list(choices)}")
        return choices.get(label)

    def positive_integer(self, column: str) -> int | None:
        text = self.text(column)
        if not text:
            return None
        if len(text) > INTEGER_DIGITS and text.isdecimal():
            self.fail(column, f"不能超过 {INTEGER_DIGITS} 位数")
        elif not text.isdecimal() or int(text) < 1:      # isdigit() would let "²" through to int()
            self.fail(column, f"应为正整数,不是“{text}”")
        else:
            return int(text)
        return None

    def date(self, column: str) -> datetime.date | None:
        text = self.text(column)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            self.fail(column, f"日期“{text}”无法识别,请写成 2026-11-20")
            return None

    def period(self, column: str) -> str | None:
        text = self.text(column, required=True)
        if not text:
            return None
        try:
            return parse_period(text)
        except ValueError:
            self.fail(column, f"月份“{text}”无法识别,请写成 2026-11")
            return None

    def applicability(self, column: str, known: set[str]) -> tuple[list[str], list[str]]:
        """(applies_to, excludes) from a cell like "学院、非无毕业年级"; empty means every org."""
        applies_to, excludes = [], []
        for term in self.items(column):
            if term in known:
                applies_to.append(term)
            elif term.startswith(EXCLUDE_PREFIX) and term[len(EXCLUDE_PREFIX):] in known:
                excludes.append(term[len(EXCLUDE_PREFIX):])
            else:
                self.fail(column, f"未知类型或标签“{term}”")
        return applies_to, excludes


def applicability_text(applies_to: list[str], excludes: list[str]) -> str:
    return join_list([*applies_to, *(EXCLUDE_PREFIX + term for term in excludes)])


def check_unique(rows: list, key, column: str, errors: list[RowError]) -> None:
    """Flag every row whose key an earlier row already used. Rows have a `number`."""
    first_row = {}
    for row in rows:
        earlier = first_row.setdefault(key(row), row.number)
        if earlier != row.number:
            errors.append(RowError(row.number, column, f"与第 {earlier} 行重复"))
