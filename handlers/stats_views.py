"""The statistics as text, in the words the office reports with (e.g. "73 个组织中，55 个完成了
12 项月度任务中的 9 项以上，占 75.3%"), over a month or a window of months (统计 2026Q4, 近三个月 …)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from handlers import messages as m
from handlers.errors import UserError
from handlers.report_views import clip, month_label, quoted
from models.messaging import SmsSkip, sms_counts
from models.periods import check, make, shift, split
from models.seen import SeenState
from models.stats import FeedbackFigures, MonthFigures, feedback_figures, month_figures, window_figures

SHARE_DONE = 0.75           # an org "完成" its month at three quarters of its applicable items
LONGEST_WINDOW = 36         # months: three years side by side is already more than a phone shows
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
RANGE = re.compile(r"^(\d{4}-\d{1,2})(?:\.\.|~|～|至)(\d{4}-\d{1,2})$")
PART = re.compile(r"^(\d{4})([QqHh])(\d)$")
YEAR = re.compile(r"^\d{4}$")
RECENT = re.compile(r"^近(\d{1,2}|[一二两三四五六七八九十]{1,3})个?月$")
PART_MONTHS = {"q": 3, "h": 6}


@dataclass(frozen=True)
class Window:
    """The months from `first` to `last` ("2026-10", "2026-12"), both included."""

    first: str
    last: str

    @property
    def periods(self) -> list[str]:
        first_year, first_month = split(self.first)
        last_year, last_month = split(self.last)
        return [shift(self.first, n) for n in range((last_year - first_year) * 12 + last_month - first_month + 1)]

    @property
    def single(self) -> bool:
        return self.first == self.last

    @property
    def word(self) -> str:
        """How the window is typed back (统计's argument, 工作台's address)."""
        return self.first if self.single else f"{self.first}..{self.last}"

    @property
    def year(self) -> int | None:
        """The calendar year, if the window is one."""
        year = split(self.first)[0]
        return year if (self.first, self.last) == (make(year, 1), make(year, 12)) else None

    @property
    def label(self) -> str:
        (year, first), (last_year, last) = split(self.first), split(self.last)
        if self.single:
            return month_label(self.first)
        if self.year:
            return m.WINDOW_YEAR.format(year=year)
        if year == last_year and (first, last) in ((1, 6), (7, 12)):
            return m.WINDOW_HALVES[first // 7].format(year=year)
        if year == last_year and first % 3 == 1 and last == first + 2:
            return m.WINDOW_QUARTER.format(year=year, number=m.COUNT_WORDS[first // 3].replace("两", "二"))
        end = m.WINDOW_SAME_YEAR.format(month=last) if year == last_year else month_label(self.last)
        return m.WINDOW_RANGE.format(first=month_label(self.first), last=end)


def window(word: str | None, this: str) -> Window:
    """The window a word names (default: the month `this`): 2026-12, 2026-10..2026-12, 2026Q4,
    2026H2, 2026, 近三个月 (this month and the two before); UserError otherwise."""
    found = _window(word or this, this)
    if found is None or found.first > found.last or len(found.periods) > LONGEST_WINDOW:
        raise UserError(m.BAD_WINDOW.format(word=quoted(word or "", 20)))
    return found


def _window(word: str, this: str) -> Window | None:
    try:
        if MONTH.match(word):
            return Window(_month(word), _month(word))
        if found := RANGE.match(word):
            return Window(_month(found.group(1)), _month(found.group(2)))
        if YEAR.match(word):
            return Window(make(int(word), 1), make(int(word), 12))
        if (found := PART.match(word)) and 1 <= int(found.group(3)) <= 12 // PART_MONTHS[found.group(2).lower()]:
            size = PART_MONTHS[found.group(2).lower()]
            first = make(int(found.group(1)), (int(found.group(3)) - 1) * size + 1)
            return Window(first, shift(first, size - 1))
    except ValueError:
        return None
    if (found := RECENT.match(word)) and (count := _count(found.group(1))):
        return Window(shift(this, 1 - count), this)
    return None


def _month(word: str) -> str:
    year, month = word.split("-")
    return check(make(int(year), int(month)))


def _count(word: str) -> int:
    """3, 三 or 两 → 3 or 2; 0 for what is not a count of months from 1 to 12."""
    if word.isdigit():
        return int(word) if 1 <= int(word) <= 12 else 0
    words = {w: n for n, w in enumerate(m.COUNT_WORDS, 1)} | {"二": 2}
    return words.get(word, 0)


def percent(part: float, whole: float) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def text_of(span: Window) -> str:
    """统计's text over the window (统计, 工作台 and the month's export alike): a month's figures, or
    each month's line and the window's; "" when no month of it has reports."""
    if span.single:
        figures = month_figures(span.first)
        return month_text(figures, feedback_figures([span.first])) if figures.orgs else ""
    months = window_figures(span.first, span.last)
    return window_text(span, months, feedback_figures([f.period for f in months])) if months else ""


def seen_line(counts: Counter) -> str:
    """未查看 12 · 已查看未提交 30 · 已提交 31, from SeenState → orgs."""
    return m.SEEN_LINE.format(unseen=counts[SeenState.UNSEEN], seen=counts[SeenState.SEEN],
                              submitted=counts[SeenState.SUBMITTED])


def sms_line(period: str) -> str:
    """短信：已发 · 失败 · 待发 · 跳过 (退订, 无手机号, 超上限) of the month; "" when it had none."""
    counts = sms_counts(period)
    if not counts:
        return ""
    skipped = {reason: counts.get(reason, 0) for reason in SmsSkip}
    return m.SMS_LINE.format(sent=counts.get("sent", 0), failed=counts.get("failed", 0),
                             pending=counts.get("pending", 0), skipped=sum(skipped.values()), **skipped)


def task_sentence(figures: MonthFigures) -> str:
    if not figures.tasks:
        return m.STATS_NO_TASKS
    return m.STATS_TASKS.format(orgs=figures.orgs, over=figures.orgs_over_threshold, tasks=figures.tasks,
                                threshold=figures.task_threshold,
                                share=percent(figures.orgs_over_threshold, figures.orgs))


def month_text(figures: MonthFigures, feedback: FeedbackFigures) -> str:
    shares = list(figures.shares.values())
    lines = [m.STATS_MONTH.format(month=month_label(figures.period), orgs=figures.orgs,
                                  submitted=figures.submitted, late=figures.late, missing=figures.missing,
                                  share=percent(figures.submitted, figures.orgs)),
             m.STATS_SEEN.format(line=seen_line(figures.seen)),
             m.STATS_SHARES.format(average=percent(sum(shares), len(shares)),
                                   done=sum(1 for s in shares if s >= SHARE_DONE), orgs=len(shares),
                                   deferred=sum(figures.deferred.values())),
             task_sentence(figures)]
    if figures.categories:
        lines.append(m.STATS_CATEGORIES + " · ".join(
            f"{m.SHORT_CATEGORY.get(name, name)} {percent(done, applicable)}"
            for name, (done, applicable) in figures.categories.items()))
    if figures.most_left:
        lines.append(m.STATS_LEFT + " · ".join(f"{clip(title, 12)} {n}" for title, n in figures.most_left))
    lines += [m.STATS_TARGET.format(title=clip(title, 12), reached=reached, orgs=orgs, target=target)
              for title, target, reached, orgs in figures.targets]
    lines += feedback_lines(feedback, [figures.period])
    lines += [line for line in [sms_line(figures.period)] if line]
    return "\n".join(lines)


def feedback_lines(feedback: FeedbackFigures, months: list[str]) -> list[str]:
    """The source document's sentence over all written content, then who answered the difficulties
    and suggestions (unrouted ones under 未指定部门)."""
    said = month_label(months[0]) if len(months) == 1 else m.STATS_MONTHS_COUNT.format(count=_count_word(len(months)))
    if not feedback.contents:
        lines = [m.STATS_NO_CONTENTS.format(months=said)]
    else:
        kinds = "；".join(m.STATS_CONTENT_KIND.format(label=label, count=feedback.kinds.get(kind, 0),
                                                     share=percent(feedback.kinds.get(kind, 0), feedback.contents))
                         for kind, label in m.CONTENT_KIND_LABELS.items())
        lines = [m.STATS_CONTENTS.format(months=said, contents=feedback.contents, kinds=kinds)]
    answered = sum(a for a, _ in feedback.by_department.values())
    lines.append(m.STATS_ANSWERS.format(answered=answered, open=feedback.waiting))
    if feedback.by_department:
        lines.append(m.STATS_BY_DEPARTMENT + " · ".join(
            m.STATS_DEPARTMENT.format(name=name or m.NO_DEPARTMENT, answered=a, open=o)
            for name, (a, o) in feedback.by_department.items()))
    return lines


def _count_word(count: int) -> str:
    return m.COUNT_WORDS[count - 1] if count <= len(m.COUNT_WORDS) else str(count)


def window_text(span: Window, months: list[MonthFigures], feedback: FeedbackFigures) -> str:
    """Each month of the window with reports, one line each; the window's written content; the trend."""
    lines = [m.STATS_WINDOW.format(what=span.label)]
    one_year = span.first[:4] == span.last[:4]
    for figures in months:
        shares = list(figures.shares.values())
        name = m.WINDOW_SAME_YEAR.format(month=split(figures.period)[1]) if one_year else month_label(figures.period)
        lines.append(m.STATS_WINDOW_MONTH.format(month=name, submitted=figures.submitted, orgs=figures.orgs,
                                                 share=percent(figures.submitted, figures.orgs),
                                                 average=percent(sum(shares), len(shares)),
                                                 over=figures.orgs_over_threshold, tasks=figures.tasks))
    lines += feedback_lines(feedback, [f.period for f in months])
    lines.append(m.STATS_TREND + _trends(months))
    return "\n".join(lines)


def _trends(months: list[MonthFigures]) -> str:
    """Orgs whose share went up or down from their first month to their last."""
    first, last = {}, {}
    for figures in months:
        for code, share in figures.shares.items():
            first.setdefault(code, share)
            last[code] = share
    up = sum(1 for code in last if last[code] > first[code])
    down = sum(1 for code in last if last[code] < first[code])
    return m.STATS_TREND_COUNTS.format(up=up, down=down, same=len(last) - up - down)
