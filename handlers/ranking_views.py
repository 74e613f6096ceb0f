"""排名 as people read it: the ranked lines of a period (models/rankings.py), for the admins' chats
(handlers/admin/rankings.py adds the filters, the 约谈 line and the chart) and for a secretary's or
deputy's chat, when the office publishes the ranking ([scores] publish_ranking): then the whole
ranking with their own org marked; while it is not published, one line saying so (their own score
is 得分's)."""
from __future__ import annotations

from handlers import messages as m, stats_views
from handlers.errors import UserError
from handlers.replies import Text
from handlers.report_views import CHAT_BYTES, split_text
from models import Indicator
from models.rankings import Ranked, ranking
from models.scores import shown

NAME = "排名"
ARGS = r"\d{4}(?:-\d{1,2}|[QqHh][1-4])?"          # [month, quarter, half or year]


def scored_period(span: stats_views.Window) -> str:
    """The period models/scores.py scores for the window: 2026-12, 2026Q4, 2026H2 or 2026; UserError for
    another window (a range, 近三个月)."""
    if span.single:
        return span.first
    if span.year:
        return str(span.year)
    year, first = int(span.first[:4]), int(span.first[5:])
    size = len(span.periods)
    if span.last[:4] == span.first[:4] and size in (3, 6) and (first - 1) % size == 0:
        return f"{year}{'Q' if size == 3 else 'H'}{(first - 1) // size + 1}"
    raise UserError(m.RANK_WINDOWS)


def line(row: Ranked, own_org_id: int | None = None) -> str:
    return m.RANK_LINE.format(place=row.place, org=row.org.name, code=row.org.code, total=shown(row.score.total),
                              out_of=shown(row.score.out_of), rate=f"{row.rate:.0%}",
                              bottom=m.RANK_BOTTOM if row.bottom else "") + (
        m.RANK_OWN if row.org.id == own_org_id else "")


def own(person, args: str, ctx) -> list:
    """A secretary's 排名: every org's, this month or the window named, once the office publishes it."""
    if not ctx.publish_ranking:
        return [Text(m.RANK_NOT_PUBLISHED)]
    if not Indicator.select().exists():
        return [Text(m.SCORE_NO_INDICATORS_ORG)]
    try:
        span = stats_views.window(args.strip() or None, ctx.clock.period())
        period = scored_period(span)
    except UserError:
        return [Text(m.RANK_WINDOWS)]
    rows = ranking(period, ctx.clock.today())
    if not rows:
        return [Text(m.RANK_NONE.format(what=span.label, scope=m.RANK_ALL))]
    head = m.RANK_HEAD.format(what=span.label, scope=m.RANK_ALL, count=len(rows))
    text = "\n".join([head, *(line(row, person.org_id) for row in rows)])
    return [Text(chunk) for chunk in split_text(text, CHAT_BYTES)]
