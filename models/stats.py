"""The figures the party office reports upward, each composed in one place.

    progress(period)        org | state (submitted, in progress, not started, missing) | answered/items | late
    month_figures(period)   submitted / late / missing; each org's share of applicable items done;
                            the monthly-task distribution; by category; items most often left; targets
    feedback_figures(...)   highlights / difficulties / suggestions, by department, answered or open
    year_figures(year)      the month figures of each month, and each org's share month by month
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from models.directory import CATEGORIES, Action, Department, Org, Task
from models.report import (
    DEFERRED, DONE, MISSING, NOT_APPLICABLE, NOT_DONE, SUBMITTED, Entry, Feedback, Report,
)

SUBMITTED_STATE, IN_PROGRESS_STATE, NOT_STARTED, MISSING_STATE = "submitted", "in progress", "not started", "missing"
TASK_SHARE = 0.75               # "完成了 12 项月度任务中的 9 项以上": three quarters of the month's tasks


@dataclass
class OrgProgress:
    org: Org
    report: Report
    answered: int
    items: int

    @property
    def state(self) -> str:
        if self.report.status == SUBMITTED:
            return SUBMITTED_STATE
        if self.report.status == MISSING:
            return MISSING_STATE
        return IN_PROGRESS_STATE if self.answered else NOT_STARTED


def progress(period: str) -> list[OrgProgress]:
    """Every org with a report this month, how far it got; by area, then code."""
    answered = fn.SUM(Case(None, [(Entry.status.is_null(False), 1)], 0))
    rows = (Report.select(Report, Org, answered.alias("answered"), fn.COUNT(Entry.id).alias("items"))
            .join(Org).switch(Report).join(Entry, JOIN.LEFT_OUTER)
            .where(Report.period == period).group_by(Report.id, Org.id).order_by(Org.area, Org.code))
    return [OrgProgress(r.org, r, int(r.answered or 0), int(r.items or 0)) for r in rows]


@dataclass
class MonthFigures:
    period: str
    orgs: int = 0
    submitted: int = 0
    late: int = 0
    missing: int = 0                                     # not submitted (未报 once the month closed)
    shares: dict[str, float] = field(default_factory=dict)          # org code → done / applicable items
    deferred: dict[str, int] = field(default_factory=dict)          # org code → items deferred
    tasks: int = 0                                       # the month's monthly tasks
    task_threshold: int = 0                              # "9 项以上" of 12
    orgs_over_threshold: int = 0
    categories: dict[str, tuple[int, int]] = field(default_factory=dict)     # category → (done, applicable)
    most_left: list[tuple[str, int]] = field(default_factory=list)           # item title → deferred or not done
    targets: list[tuple[str, int, int, int]] = field(default_factory=list)   # title, target, orgs reaching, orgs


def month_figures(period: str) -> MonthFigures:
    figures = MonthFigures(period)
    reports = list(Report.select(Report, Org).join(Org).where(Report.period == period))
    figures.orgs = len(reports)
    figures.submitted = sum(1 for r in reports if r.status == SUBMITTED)
    figures.late = sum(1 for r in reports if r.status == SUBMITTED and r.late)
    figures.missing = figures.orgs - figures.submitted
    code = {r.id: r.org.code for r in reports}
    rows = list(Entry.select(Entry.report, Entry.status, Entry.amount, Entry.prior_amount, Action.id, Action.title,
                             Action.category, Action.target, Task.id, Task.title)
                .join(Report).switch(Entry).join(Action, JOIN.LEFT_OUTER).switch(Entry).join(Task, JOIN.LEFT_OUTER)
                .where(Report.period == period).tuples())
    done, applicable, deferred, task_done = Counter(), Counter(), Counter(), Counter()
    categories, left = defaultdict(lambda: [0, 0]), Counter()
    reached, counted = defaultdict(set), defaultdict(set)
    for report, status, amount, prior, action, action_title, category, target, task, task_title in rows:
        title = action_title or task_title
        if status != NOT_APPLICABLE:
            applicable[report] += 1
            categories[category or "月度任务"][1] += 1
        if status == DONE:
            done[report] += 1
            categories[category or "月度任务"][0] += 1
            if task:
                task_done[report] += 1
        if status == DEFERRED:
            deferred[report] += 1
        if status in (DEFERRED, NOT_DONE):
            left[title] += 1
        if target:
            counted[(title, target)].add(report)
            if (prior or 0) + (amount if amount is not None else 1 if status == DONE else 0) >= target:
                reached[(title, target)].add(report)
    figures.shares = {code[r]: done[r] / applicable[r] for r in code if applicable[r]}
    figures.deferred = {code[r]: deferred[r] for r in code if deferred[r]}
    figures.tasks = Task.select().where(Task.period == period).count()
    figures.task_threshold = math.ceil(figures.tasks * TASK_SHARE)
    figures.orgs_over_threshold = sum(1 for r in code if figures.tasks and task_done[r] >= figures.task_threshold)
    order = {name: i for i, name in enumerate((*CATEGORIES, "月度任务"))}
    figures.categories = {c: tuple(v) for c, v in sorted(categories.items(), key=lambda kv: order.get(kv[0], 99))}
    figures.most_left = left.most_common(5)
    figures.targets = [(title, target, len(reached[(title, target)]), len(orgs))
                       for (title, target), orgs in sorted(counted.items())]
    return figures


@dataclass
class FeedbackFigures:
    kinds: dict[str, int]                                # kind → count
    entries: int                                         # all feedback entries
    by_department: dict[str, tuple[int, int]]            # department → (answered or acknowledged, open)


def feedback_figures(periods: list[str], department: int | None = None) -> FeedbackFigures:
    query = Feedback.select(Feedback, Department).join(Report).switch(Feedback).join(Department, JOIN.LEFT_OUTER)
    query = query.where(Report.period.in_(periods))
    if department is not None:
        query = query.where(Feedback.department == department)
    rows = list(query)
    by_department = defaultdict(lambda: [0, 0])
    for row in rows:
        if row.department_id:
            by_department[row.department.name][0 if not row.is_open else 1] += 1
    return FeedbackFigures(dict(Counter(row.kind for row in rows)), len(rows),
                           {name: tuple(v) for name, v in sorted(by_department.items())})


def year_figures(year: int) -> list[MonthFigures]:
    """The figures of each month of the year that has reports, in order."""
    months = [p for (p,) in Report.select(Report.period).distinct()
              .where(Report.period.startswith(f"{year:04d}-")).order_by(Report.period).tuples()]
    return [month_figures(period) for period in months]
