"""得分 as people read it, in the chat and on the pages: the total, each indicator's points, each
leaf's notes worded (the first few, then how many more), the corrections. Who may see which org's
score is the caller's business (handlers/admin/scores.py, the secretary's chat, the pages); the
checks every reader makes — indicators imported, the period published, the org scored in it — are
here, one line each."""
from __future__ import annotations

import re

from handlers import messages as m
from handlers.errors import Refusal
from handlers.replies import Text
from handlers.report_views import month_label, plain
from models import Indicator, Org, Person
from models.directory import Period, PeriodStatus
from models.indicators import YEAR_PATTERN
from models.score_rules import Note, Why
from models.scores import Explained, explain, months_of, shown

NOTES_SHOWN = 5                 # a leaf's notes shown before "等 N 项"
MONTH_WORD = re.compile(r"^(\d{4})-(\d{1,2})$")


def period_label(period: str) -> str:
    return f"{period}年" if YEAR_PATTERN.match(period) else month_label(period)


def published(period: str) -> bool:
    """A month published (or closed); a year with such a month."""
    return Period.select().where(Period.key.in_(list(months_of(period))),
                                 Period.status.in_([PeriodStatus.PUBLISHED, PeriodStatus.CLOSED])).exists()


def explained(org: Org, period: str, ctx) -> Explained:
    """The org's score for a published period, or Refusal saying in one line why there is none."""
    if not Indicator.select().exists():
        raise Refusal(m.SCORE_NO_INDICATORS)
    if not published(period):
        raise Refusal(m.SCORE_UNPUBLISHED.format(period=period_label(period)))
    found = explain(org, period, ctx.clock.today())
    if found is None:
        raise Refusal(m.SCORE_NO_REPORT.format(org=org.name, code=org.code, period=period_label(period)))
    return found


def text(org: Org, period: str, ctx, own: bool = False) -> str:
    return "\n".join(lines(explained(org, period, ctx), ctx, own))


def lines(e: Explained, ctx, own: bool = False) -> list[str]:
    """The head (for the org's own people, without its code), then each indicator (a leaf with its
    notes), then the corrections."""
    rows = [(m.SCORE_OWN_HEAD if own else m.SCORE_HEAD).format(
        org=e.org.name, code=e.org.code, period=period_label(e.period), total=shown(e.score.total),
        out_of=shown(e.score.out_of))]
    for indicator in e.indicators:
        points, out_of = e.points[indicator.code]
        template = m.SCORE_LEAF if indicator.leaf else m.SCORE_BRANCH
        rows.append(template.format(code=indicator.code, name=indicator.name, points=shown(points),
                                    out_of=shown(out_of)))
        if indicator.leaf:
            rows += [m.SCORE_NOTE.format(text=line) for line in note_lines(e.notes[indicator.code], e.period, ctx)]
    rows += correction_lines(e, ctx)
    return rows


def note_lines(notes: list[Note], period: str, ctx) -> list[str]:
    worded = [_worded(note, period, ctx) for note in notes]
    if len(worded) > NOTES_SHOWN + 1:
        return [*worded[:NOTES_SHOWN], m.SCORE_MORE.format(count=len(worded) - NOTES_SHOWN)]
    return worded


def _month(span: str, period: str) -> str:
    """A month named before a note of a year's score."""
    return f"{span} " if span != period else ""


def _worded(note: Note, period: str, ctx) -> str:
    points = shown(note.points)
    if note.why == Why.ITEM:
        return m.SCORE_ITEM.format(points=points, month=_month(note.span, period), position=note.what[0])
    if note.why == Why.REPORTS:
        if len(months_of(period)) == 1:
            return m.SCORE_REPORT.format(points=points, how=m.SCORE_REPORT_HOW[note.what[0][1]])
        months = "、".join(f"{month} {m.SCORE_REPORT_HOW[how]}" for month, how in note.what)
        return m.SCORE_REPORTS.format(points=points, count=len(note.what), months=months)
    if note.why in (Why.RECTIFIED_LATE, Why.NOT_RECTIFIED):
        template = m.SCORE_RECTIFIED_LATE if note.why == Why.RECTIFIED_LATE else m.SCORE_NOT_RECTIFIED
        return template.format(points=points, code=note.what[0])
    if note.why in COMMENT_NOTES:
        return _comment_worded(note, period, ctx)
    if note.why == Why.MARK:
        out_of, reason = note.what
        template = m.SCORE_MARK if reason else m.SCORE_MARK_NO_REASON
        return template.format(month=_month(note.span, period), value=points, out_of=shown(out_of),
                               reason=plain(reason))
    return m.SCORE_UNMARKED.format(month=_month(note.span, period))


COMMENT_NOTES = {Why.COMMENT_BASE: m.SCORE_COMMENT_BASE, Why.PRAISED: m.SCORE_PRAISED, Why.PROBLEM: m.SCORE_PROBLEM,
                 Why.OVER_CAP: m.SCORE_OVER_CAP, Why.BELOW_ZERO: m.SCORE_BELOW_ZERO}


def _comment_worded(note: Note, period: str, ctx) -> str:
    """A 点评 leaf's notes: its base, each comment with the day it was written, what a cap kept out."""
    values = {"points": shown(note.points), "month": _month(note.span, period)}
    if note.why == Why.COMMENT_BASE:
        values["per"] = shown(note.what[0])
    elif note.why == Why.OVER_CAP:
        values["out_of"] = shown(note.what[0])
    elif note.why != Why.BELOW_ZERO:
        values["day"] = ctx.clock.local(note.what[0]).date().isoformat()
    return COMMENT_NOTES[note.why].format(**values)


def correction_lines(e: Explained, ctx) -> list[str]:
    names = dict(Person.select(Person.userid, Person.name)
                 .where(Person.userid.in_([c.by for c, _ in e.corrections])).tuples())
    return [m.SCORE_CORRECTION.format(month=_month(c.period, e.period), delta=f"{c.delta:+g}", reason=plain(c.reason),
                                      by=names.get(c.by, c.by), day=ctx.clock.local(c.at).date().isoformat())
            for c, _ in e.corrections]


def period_word(word: str | None, ctx) -> str:
    """"2026" or a month "2026-12" (or "2026-1"); default: this month. Refusal when malformed."""
    if not word:
        return ctx.clock.period()
    if YEAR_PATTERN.match(word):
        return word
    found = MONTH_WORD.match(word)
    if found and 1 <= int(found.group(2)) <= 12:
        return f"{found.group(1)}-{int(found.group(2)):02d}"
    raise Refusal(m.BAD_MONTH.format(word=plain(word[:20])))


NAME = "得分"
ARGS = r"(?:[A-Za-z][A-Za-z0-9_-]{0,31}\s*)?(?:\d{4}(?:-\d{1,2})?)?"     # [own org code] [month or year]


def own(person, args: str, ctx) -> list:
    """A secretary's (or deputy's) 得分: their own org's score, this month or the one named; never
    another org's."""
    if not Indicator.select().exists():
        return [Text(m.SCORE_NO_INDICATORS_ORG)]
    words = args.split()
    if words and not words[0][:1].isdigit():
        if words.pop(0).upper() != person.org.code.upper():
            return [Text(m.SCORE_OWN_ONLY)]
    try:
        return [Text(text(person.org, period_word(words[0] if words else None, ctx), ctx, own=True))]
    except Refusal as exc:
        return [Text(str(exc))]
