"""What the office's reviews are made of (issue 22, point 5): the figures, shares, 问题 comments,
difficulties and rectifications of a window of months — a bulletin's (通报) content — and one org's year
as its year-end 述职评议 reads it. Plain data from the same queries as the statistics
(models/stats.py), the scores and rankings (models/scores.py, models/rankings.py); handlers/reviews.py
words it.

    totals(["2026-10", "2026-11", "2026-12"])
        Figures(orgs 73, due 219, submitted 200, on_time 180, done 1650, applicable 2000,
                kinds {"highlight": 30, "difficulty": 12, "suggestion": 5})
"""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from models.comments import Comment, CommentKind, of as comments_of
from models.directory import Org
from models.items import natural_key
from models.periods import split
from models.rectifications import Rectification, RectificationState
from models.report import Feedback, FeedbackKind, Report, ReportStatus
from models.shares import Share
from models.stats import item_counts


@dataclass(frozen=True)
class Figures:
    """A window's reports counted: orgs with one, reports due (org × month), submitted, on time; the
    applicable items done; part three's entries by kind."""

    orgs: int
    due: int
    submitted: int
    on_time: int
    done: int
    applicable: int
    kinds: dict[str, int]


def totals(months: list[str]) -> Figures | None:
    """The months' figures; None when none of them has a report."""
    rows = list(Report.select(Report.id, Report.org, Report.status, Report.late)
                .where(Report.period.in_(months)).tuples())
    if not rows:
        return None
    counts = item_counts(Report.period.in_(months))
    submitted = [late for _, _, status, late in rows if status == ReportStatus.SUBMITTED]
    kinds = Counter(kind for (kind,) in Feedback.select(Feedback.kind).join(Report)
                    .where(Report.period.in_(months), Feedback.text != "").tuples())
    return Figures(len({org for _, org, _, _ in rows}), len(rows), len(submitted), submitted.count(False),
                   sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values()), dict(kinds))


def shares_in(months: list[str]) -> list[Share]:
    """The standing shares of the months' reports, the first made first."""
    return list(Share.select(Share, Report, Org).join(Report).join(Org)
                .where(Report.period.in_(months), Share.withdrawn_at.is_null()).order_by(Share.id))


def highlights_of(share: Share) -> list[Feedback]:
    """What a share shows: its one highlight, or every highlight of the shared report."""
    if share.feedback_id is not None:
        return [share.feedback]
    return list(Feedback.select().where(Feedback.report == share.report_id, Feedback.kind == FeedbackKind.HIGHLIGHT,
                                        Feedback.text != "").order_by(Feedback.id))


def problems_in(months: list[str], orgs=None) -> list[Comment]:
    """The standing 问题 comments on the months (of these org ids), by org, month and item."""
    return comments_of(orgs, months, [CommentKind.PROBLEM])


def feedback_in(months: list[str], kind: FeedbackKind, orgs=None) -> list[Feedback]:
    """Part three's entries of one kind in the months' reports (of these org ids), by month, org and order."""
    query = (Feedback.select(Feedback, Report, Org).join(Report).join(Org)
             .where(Report.period.in_(months), Feedback.kind == kind, Feedback.text != ""))
    if orgs is not None:
        query = query.where(Report.org.in_(list(orgs)))
    return list(query.order_by(Report.period, Org.code, Feedback.id))


@dataclass
class Rectified:
    """The rectifications live in a window (found by its end, not closed before it began) as of its
    end: closed in it (on time or late), still open then (overdue ones among them, by `today` when the
    window has not ended)."""

    on_time: list[Rectification] = field(default_factory=list)
    late: list[Rectification] = field(default_factory=list)
    open: list[Rectification] = field(default_factory=list)
    overdue: list[Rectification] = field(default_factory=list)

    @property
    def closed(self) -> int:
        return len(self.on_time) + len(self.late)


def rectified(first: str, last: str, today: datetime.date, orgs=None) -> Rectified:
    start, end = datetime.date(*split(first), 1), _month_end(last)
    query = (Rectification.select(Rectification, Org).join(Org)
             .where(Rectification.found_on <= end,
                    Rectification.closed_on.is_null() | (Rectification.closed_on >= start)))
    if orgs is not None:
        query = query.where(Rectification.org.in_(list(orgs)))
    found, seen_on = Rectified(), min(today, end)
    for r in sorted(query, key=lambda r: (r.org.code, natural_key(r.code))):
        if r.state == RectificationState.CLOSED and r.closed_on <= end:
            (found.on_time if r.closed_on <= r.deadline else found.late).append(r)
        else:
            found.open.append(r)
            if r.deadline < seen_on:
                found.overdue.append(r)
    return found


def _month_end(key: str) -> datetime.date:
    year, month = split(key)
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def reports_of(org_id: int, year: int) -> list[Report]:
    """The org's reports of the year, by month."""
    return list(Report.select().where(Report.org == org_id, Report.period.startswith(f"{year}-"))
                .order_by(Report.period))


def orgs_reporting(year: int) -> list[Org]:
    """The orgs with a report in the year, by code."""
    return list(Org.select().where(Org.id.in_(Report.select(Report.org).where(Report.period.startswith(f"{year}-"))))
                .order_by(Org.code))
