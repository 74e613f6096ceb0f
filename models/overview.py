"""The year overview (年度工作一览表): an organisation's items × the twelve months, each cell an answer.
The year's Excel export writes it, the 我的年度 page shows it.

    items()                          (action id, task id) → YearItem, for every action and task
    cells(year, org_ids)             org id → (action id, task id) → month → (status, amount, note, reason)
    report_states(year, org_ids)     org id → month → (the report's status, late)
"""
from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from models.db import database
from models.directory import Action, Task
from models.items import action_order, natural_key
from models.report import Entry, EntryStatus, Report


class YearItem(NamedTuple):
    """A row of an org's year: a baseline action, or a monthly task (category None)."""

    order: tuple
    category: str | None
    title: str
    target: int | None = None       # yearly actions with a target get a tally
    unit: str = ""
    own: bool = False               # an organisation's own item (个性指标), marked where it is shown

    def tally(self, months: dict) -> str | None:
        """"3/2 次" against a yearly target, from its cells by month (the numbers given, else one a
        month done); None without a target."""
        if self.target is None:
            return None
        done = sum(amount if amount is not None else (1 if status == EntryStatus.DONE else 0)
                   for status, amount, _, _ in months.values())
        return f"{done}/{self.target} {self.unit}".strip()


def items() -> dict:
    """(action id, task id) → its YearItem, for every action and task."""
    found = {(a.id, None): YearItem((0, *action_order(a)), a.category, a.title,
                                    a.target if a.frequency == "yearly" else None, a.unit, a.own)
             for a in Action.select(Action.id, Action.code, Action.category, Action.title, Action.frequency,
                                    Action.target, Action.unit, Action.org)}
    tasks = Task.select(Task.id, Task.code, Task.period, Task.title).tuples()
    found.update({(None, task_id): YearItem((1, natural_key(code), period), None, title)
                  for task_id, code, period, title in tasks})
    return found


def cells(year: int, org_ids: list[int]) -> dict:
    """org id → (action id, task id) → month → (status, amount, note, reason).

    Read through the plain DB-API cursor: the columns need no conversion, and peewee's row
    wrappers tripled the time of a year's 3 M rows."""
    found = defaultdict(lambda: defaultdict(dict))
    query = (Entry.select(Report.org, Report.period, Entry.action, Entry.task, Entry.status, Entry.amount,
                          Entry.note, Entry.reason)
             .join(Report).where(Report.period.startswith(f"{year}-"), Report.org.in_(org_ids)))
    for org_id, period, action_id, task_id, *answer in database.execute(query):
        found[org_id][action_id, task_id][int(period[5:])] = answer
    return found


def report_states(year: int, org_ids: list[int] | None = None) -> dict:
    """org id → month → (status, late) of its reports in the year (of every org when org_ids is None)."""
    query = Report.select(Report.org, Report.period, Report.status, Report.late).where(
        Report.period.startswith(f"{year}-"))
    if org_ids is not None:
        query = query.where(Report.org.in_(org_ids))
    states = defaultdict(dict)
    for org_id, period, status, late in query.tuples():
        states[org_id][int(period[5:])] = (status, late)
    return states
