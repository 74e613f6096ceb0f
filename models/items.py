"""Which items an organisation gets in a period: the one rule behind every monthly report.

- A monthly task appears in its own period when it applies to the org and is approved (a task a
  department raised waits for an admin's review; see models.directory.TaskStatus).
- A baseline action appears in every month of its window (see models.periods) until the window
  is fulfilled by the org's answers in the earlier months of that window:
  * an answer `not_applicable` closes the window (the org said it does not concern them);
  * an action with a target is fulfilled when the tally reaches the target; each entry adds its
    amount whatever its status, and a `done` entry without an amount adds 1;
  * an action without a target is fulfilled by one `done` entry.
  The current period's own answers never hide an item of that period, so the list is stable
  while the secretary answers.
- An item the org deferred (顺延下月) in the previous period appears again, marked carried over,
  even if its window was fulfilled meanwhile; it appears once, also when it is due anyway.
- An item whose applicability does not match the org never appears, carried over or not; an
  inactive action never appears.

Order: carried-over items first, then baseline actions (categories in CATEGORIES order, codes in
natural order within a category), then tasks by code; carried-over items keep that same order
among themselves.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from peewee import JOIN, Case, fn

from models import periods
from models.directory import CATEGORIES, Action, Department, Org, Task, TaskStatus
from models.report import Entry, EntryStatus, Report

# Above this many orgs the queries read every org's rows instead of binding one parameter per org.
MAX_ORG_PARAMETERS = 1000


@dataclass(frozen=True)
class Item:
    """One line of an org's monthly report, before it is answered."""

    kind: str                       # "action" | "task"
    action: Action | None = None
    task: Task | None = None
    carried_over: bool = False
    tally: int | None = None        # quantified actions: the window's total before this period
    target: int | None = None

    @property
    def source(self) -> Action | Task:
        return self.action if self.kind == "action" else self.task


@dataclass
class _Tally:
    amount: int = 0
    done: int = 0
    not_applicable: int = 0

    def fulfils(self, action: Action) -> bool:
        if self.not_applicable:
            return True
        if action.target is not None:
            return self.amount >= action.target
        return self.done > 0


def applies(source: Action | Task, org: Org) -> bool:
    """Whether an action or task is meant for this org (by type, size class and tags)."""
    traits = {org.type, org.size_class, *org.tags}
    if traits.intersection(source.excludes):
        return False
    return not source.applies_to or bool(traits.intersection(source.applies_to))


def items_for(org: Org, period: str) -> list[Item]:
    """The items of one org's report for the period."""
    return items_for_orgs([org], period)[org.id]


def items_for_orgs(orgs: Iterable[Org], period: str) -> dict[int, list[Item]]:
    """The items of many orgs' reports, in four queries whatever the number of orgs."""
    periods.check(period)
    orgs = list(orgs)
    org_ids = [org.id for org in orgs]
    actions = sorted(Action.select().where(Action.active), key=action_order)
    deferred = _deferred(org_ids, periods.previous(period))
    deferred_tasks = {key for pairs in deferred.values() for kind, key in pairs if kind == "task"}
    tasks = list(Task.select(Task, Department).join(Department, JOIN.LEFT_OUTER)
                 .where(((Task.period == period) & (Task.status == TaskStatus.APPROVED))
                        | Task.id.in_(sorted(deferred_tasks))))
    tasks.sort(key=lambda task: natural_key(task.code))
    tallies = _window_tallies(org_ids, period)
    return {
        org.id: _items_of(org, period, actions, tasks, tallies, deferred.get(org.id, set()))
        for org in orgs
    }


def _items_of(org, period, actions, tasks, tallies, deferred) -> list[Item]:
    carried, due = [], []
    for action in actions:
        if not applies(action, org) or action.org_id not in (None, org.id):     # another org's own item
            continue
        tally = tallies.get((org.id, action.id), _Tally())
        is_carried = ("action", action.id) in deferred
        if is_carried or not tally.fulfils(action):
            quantified = action.target is not None
            item = Item("action", action=action, carried_over=is_carried,
                        tally=tally.amount if quantified else None, target=action.target)
            (carried if is_carried else due).append(item)
    for task in tasks:
        if not applies(task, org):
            continue
        if ("task", task.id) in deferred:
            carried.append(Item("task", task=task, carried_over=True))
        elif task.period == period:
            due.append(Item("task", task=task))
    return carried + due


def _window_tallies(org_ids: list[int], period: str) -> dict[tuple[int, int], _Tally]:
    """(org id, action id) → the answers in the action's window before this period."""
    window_start = Case(Action.frequency, [
        (frequency, periods.window_start(frequency, period)) for frequency in periods.WINDOW_MONTHS
    ], period)
    is_done = Case(None, [(Entry.status == EntryStatus.DONE, 1)], 0)
    is_not_applicable = Case(None, [(Entry.status == EntryStatus.NOT_APPLICABLE, 1)], 0)
    query = (Entry
             .select(Report.org, Entry.action,
                     fn.SUM(fn.COALESCE(Entry.amount, is_done)).alias("amount"),
                     fn.SUM(is_done).alias("done"),
                     fn.SUM(is_not_applicable).alias("not_applicable"))
             .join(Report).switch(Entry).join(Action)
             .where(Report.period < period, Report.period >= window_start)
             .group_by(Report.org, Entry.action))
    query = _for_orgs(query, org_ids).tuples()
    return {(org_id, action_id): _Tally(int(amount or 0), int(done or 0), int(na or 0))
            for org_id, action_id, amount, done, na in query}


def _deferred(org_ids: list[int], previous: str) -> dict[int, set[tuple[str, int]]]:
    """Org id → the ("action" | "task", id) pairs it deferred in the previous period."""
    query = (Entry.select(Report.org, Entry.action, Entry.task)
             .join(Report)
             .where(Report.period == previous, Entry.status == EntryStatus.DEFERRED))
    query = _for_orgs(query, org_ids).tuples()
    deferred = defaultdict(set)
    for org_id, action_id, task_id in query:
        if action_id is not None:
            deferred[org_id].add(("action", action_id))
        if task_id is not None:
            deferred[org_id].add(("task", task_id))
    return deferred


def _for_orgs(query, org_ids: list[int]):
    """Restrict to these orgs; for many orgs read all rows (callers ignore the others)."""
    if len(org_ids) > MAX_ORG_PARAMETERS:
        return query
    return query.where(Report.org.in_(org_ids))


def natural_key(code: str) -> tuple:
    """Sort key putting "A2" before "A10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", code) if part)


def action_order(action: Action) -> tuple:
    category = CATEGORIES.index(action.category) if action.category in CATEGORIES else len(CATEGORIES)
    return category, natural_key(action.code)
