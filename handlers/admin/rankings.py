"""排名 in the admins' chats: the orgs ranked by their score of a month, a quarter, a half or a year
(models/rankings.py: by score rate, ties sharing a place), of one type (类型 学院) or one area (片区 …),
the bottom three marked; a year's ranking also names the orgs in the bottom three two years running,
for a talk (约谈); a chart of it follows (jobs.admin.ranking_chart). An area liaison ranks their own
area's orgs."""
from __future__ import annotations

from handlers import messages as m, stats_views
from handlers.admin import GROUP, Call
from handlers.errors import Refusal, UserError
from handlers.ranking_views import NAME, line, scored_period
from handlers.registry import AREAS
from handlers.report_views import quoted
from models import Indicator, Org
from models.rankings import ranking, talks

FILTERS = {"类型": "type", "片区": "area"}


@GROUP.command(NAME, aliases=("rank",), who=AREAS)
def ranking_command(call: Call):
    """排名 [月份 或 季度 或 半年 或 年份] [类型 学院 | 片区 名称] — 按得分率排名，并列同名次，后三位标出；
    年度排名另列连续两年后三位（约谈）（片区联络员：本片区）
    例：排名 2026-12　或　排名 2026Q4 类型 学院、排名 2026H2、排名 2026 片区 广州南校园"""
    if not Indicator.select().exists():
        raise Refusal(m.SCORE_NO_INDICATORS)
    words = call.words
    word = words.pop(0) if words and words[0] not in FILTERS else None
    span = stats_views.window(word, call.ctx.clock.period())
    period = scored_period(span)
    org_type, area = filters(call, words)
    rows = ranking(period, call.ctx.clock.today(), org_type, area)
    scope = org_type or area or m.RANK_ALL
    if not rows:
        return call.answer(m.RANK_NONE.format(what=span.label, scope=scope))
    lines = [m.RANK_HEAD.format(what=span.label, scope=scope, count=len(rows)), *(line(row) for row in rows)]
    if span.year and org_type is None and area is None:
        lines.append(talks_line(span.year, call.ctx.clock.today()))
    return call.answer("\n".join(lines)) + call.background(
        "jobs.admin.ranking_chart", m.CHART_COMING, period=period, label=span.label, org_type=org_type, area=area)


def talks_line(year: int, today) -> str:
    """The orgs in the bottom three of `year` and the year before, for a talk (约谈): 排名 YEAR's last
    line, and December's close notice to the admins."""
    named = "、".join(f"{org.name}（{org.code}）" for org in talks(year, today))
    return m.RANK_TALKS.format(year=year, before=year - 1, orgs=named or m.RANK_TALKS_NONE)


def filters(call: Call, words: list[str]) -> tuple[str | None, str | None]:
    """(org type, area) from 类型 X / 片区 Y; an area liaison's area is always theirs."""
    chosen = {"type": None, "area": None}
    while words:
        key = FILTERS.get(words.pop(0))
        if key is None or not words:
            raise UserError(m.RANK_HOW)
        chosen[key] = words.pop(0)
    if chosen["type"] and not Org.select().where(Org.type == chosen["type"]).exists():
        raise Refusal(m.RANK_NO_TYPE.format(type=quoted(chosen["type"], 20)))
    if chosen["area"] and not Org.select().where(Org.area == chosen["area"]).exists():
        raise Refusal(m.RANK_NO_AREA.format(area=quoted(chosen["area"], 20)))
    if not call.is_admin:
        if chosen["area"] not in (None, call.person.area):
            raise Refusal(m.RANK_OWN_AREA.format(area=call.person.area))
        chosen["area"] = call.person.area
    return chosen["type"], chosen["area"]
