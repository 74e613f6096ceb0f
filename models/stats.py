"""The figures the party office reports upward, each composed in one place.

    progress(period)        org | state (submitted, in progress, not started, missing) | answered/items | late
                            | seen (未查看 / 已查看未提交 / 已提交, models.seen)
    month_figures(period)   submitted / late / missing; each org's share of applicable items done;
                            the monthly-task distribution; by category; items most often left; targets
    feedback_figures(...)   all written content (notes on items, highlights, difficulties, suggestions);
                            the difficulties and suggestions by department (None: unrouted), answered or open
    window_figures(a, b)    each month's organisation figures from month a to b, each org's share month by month
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from peewee import JOIN, Case, fn

from models.db import database
from models.directory import CATEGORIES, Action, Department, Org, Task, TaskStatus
from models.report import ROUTED_KINDS, Entry, EntryStatus, Feedback, Report, ReportStatus
from models.seen import SeenState, seen_orgs, state as seen_state, tally as seen_tally


class OrgState(StrEnum):
    """How far an org got with its month's report."""

    SUBMITTED = "submitted"
    IN_PROGRESS = "in progress"
    NOT_STARTED = "not started"
    MISSING = "missing"                 # not submitted when the month closed

TASK_SHARE = 0.75               # "完成了 12 项月度任务中的 9 项以上": three quarters of the month's tasks


@dataclass
class OrgProgress:
    org: Org
    report: Report
    answered: int
    items: int
    seen: bool = False                  # one of its secretaries and deputies has seen the month

    @property
    def state(self) -> str:
        return org_state(self.report.status, self.answered)

    @property
    def seen_state(self) -> SeenState:
        return seen_state(self.report.status, self.seen)


def org_state(status: str, answered: int) -> OrgState:
    """A report's state from its status and how many items are answered: untouched is NOT_STARTED
    wherever it is shown (进度, 工作台, 组织, the org's own pages)."""
    if status == ReportStatus.SUBMITTED:
        return OrgState.SUBMITTED
    if status == ReportStatus.MISSING:
        return OrgState.MISSING
    return OrgState.IN_PROGRESS if answered else OrgState.NOT_STARTED


def progress(period: str) -> list[OrgProgress]:
    """Every org with a report this month, how far it got, whether it was seen; by area, then code."""
    answered = fn.SUM(Case(None, [(Entry.status.is_null(False), 1)], 0))
    rows = (Report.select(Report, Org, answered.alias("answered"), fn.COUNT(Entry.id).alias("items"))
            .join(Org).switch(Report).join(Entry, JOIN.LEFT_OUTER)
            .where(Report.period == period).group_by(Report.id, Org.id).order_by(Org.area, Org.code))
    seen = seen_orgs(period)
    return [OrgProgress(r.org, r, int(r.answered or 0), int(r.items or 0), r.org.id in seen) for r in rows]


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
    seen: Counter = field(default_factory=Counter)      # SeenState → orgs (a month's figures only)


def month_figures(period: str) -> MonthFigures:
    figures = _figures(Report.period == period).get(period, MonthFigures(period))
    if not figures.orgs:
        _count_tasks({period: figures})
    figures.seen = seen_tally(period)
    return figures


def _figures(which, by_item: bool = True) -> dict[str, MonthFigures]:
    """The figures of every period whose reports `which` selects, counted by the database: a year
    is 3 M entries for 5,000 organisations, too many to bring into Python."""
    months: dict[str, MonthFigures] = {}
    orgs: dict[int, tuple[MonthFigures, str]] = {}                  # report id → its month, its org's code
    for report, period, status, late, code in (Report.select(Report.id, Report.period, Report.status, Report.late,
                                                             Org.code).join(Org).where(which).tuples()):
        figures = months.setdefault(period, MonthFigures(period))
        figures.orgs += 1
        figures.submitted += status == ReportStatus.SUBMITTED
        figures.late += bool(status == ReportStatus.SUBMITTED and late)
        orgs[report] = (figures, code)
    for figures in months.values():
        figures.missing = figures.orgs - figures.submitted
    _count_tasks(months)
    _count_orgs(which, orgs)
    if by_item:
        _count_items(which, months)
    return months


def _when(condition) -> Case:
    return Case(None, [(condition, 1)], 0)


def _count_tasks(months: dict[str, MonthFigures]) -> None:
    tasks = dict(Task.select(Task.period, fn.COUNT(Task.id))
                 .where(Task.period.in_(list(months)), Task.status == TaskStatus.APPROVED)
                 .group_by(Task.period).tuples())
    for period, figures in months.items():
        figures.tasks = tasks.get(period, 0)
        figures.task_threshold = math.ceil(figures.tasks * TASK_SHARE)


def item_counts(which) -> dict[int, tuple[int, int, int, int]]:
    """Report id → (items done, applicable items, deferred, monthly tasks done) of the reports `which`
    selects: an item applies unless it is 不涉及 (unanswered ones count as applicable, not done).
    The share of applicable items done is the first over the second (the scores count it so too).
    Counted from the index on (report, status, task) alone, the reports' ids looked up first."""
    query = (Entry.select(Entry.report, fn.SUM(_when(Entry.status == EntryStatus.DONE)),
                          fn.SUM(Case(None, [(Entry.status == EntryStatus.NOT_APPLICABLE, 0)], 1)),
                          fn.SUM(_when(Entry.status == EntryStatus.DEFERRED)),
                          fn.SUM(_when((Entry.status == EntryStatus.DONE) & Entry.task.is_null(False))))
             .where(Entry.report.in_(Report.select(Report.id).where(which))).group_by(Entry.report))
    return {report: tuple(int(value or 0) for value in rest) for report, *rest in database.execute(query)}


def _count_orgs(which, orgs: dict[int, tuple[MonthFigures, str]]) -> None:
    """Each org's share of applicable items done, its deferred items, and whether it did enough tasks."""
    counts = item_counts(which)
    for report, (figures, code) in orgs.items():                  # in the order of the reports
        done, applicable, deferred, tasks_done = counts.get(report, (0, 0, 0, 0))
        if applicable:
            figures.shares[code] = done / applicable
        if deferred:
            figures.deferred[code] = deferred
        if figures.tasks and tasks_done >= figures.task_threshold:
            figures.orgs_over_threshold += 1


def _count_items(which, months: dict[str, MonthFigures]) -> None:
    """By category, the items most often left, and the quantified actions against their target."""
    actions = {a.id: a for a in Action.select(Action.id, Action.title, Action.category, Action.target)}
    tasks = dict(Task.select(Task.id, Task.title).where(Task.period.in_(list(months))).tuples())
    done = _when(Entry.status == EntryStatus.DONE)
    reached = _when(fn.COALESCE(Entry.prior_amount, 0) + fn.COALESCE(Entry.amount, done) >= Action.target)
    rows = (Entry.select(Report.period, Entry.action, Entry.task, Entry.status, fn.COUNT(Entry.id), fn.SUM(reached))
            .join(Report).switch(Entry).join(Action, JOIN.LEFT_OUTER)
            .where(which).group_by(Report.period, Entry.action, Entry.task, Entry.status).tuples())
    categories = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    left, counted, reaching = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    for period, action_id, task_id, status, count, reached_count in rows:
        action = actions.get(action_id)
        title = action.title if action else tasks.get(task_id, "")
        category = action.category if action else "月度任务"
        if status != EntryStatus.NOT_APPLICABLE:
            categories[period][category][1] += count
        if status == EntryStatus.DONE:
            categories[period][category][0] += count
        if status in (EntryStatus.DEFERRED, EntryStatus.NOT_DONE):
            left[period][title] += count
        if action and action.target:
            counted[period][(title, action.target)] += count
            reaching[period][(title, action.target)] += int(reached_count or 0)
    order = {name: i for i, name in enumerate((*CATEGORIES, "月度任务"))}
    for period, figures in months.items():
        figures.categories = {c: tuple(v) for c, v in sorted(categories[period].items(),
                                                              key=lambda kv: order.get(kv[0], 99))}
        figures.most_left = sorted(left[period].items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        figures.targets = [(title, target, reaching[period][(title, target)], orgs)
                           for (title, target), orgs in sorted(counted[period].items())]


@dataclass
class FeedbackFigures:
    """What was written in some months, counted as the source document counts it: every note on an item
    of parts one and two, and every highlight, difficulty and suggestion, is one piece of content."""

    kinds: dict[str, int]                                # kind → count
    entries: int                                         # all feedback entries (part three)
    notes: int                                           # items of parts one and two with a note
    by_department: dict[str | None, tuple[int, int]]     # department (None: unrouted) → (handled, open)

    @property
    def contents(self) -> int:
        return self.notes + self.entries

    @property
    def waiting(self) -> int:
        """Difficulties and suggestions not yet answered nor acknowledged, routed or not."""
        return sum(still_open for _, still_open in self.by_department.values())


def feedback_figures(periods: list[str]) -> FeedbackFigures:
    still_open = fn.SUM(_when(Feedback.open_in_sql()))
    query = (Feedback.select(Feedback.kind, Department.name, fn.COUNT(Feedback.id), still_open)
             .join(Report).switch(Feedback).join(Department, JOIN.LEFT_OUTER)
             .where(Report.period.in_(periods)).group_by(Feedback.kind, Department.name))
    kinds, by_department = Counter(), defaultdict(lambda: [0, 0])
    for kind, name, count, open_count in query.tuples():
        kinds[kind] += count
        if kind in ROUTED_KINDS:
            by_department[name][0] += count - open_count
            by_department[name][1] += open_count
    notes = Entry.select().join(Report).where(Report.period.in_(periods), Entry.note != "").count()
    return FeedbackFigures(dict(kinds), sum(kinds.values()), notes,
                           {name: tuple(v) for name, v in sorted(by_department.items(), key=_named_first)})


def _named_first(item) -> tuple:
    return item[0] is None, item[0] or ""


def window_figures(first: str, last: str) -> list[MonthFigures]:
    """Each month from `first` to `last` that has reports, in order: its organisations' figures
    (submitted, late, missing, shares, deferred, tasks); the figures by item are month_figures' alone."""
    months = _figures(Report.period.between(first, last), by_item=False)
    return [months[period] for period in sorted(months)]
