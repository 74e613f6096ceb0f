"""通报 and 述职 worded (issue 22, point 5): a bulletin of a month, a quarter, a half or a year in the
office's usual order (一、总体情况 … 六、下一步工作), as sections of paragraphs and tables that
jobs/bulletins.py lays out in Word; and one org's year as its year-end 述职评议 reads it (the score
and its explanation, the record month by month, highlights, problems, rectifications, comments),
which jobs/year_reviews.py writes to Excel and the org's year page shows. Who may ask is the
caller's business; the period's checks are here, one line each."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from handlers import comments as comment_views, messages as m, score_views, shares as share_views, stats_views
from handlers.errors import Refusal, UserError
from handlers.report_views import month_label, quoted
from models import Indicator, Org, Report
from models.comments import in_year
from models.rankings import ranking
from models.rectifications import STATE_LABELS, live_in
from models.report import FeedbackKind, ReportStatus
from models.reviews import feedback_in, highlights_of, problems_in, rectified, reports_of, shares_in, totals
from models.scores import Score, shown
from models.stats import item_counts, window_figures

WORD = re.compile(r"^(\d{4})(?:([QqHh])(\d)|-(\d{1,2}))?$")
YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    marked: tuple[int, ...] = ()        # the rows to stand out (the bottom three)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]
    table: Table | None = None


@dataclass(frozen=True)
class Bulletin:
    label: str                          # 2026年下半年
    title: str
    sections: list[Section]
    dated: str                          # the day it was made, as a bulletin is signed


def period_of(word: str, this: str) -> tuple[stats_views.Window, str]:
    """The window a word names (2026, 2026Q4, 2026H2, 2026-12) and the scores' key for it; Refusal for
    another word or a period not begun by the month `this`."""
    found = WORD.fullmatch(word)
    try:
        span = stats_views.window(word, this) if found else None
    except UserError:
        span = None
    if span is None:
        raise Refusal(m.REVIEW_BAD_PERIOD.format(word=quoted(word, 20)))
    if span.first > this:
        raise Refusal(m.REVIEW_FUTURE.format(what=span.label))
    year, part, number, month = found.groups()
    return span, span.first if month else f"{year}{part.upper()}{number}" if part else year


def year_of(word: str, this: str) -> int:
    """A year begun by the month `this`; Refusal otherwise."""
    if not YEAR.fullmatch(word) or int(word) < 1900:
        raise Refusal(m.REVIEW_BAD_YEAR.format(word=quoted(word, 20)))
    if word > this[:4]:
        raise Refusal(m.REVIEW_FUTURE.format(what=f"{word}年"))
    return int(word)


def checked(word: str, this: str) -> tuple[stats_views.Window, str]:
    """period_of's window and key, if the window has reports; Refusal otherwise."""
    span, scored = period_of(word, this)
    if not Report.select().where(Report.period.in_(span.periods)).exists():
        raise Refusal(m.REVIEW_NOTHING.format(what=span.label))
    return span, scored


def bulletin(word: str, ctx) -> Bulletin:
    """The bulletin of the period a word names; Refusal when it is wrong or has no reports."""
    span, scored = checked(word, ctx.clock.period())
    months, today = span.periods, ctx.clock.today()
    figures = totals(months)
    overall = [m.BULLETIN_FIGURES.format(
        what=span.label, orgs=figures.orgs, due=figures.due, submitted=figures.submitted,
        submitted_rate=stats_views.percent(figures.submitted, figures.due), on_time=figures.on_time,
        on_time_rate=stats_views.percent(figures.on_time, figures.due), applicable=figures.applicable,
        done=figures.done, done_rate=stats_views.percent(figures.done, figures.applicable)),
        m.BULLETIN_CONTENTS.format(**{kind: figures.kinds.get(kind, 0) for kind in FeedbackKind})]
    heads = m.BULLETIN_HEADS
    sections = [Section(heads[0], overall, _months_table(span)), _ranking(heads[1], scored, today),
                Section(heads[2], _experience(months)), Section(heads[3], _problems(months)),
                _rectifications(heads[4], span, today), Section(heads[5], list(m.BULLETIN_NEXT))]
    return Bulletin(span.label, m.BULLETIN_TITLE.format(what=span.label), sections,
                    m.BULLETIN_DATE.format(year=today.year, month=today.month, day=today.day))


def _months_table(span: stats_views.Window) -> Table | None:
    """A window's months side by side (none for one month)."""
    if span.single:
        return None
    rows = []
    for f in window_figures(span.first, span.last):
        shares = list(f.shares.values())
        rows.append((month_label(f.period), str(f.orgs), str(f.submitted), str(f.submitted - f.late),
                     stats_views.percent(sum(shares), len(shares))))
    return Table(m.BULLETIN_MONTH_HEADERS, rows)


def _ranking(heading: str, scored: str, today) -> Section:
    if not Indicator.select().exists():
        return Section(heading, [m.BULLETIN_NO_INDICATORS])
    rows = ranking(scored, today)
    bottom = "、".join(row.org.name for row in rows if row.bottom)
    said = (m.BULLETIN_RANKED.format(count=len(rows), bottom=bottom) if bottom
            else m.BULLETIN_RANKED_NO_BOTTOM.format(count=len(rows)))
    table = Table(m.BULLETIN_RANK_HEADERS,
                  [(str(row.place), row.org.name, f"{shown(row.score.total)}/{shown(row.score.out_of)}",
                    f"{row.rate:.1%}", m.BULLETIN_BOTTOM if row.bottom else "") for row in rows],
                  tuple(n for n, row in enumerate(rows) if row.bottom))
    return Section(heading, [said], table)


def _experience(months: list[str]) -> list[str]:
    """The shared reports' highlights, the org's name hidden when the share is 匿名."""
    shares = shares_in(months)
    if not shares:
        return [m.BULLETIN_NO_SHARES]
    lines = [m.BULLETIN_SHARES.format(count=len(shares))]
    for share in shares:
        report = share.report
        org, hide = share_views.org_shown(report, share.anonymous), share_views.hider(report, share.anonymous)
        found = highlights_of(share)
        lines += ([m.BULLETIN_SHARE.format(org=org, month=month_label(report.period), text=hide(f.text)) for f in found]
                  or [m.BULLETIN_SHARE_REPORT.format(org=org, month=month_label(report.period))])
    return lines


def _problems(months: list[str]) -> list[str]:
    """问题 comments grouped by the item they are on (the most first), then difficulties by department."""
    comments, titles = problems_in(months), {}
    groups = defaultdict(list)
    for c in comments:
        named = titles.setdefault((c.org_id, c.period), comment_views.titles(c.org_id, c.period))
        key = m.COMMENT_WHOLE if c.position is None else named.get(c.position) or comment_views.where(c)
        groups[key].append(m.BULLETIN_SAID_BY.format(text=c.text, org=c.org.name))
    lines = [m.BULLETIN_PROBLEMS.format(count=len(comments), orgs=len({c.org_id for c in comments}))
             if comments else m.BULLETIN_NO_PROBLEMS]
    lines += [m.BULLETIN_PROBLEM_GROUP.format(number=n, where=key, count=len(said), texts="；".join(said))
              for n, (key, said) in enumerate(_most_first(groups), 1)]
    difficulties = feedback_in(months, FeedbackKind.DIFFICULTY)
    by_department = defaultdict(list)
    for f in difficulties:
        by_department[f.department.name if f.department_id else m.NO_DEPARTMENT].append(
            m.BULLETIN_SAID_BY.format(text=f.text, org=f.report.org.name))
    lines.append(m.BULLETIN_DIFFICULTIES.format(count=len(difficulties)) if difficulties
                 else m.BULLETIN_NO_DIFFICULTIES)
    lines += [m.BULLETIN_DIFFICULTY_GROUP.format(number=n, department=key, count=len(said), texts="；".join(said))
              for n, (key, said) in enumerate(_most_first(by_department), 1)]
    return lines


def _most_first(groups: dict[str, list]) -> list[tuple[str, list]]:
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _rectifications(heading: str, span: stats_views.Window, today) -> Section:
    found = rectified(span.first, span.last, today)
    live = found.closed + len(found.open)
    if not live:
        return Section(heading, [m.BULLETIN_NO_RECTIFICATIONS])
    said = m.BULLETIN_RECTIFIED.format(live=live, closed=found.closed, on_time=len(found.on_time),
                                       late=len(found.late), open=len(found.open), overdue=len(found.overdue))
    overdue = {r.id for r in found.overdue}
    rows = [(r.code, r.org.name, r.problem, r.deadline.isoformat(),
             m.BULLETIN_OVERDUE if r.id in overdue else STATE_LABELS[r.state]) for r in found.open]
    return Section(heading, [said], Table(m.BULLETIN_OPEN_HEADERS, rows) if rows else None)


@dataclass(frozen=True)
class OrgYear:
    """One org's year as its 述职评议 reads it, every text as written (the writer or page escapes)."""

    org: Org
    year: int
    score: Score | None
    score_lines: list[str]                          # 得分's lines, or why there is no score
    record: list[tuple[str, str, str, str]]         # month, state, items done / applicable, submitted at
    on_time: int
    highlights: list[tuple[str, str]]               # month, text
    problems: list[tuple[str, str, str, str]]       # month, from (点评问题 / 反映困难), item or department, text
    rectifications: list[tuple[str, ...]]           # code, source, problem, deadline, state, closed on
    comments: list                                  # handlers.comments.Shown
    open_rectifications: int
    comment_kinds: Counter


def org_year(org: Org, year: int, ctx, own: bool = False) -> OrgYear:
    """The org's year; `own`: worded for its own people (得分's head without the code)."""
    try:
        explained = score_views.explained(org, str(year), ctx)
        score, lines = explained.score, score_views.lines(explained, ctx, own)
    except Refusal as exc:
        score, lines = None, [str(exc)]
    reports = reports_of(org.id, year)
    months = [f"{year}-{n:02d}" for n in range(1, 13)]
    highlights = [(month_label(f.report.period), f.text)
                  for f in feedback_in(months, FeedbackKind.HIGHLIGHT, [org.id])]
    live = live_in(year, [org.id])
    rectifications = [(r.code, r.source, r.problem, r.deadline.isoformat(), STATE_LABELS[r.state],
                       r.closed_on.isoformat() if r.closed_on else "") for r in live]
    comments = comment_views.shown(in_year(year, [org.id], withdrawn=False), ctx)
    return OrgYear(org, year, score, lines, _record(reports, ctx),
                   sum(r.status == ReportStatus.SUBMITTED and not r.late for r in reports), highlights,
                   _org_problems(org, months), rectifications, comments,
                   sum(r.closed_on is None or r.closed_on.year > year for r in live), Counter(c.kind for c in comments))


def _org_problems(org: Org, months: list[str]) -> list[tuple[str, str, str, str]]:
    """The org's 问题 comments and difficulties of the months, by month."""
    named = {}
    found = [(c.period, m.YEAR_REVIEW_FROM_COMMENT,
              comment_views.where(c, named.setdefault(c.period, comment_views.titles(org.id, c.period))), c.text)
             for c in problems_in(months, [org.id])]
    found += [(f.report.period, m.YEAR_REVIEW_FROM_DIFFICULTY, f.department.name if f.department_id else "", f.text)
              for f in feedback_in(months, FeedbackKind.DIFFICULTY, [org.id])]
    return [(month_label(period), *rest) for period, *rest in sorted(found, key=lambda row: row[0])]


def _record(reports: list[Report], ctx) -> list[tuple[str, str, str, str]]:
    counts = item_counts(Report.id.in_([r.id for r in reports])) if reports else {}
    rows = []
    for r in reports:
        done, applicable = counts.get(r.id, (0, 0, 0, 0))[:2]
        state = "late" if r.status == ReportStatus.SUBMITTED and r.late else r.status
        rows.append((month_label(r.period), m.YEAR_REVIEW_STATES[state], f"{done}/{applicable}",
                     f"{ctx.clock.local(r.submitted_at):%Y-%m-%d %H:%M}" if r.submitted_at else ""))
    return rows
