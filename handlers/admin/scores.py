"""得分 and 评分 in the admins' chats: an org's score for a month or a year with its explanation
(admins any org, an area liaison their area's); the office's 手工评分 mark on an indicator, and its
更正 of a score with the reason (admins). The words are handlers/score_views.py's, shared with the
secretary's own 得分 and the pages."""
from __future__ import annotations

import re

from handlers import messages as m, score_views as views
from handlers.admin import GROUP, Call
from handlers.errors import Refusal, UserError
from handlers.registry import ADMINS, AREAS
from handlers.replies import Text
from handlers.report_views import clip, plain, quoted
from models import Indicator, Org, ScoreCorrection, ScoreMark, database
from models.indicators import COMPUTATION_LABELS, CYCLE_LABELS, REASON_LIMIT, Computation, Cycle, cycle_of
from models.scores import counting, scores, shown

DELTA = re.compile(r"^[+-]?\d{1,3}(\.\d{1,2})?$")
VALUE = re.compile(r"^\d{1,4}(\.\d{1,2})?$")


@GROUP.command("得分", aliases=("score",), who=AREAS)
def score_command(call: Call):
    """得分 组织编号 [月份 或 年份] — 一个组织的得分及每项指标的扣分说明（片区联络员：本片区）
    月份只计月度指标，年份计全部指标；得分 更正 组织编号 月份或年份 ±分值 原因（仅限管理员）
    例：得分 XY01 2026-12　或　得分 XY01 2026　或　得分 更正 XY01 2026-12 +2 补报材料核实"""
    words = call.words
    if words and words[0] == "更正":
        if not call.is_admin:
            raise Refusal(m.SCORE_ADMINS_ONLY)
        return correct(call, call.args.partition("更正")[2].strip())
    if not words or len(words) > 2:
        raise UserError(m.SCORE_HOW)
    org = readable_org(call, words[0])
    return call.answer(views.text(org, views.period_word(words[1] if len(words) > 1 else None, call.ctx), call.ctx))


def find_org(code: str) -> Org:
    org = Org.get_or_none(Org.code == code.upper())
    if org is None:
        raise Refusal(m.SCORE_UNKNOWN_ORG.format(code=quoted(code, 20)))
    return org


def readable_org(call: Call, code: str) -> Org:
    """The org of that code, if the asker may read its score: admins any, an area liaison their area's."""
    org = find_org(code)
    if not call.is_admin and org.area != call.person.area:
        raise Refusal(m.SCORE_NOT_YOUR_AREA.format(code=org.code, area=call.person.area))
    return org


def _reason(text: str) -> str:
    text = text.strip()
    if not text:
        raise Refusal(m.SCORE_NO_REASON)
    return clip(text, REASON_LIMIT)


def correct(call: Call, args: str):
    words = args.split(None, 3)
    if len(words) < 3:
        raise UserError(m.SCORE_CORRECT_HOW)
    org, period = find_org(words[0]), views.period_word(words[1], call.ctx)
    if not DELTA.match(words[2]) or float(words[2]) == 0:
        raise Refusal(m.SCORE_BAD_DELTA.format(word=quoted(words[2], 20)))
    reason = _reason(words[3] if len(words) > 3 else "")
    views.explained(org, period, call.ctx)                # the org is scored in that period
    ScoreCorrection.create(org=org, period=period, delta=float(words[2]), reason=reason, by=call.person.userid,
                           at=call.ctx.clock.utcnow())
    score = scores(period, call.ctx.clock.today(), [org.id])[org.id]
    return [Text(m.SCORE_CORRECTED.format(org=org.name, code=org.code, period=views.period_label(period),
                                          delta=f"{float(words[2]):+g}", reason=plain(reason),
                                          total=shown(score.total), out_of=shown(score.out_of)))]


@GROUP.command("评分", aliases=("mark",), who=ADMINS)
def mark_command(call: Call):
    """评分 组织编号 月份或年份 指标编号 分值 原因 — 手工评分指标的打分（年度指标写年份，月度指标写月份）
    例：评分 XY01 2026 2.1 45 述职评议良好"""
    words = call.args.split(None, 4)
    if len(words) < 4:
        raise UserError(m.MARK_HOW)
    org, period = find_org(words[0]), views.period_word(words[1], call.ctx)
    indicator = _manual(words[2], org, period)
    if not VALUE.match(words[3]) or float(words[3]) > indicator.points:
        raise Refusal(m.MARK_BAD_VALUE.format(points=shown(indicator.points), word=quoted(words[3], 20)))
    reason = _reason(words[4] if len(words) > 4 else "")
    views.explained(org, period, call.ctx)                # the org is scored in that period
    with database.atomic():
        ScoreMark.delete().where(ScoreMark.org == org, ScoreMark.period == period,
                                 ScoreMark.indicator == indicator.code).execute()
        ScoreMark.create(org=org, period=period, indicator=indicator.code, value=float(words[3]), reason=reason,
                         by=call.person.userid, at=call.ctx.clock.utcnow())
    return [Text(m.MARK_DONE.format(org=org.name, code=org.code, period=views.period_label(period),
                                    indicator=indicator.code, name=indicator.name, value=shown(float(words[3])),
                                    points=shown(indicator.points), reason=plain(reason)))]


def _manual(code: str, org: Org, period: str) -> Indicator:
    """The 手工评分 indicator of that code, for this org and a period of its cycle; else Refusal."""
    if not Indicator.select().exists():
        raise Refusal(m.SCORE_NO_INDICATORS)
    indicator = Indicator.get_or_none(Indicator.code == code)
    if indicator is None:
        raise Refusal(m.MARK_UNKNOWN_INDICATOR.format(code=quoted(code, 20)))
    if indicator.computation != Computation.MANUAL:
        raise Refusal(m.MARK_NOT_MANUAL.format(code=indicator.code, name=indicator.name,
                                               computation=COMPUTATION_LABELS.get(indicator.computation, "下级指标")))
    if Cycle(indicator.cycle) != cycle_of(period):
        example = "年份，如 2026" if indicator.cycle == Cycle.YEARLY else "月份，如 2026-12"
        raise Refusal(m.MARK_WRONG_CYCLE.format(code=indicator.code, name=indicator.name,
                                                cycle=CYCLE_LABELS[indicator.cycle], example=example))
    if indicator.code not in counting(list(Indicator.select()), org.type):
        raise Refusal(m.MARK_NOT_FOR_ORG.format(code=indicator.code, name=indicator.name, kind=org.type))
    return indicator
