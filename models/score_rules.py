"""The computations a leaf indicator names (models.indicators.Computation), one entry each in RULES.

A computation gives a leaf's points for every org over each span of months at once, counted by the
database (`points`), and, for one org, the notes that explain them (`notes`). A span is one month
for a 月度 leaf (a year's value averages the org's months; models/scores.py does that) or the whole
year for a 年度 one. An org gets a value for a span only when it had a report in it. A new
computation (a comments' one, say) is one more Rule.

    完成率        points × items done / applicable items (models.stats.item_counts); none applicable: full
    按时提交      points × reports submitted and not late / reports due (an open one before its deadline
                  is not due yet); none due: full
    整改按期销号  points × rectifications due in the span closed by their deadline / those due (one still
                  open before its deadline is not due yet); none due: full
    手工评分      the office's mark for the span ("2026-12" or "2026"); none: 0
    点评          参数 "基础 3 每次 1": the base, plus 1 per 表扬 and minus 1 per 问题 on the span's months
                  (as each comment is now: an edit's kind counts, a withdrawn one not), kept within
                  0..points — so at most points − base added, at most the base taken
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Callable, NamedTuple

from peewee import Case, fn

from models import periods
from models.comments import Comment, CommentKind
from models.db import database
from models.indicators import Computation, Indicator, ScoreMark, comment_params
from models.rectifications import Rectification, RectificationState
from models.report import Entry, EntryStatus, Report, ReportStatus
from models.stats import item_counts


class Span(NamedTuple):
    key: str                    # "2026-12", or "2026" for a 年度 leaf's year
    months: tuple[str, ...]


class Why(StrEnum):
    """What a note says; handlers/score_views.py words it."""

    ITEM = "item"               # an applicable item not done: what = (position,)
    REPORTS = "reports"         # reports not on time: what = ((month, ReportStatus or "overdue"), …)
    RECTIFIED_LATE = "late"     # what = (code,)
    NOT_RECTIFIED = "open"      # due, still open: what = (code,)
    MARK = "mark"               # points = the mark; what = (out of, reason)
    UNMARKED = "unmarked"       # what = (out of,)
    COMMENT_BASE = "base"       # points = the base; what = (per comment,)
    PRAISED = "praised"         # a 表扬: points = what it adds; what = (written at,)
    PROBLEM = "problem"         # a 问题: points = what it takes; what = (written at,)
    OVER_CAP = "over cap"       # points = what the cap kept out; what = (the leaf's points,)
    BELOW_ZERO = "below zero"   # points = what the floor kept out


class Note(NamedTuple):
    why: Why
    points: float               # what it costs (a mark: what it gives)
    span: str                   # the month or year it is about
    what: tuple


@dataclass
class Base:
    """What every computation of a window reads: its reports, fetched once."""

    months: tuple[str, ...]
    today: datetime.date
    org_ids: list[int] | None = None

    def which(self):
        which = Report.period.in_(list(self.months))
        return which if self.org_ids is None else which & Report.org.in_(self.org_ids)

    @cached_property
    def reports(self) -> list[tuple]:
        """(report id, org id, month, status, due, on time) of the window's reports: due (1 or 0) once
        submitted, missing or past its deadline (an open one before it is not due yet); on time (1 or
        0) when submitted and not late."""
        due = (Report.status != ReportStatus.OPEN) | (Report.deadline < self.today)
        on_time = (Report.status == ReportStatus.SUBMITTED) & ~Report.late
        query = Report.select(Report.id, Report.org, Report.period, Report.status, _flag(due), _flag(on_time))
        return database.execute(query.where(self.which())).fetchall()      # plain values: no conversion needed

    @cached_property
    def had_report(self) -> set[tuple[int, str]]:
        return {(org, month) for _, org, month, *_ in self.reports}

    @cached_property
    def items(self) -> dict[int, tuple[int, int, int, int]]:
        return item_counts(self.which())

    def spans_of(self, org: int, spans: list[Span]) -> list[Span]:
        return [span for span in spans if any((org, month) in self.had_report for month in span.months)]


Values = dict[tuple[int, str], float]           # (org id, span key) → points


def _flag(condition) -> Case:
    return Case(None, [(condition, 1)], 0)


def _share(points: float, good: int, counted: int) -> float:
    return points * good / counted if counted else points


def _span_of(spans: list[Span]) -> dict[str, str]:
    return {month: span.key for span in spans for month in span.months}


def done_share(leaf: Indicator, spans: list[Span], base: Base) -> Values:
    counts = defaultdict(lambda: [0, 0])
    span_of = _span_of(spans)
    for report, org, month, *_ in base.reports:
        done, applicable, *_ = base.items.get(report, (0, 0, 0, 0))
        tally = counts[org, span_of[month]]
        tally[0] += done
        tally[1] += applicable
    return {key: _share(leaf.points, done, applicable) for key, (done, applicable) in counts.items()}


def done_share_notes(leaf: Indicator, spans: list[Span], base: Base, org: int) -> list[Note]:
    span_of = _span_of(spans)
    applicable = defaultdict(int)
    for report, _, month, *_ in base.reports:
        applicable[span_of[month]] += base.items.get(report, (0, 0, 0, 0))[1]
    left = (Entry.select(Report.period, Entry.position).join(Report)
            .where(base.which(), Report.org == org, Entry.status.is_null() | Entry.status.not_in(
                [EntryStatus.DONE, EntryStatus.NOT_APPLICABLE]))
            .order_by(Report.period, Entry.position).tuples())
    return [Note(Why.ITEM, leaf.points / applicable[span_of[month]], month, (position,)) for month, position in left]


def on_time(leaf: Indicator, spans: list[Span], base: Base) -> Values:
    counts = defaultdict(lambda: [0, 0])
    span_of = _span_of(spans)
    for _, org, month, _, due, good in base.reports:
        tally = counts[org, span_of[month]]
        tally[0] += good
        tally[1] += due
    return {key: _share(leaf.points, good, due) for key, (good, due) in counts.items()}


def on_time_notes(leaf: Indicator, spans: list[Span], base: Base, org: int) -> list[Note]:
    span_of = _span_of(spans)
    due, missed = defaultdict(int), defaultdict(list)
    for _, org_id, month, status, was_due, good in sorted(base.reports, key=lambda r: r[2]):
        if org_id == org and was_due:
            due[span_of[month]] += 1
            if not good:
                missed[span_of[month]].append((month, status if status != ReportStatus.OPEN else "overdue"))
    return [Note(Why.REPORTS, leaf.points * len(months) / due[key], key, tuple(months))
            for key, months in missed.items()]


def _due(base: Base, org: int | None):
    """The rectifications due in the window: the deadline in one of its months, and closed or past it."""
    months = sorted(base.months)
    first = datetime.date(*periods.split(months[0]), 1)
    last = datetime.date(*periods.split(periods.shift(months[-1], 1)), 1)
    due = ((Rectification.deadline >= first) & (Rectification.deadline < last)
           & ((Rectification.state == RectificationState.CLOSED) | (Rectification.deadline < base.today)))
    if org is not None:
        return due & (Rectification.org == org)
    return due if base.org_ids is None else due & Rectification.org.in_(base.org_ids)


def _in_time():
    return (Rectification.state == RectificationState.CLOSED) & (Rectification.closed_on <= Rectification.deadline)


def _rectifications_due(base: Base, org: int | None = None):
    """(org, deadline, due, closed on time) for the rectifications due in the window, grouped by the
    database by org and deadline."""
    return (Rectification.select(Rectification.org, Rectification.deadline, fn.COUNT(Rectification.id),
                                 fn.SUM(Case(None, [(_in_time(), 1)], 0)))
            .where(_due(base, org)).group_by(Rectification.org, Rectification.deadline).tuples())


def rectified_on_time(leaf: Indicator, spans: list[Span], base: Base) -> Values:
    counts = defaultdict(lambda: [0, 0])
    span_of = _span_of(spans)
    for org, deadline, due, good in _rectifications_due(base):
        counts[org, span_of[periods.of_date(deadline)]][0] += int(good or 0)
        counts[org, span_of[periods.of_date(deadline)]][1] += due
    values = {(org, span_of[month]): leaf.points for org, month in base.had_report}
    return values | {key: _share(leaf.points, good, due) for key, (good, due) in counts.items() if key in values}


def rectified_notes(leaf: Indicator, spans: list[Span], base: Base, org: int) -> list[Note]:
    span_of = _span_of(spans)
    due = defaultdict(int)
    for _, deadline, count, _ in _rectifications_due(base, org):
        due[span_of[periods.of_date(deadline)]] += count
    late = Rectification.select().where(_due(base, org), ~_in_time()).order_by(Rectification.deadline)
    return [Note(Why.RECTIFIED_LATE if r.state == RectificationState.CLOSED else Why.NOT_RECTIFIED,
                 leaf.points / due[key], key, (r.code,)) for r in late if (key := span_of[periods.of_date(r.deadline)])]


def _marks(leaf: Indicator, spans: list[Span], base: Base, org: int | None = None):
    query = ScoreMark.select().where(ScoreMark.indicator == leaf.code, ScoreMark.period.in_([s.key for s in spans]))
    if org is not None:
        query = query.where(ScoreMark.org == org)
    elif base.org_ids is not None:
        query = query.where(ScoreMark.org.in_(base.org_ids))
    return query


def manual(leaf: Indicator, spans: list[Span], base: Base) -> Values:
    marks = {(org, period): value for org, period, value in _marks(leaf, spans, base).select(
        ScoreMark.org, ScoreMark.period, ScoreMark.value).tuples()}
    span_of = _span_of(spans)
    return {(org, span_of[month]): marks.get((org, span_of[month]), 0.0) for org, month in base.had_report}


def manual_notes(leaf: Indicator, spans: list[Span], base: Base, org: int) -> list[Note]:
    marks = {mark.period: mark for mark in _marks(leaf, spans, base, org)}
    return [Note(Why.MARK, marks[span.key].value, span.key, (leaf.points, marks[span.key].reason))
            if span.key in marks else Note(Why.UNMARKED, 0.0, span.key, (leaf.points,))
            for span in base.spans_of(org, spans)]


COUNTED_KINDS = {CommentKind.PRAISE: 1, CommentKind.PROBLEM: -1}


def _comments(base: Base, org: int | None):
    """The window's comments that count: 表扬 and 问题 as they are now, not withdrawn."""
    which = (Comment.period.in_(list(base.months)) & (Comment.withdrawn == False)  # noqa: E712 (peewee's condition)
             & Comment.kind.in_(list(COUNTED_KINDS)))
    if org is not None:
        return which & (Comment.org == org)
    return which if base.org_ids is None else which & Comment.org.in_(base.org_ids)


def commented(leaf: Indicator, spans: list[Span], base: Base) -> Values:
    params, span_of = comment_params(leaf.params), _span_of(spans)
    raw = {(org, span_of[month]): params.base for org, month in base.had_report}
    counts = (Comment.select(Comment.org, Comment.period, Comment.kind, fn.COUNT(Comment.id))
              .where(_comments(base, None)).group_by(Comment.org, Comment.period, Comment.kind).tuples())
    for org, month, kind, count in counts:
        if (org, span_of[month]) in raw:
            raw[org, span_of[month]] += params.per * count * COUNTED_KINDS[kind]
    return {key: min(max(value, 0.0), leaf.points) for key, value in raw.items()}


def commented_notes(leaf: Indicator, spans: list[Span], base: Base, org: int) -> list[Note]:
    """The base once, then each span's comments by the time written, and what a cap kept out."""
    params, counted = comment_params(leaf.params), base.spans_of(org, spans)
    if not counted:
        return []
    span_of, notes = _span_of(spans), [Note(Why.COMMENT_BASE, params.base, counted[0].key, (params.per,))]
    written = Comment.select().where(_comments(base, org)).order_by(Comment.at, Comment.id)
    by_span = defaultdict(list)
    for comment in written:
        by_span[span_of[comment.period]].append(comment)
    for span in counted:
        raw = params.base
        for comment in by_span[span.key]:
            raw += params.per * COUNTED_KINDS[comment.kind]
            why = Why.PRAISED if comment.kind == CommentKind.PRAISE else Why.PROBLEM
            notes.append(Note(why, params.per, span.key, (comment.at,)))
        if raw > leaf.points:
            notes.append(Note(Why.OVER_CAP, raw - leaf.points, span.key, (leaf.points,)))
        elif raw < 0:
            notes.append(Note(Why.BELOW_ZERO, -raw, span.key, ()))
    return notes


@dataclass(frozen=True)
class Rule:
    points: Callable[[Indicator, list[Span], Base], Values]
    notes: Callable[[Indicator, list[Span], Base, int], list[Note]]


RULES = {
    Computation.DONE_SHARE: Rule(done_share, done_share_notes),
    Computation.ON_TIME: Rule(on_time, on_time_notes),
    Computation.RECTIFIED_ON_TIME: Rule(rectified_on_time, rectified_notes),
    Computation.MANUAL: Rule(manual, manual_notes),
    Computation.COMMENTS: Rule(commented, commented_notes),
}
