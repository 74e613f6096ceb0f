"""整改 in the admins' chats: the rectification list — an admin's all, an area liaison's their area's
orgs' — overdue first, then by org and state; one with its history; the figures; and the office's
moves: 添加 (a problem found in an org), 销号 (accepted), 退回 and 重开 (with the reason). The org's
people are told of each move of the office (handlers/rectifications.py says who and what)."""
from __future__ import annotations

import datetime
import logging
import re

from handlers import messages as m, rectifications as views
from handlers.admin import GROUP, Call
from handlers.errors import Refusal, UserError
from handlers.registry import AREAS
from handlers.replies import Text
from handlers.report_views import clip, quoted
from models import Org
from models.rectifications import (
    LETTER_LABELS,
    Move,
    RectificationState,
    Refused,
    create,
    figures,
    find,
    letters_sent,
    listed,
    move,
    parse_date,
)

log = logging.getLogger(__name__)

FIELDS = re.compile(r"\s*[|｜]\s*")
OFFICE_MOVES = {"销号": Move.ACCEPT, "退回": Move.SEND_BACK, "重开": Move.REOPEN}
STATE_WORDS = {label: RectificationState(state) for state, label in m.RECT_STATES.items()}


@GROUP.command(views.NAME, aliases=("rectify",), who=AREAS)
def rectification_command(call: Call):
    """整改 [状态 | 编号 | 统计 | 添加 | 销号 | 退回 | 重开] — 整改清单，逾期的在前（片区联络员：本片区）
    整改 待验收：只看一种状态；整改 ZG01：一条及其记录；整改 统计：未销号、逾期、按期和逾期销号；
    添加 组织编号 来源|问题|整改措施|责任人|整改时限；销号 编号；退回 编号 原因；重开 编号 原因（仅限管理员）
    例：整改 添加 XY01 巡察|理论学习不深入|制定学习计划|张三|2027-03-31"""
    word, _, rest = call.args.partition(" ")
    if not word or word in STATE_WORDS:
        return call.answer(list_text(call, STATE_WORDS.get(word)))
    if word == "统计":
        return call.answer(figures_text(call))
    if word in ("添加", *OFFICE_MOVES) and not call.is_admin:
        raise Refusal(m.RECT_ADMINS_ONLY)
    if word == "添加":
        return [Text(add(call, rest.strip()))]
    if word in OFFICE_MOVES:
        code, _, reason = rest.strip().partition(" ")
        if not code:
            raise UserError(m.RECT_ADMIN_HOW)
        return office_move(call, code, OFFICE_MOVES[word], reason)
    return call.answer(detail_text(call, word))


def area_orgs(call: Call) -> list[int] | None:
    """The org ids an area liaison sees; None (all) for an admin."""
    if call.is_admin:
        return None
    return [org_id for (org_id,) in Org.select(Org.id).where(Org.area == call.person.area).tuples()]


def list_text(call: Call, state: RectificationState | None) -> str:
    today = call.ctx.clock.today()
    rows = listed(orgs=area_orgs(call), states=[state] if state else None, today=today)
    if not rows:
        return m.RECT_NONE
    overdue = sum(r.overdue(today) for r in rows)
    head = (m.RECT_HEAD.format(count=len(rows), overdue=overdue) if call.is_admin
            else m.RECT_AREA_HEAD.format(area=call.person.area, count=len(rows), overdue=overdue))
    return "\n".join([head, *(views.line(r, today) for r in rows), m.RECT_ADMIN_HOW])


def detail_text(call: Call, code: str) -> str:
    try:
        r = find(code)
    except Refused as refused:
        log.info("rectification %s asked by %s: %s", clip(code, 32), call.person.userid, refused.problem)
        return views.problem_text(refused, code)
    orgs = area_orgs(call)
    if orgs is not None and r.org_id not in orgs:
        log.info("rectification %s asked by %s of another area", r.code, call.person.userid)
        return m.RECT_PROBLEMS["not yours"].format(code=r.code, whose=m.RECT_NOT_YOURS_AREA)
    return views.detail(r, call.ctx)


def add(call: Call, text: str) -> str:
    """添加 XY01 来源|问题|整改措施|责任人|整改时限: the rectification listed, or the one line saying what is wrong."""
    org_code, _, rest = text.partition(" ")
    if not org_code or not rest.strip():
        raise UserError(m.RECT_ADD_HOW)
    org = Org.get_or_none(Org.code == org_code.upper())
    if org is None:
        return m.NO_SUCH_ORGS.format(codes=quoted(org_code, 32))
    source, problem, measures, responsible, deadline = (FIELDS.split(rest.strip(), 4) + [""] * 4)[:5]
    today = call.ctx.clock.today()
    try:
        fields = {"source": source, "problem": problem, "measures": measures, "responsible": responsible,
                  "found_on": today, "deadline": parse_date(deadline)}
        r = create(org, fields, call.person.userid, call.ctx.clock.utcnow())
    except Refused as refused:
        log.info("rectification for %s by %s not taken: %s", org.code, call.person.userid, refused.problem)
        return views.problem_text(refused, "", text=quoted(deadline, 20), found_on=today.isoformat())
    return m.RECT_ADDED.format(code=r.code, org=org.name, source=r.source, problem=quoted(r.problem, 30),
                               deadline=r.deadline.isoformat())


def office_move(call: Call, code: str, step: Move, reason: str) -> list:
    """销号, 退回 or 重开: said back, and the org's people told."""
    clock = call.ctx.clock
    try:
        r = move(code, step, call.person.userid, clock.utcnow(), clock.today(), reason)
    except Refused as refused:
        log.info("rectification %s: %s by %s not taken: %s", clip(code, 32), step, call.person.userid,
                 refused.problem)
        return [Text(views.problem_text(refused, code, step))]
    return [Text(m.RECT_MOVED[step].format(code=r.code, org=r.org.name)),
            *views.told(r, step, reason, call.ctx.admin_userids)]


def figures_head(today, orgs=None) -> str:
    """整改 统计's first line (工作台 shows it too)."""
    total, _, _ = figures(today, orgs)
    return m.RECT_FIGURES_HEAD.format(day=today.isoformat(), closed=total.closed, **vars(total))


def letters_line(year: int, zone) -> str:
    """统计 YEAR's line on the letters sent that year (in the organisation's time zone), by kind."""
    start, end = (datetime.datetime(y, 1, 1, tzinfo=zone).astimezone(datetime.UTC).replace(tzinfo=None)
                  for y in (year, year + 1))
    counts = " · ".join(m.LETTERS_COUNT.format(label=LETTER_LABELS[kind], count=count)
                        for kind, count in letters_sent(start, end).items())
    return m.LETTERS_SENT.format(year=year, counts=counts)


def figures_text(call: Call) -> str:
    today = call.ctx.clock.today()
    total, by_area, by_type = figures(today, area_orgs(call))
    lines = [m.RECT_FIGURES_HEAD.format(day=today.isoformat(), closed=total.closed, **vars(total))]
    for head, groups in ((m.RECT_FIGURES_BY_AREA, by_area), (m.RECT_FIGURES_BY_TYPE, by_type)):
        lines += [head, *(m.RECT_FIGURES_LINE.format(name=name or m.NO_AREA, **vars(tally))
                          for name, tally in groups.items())]
    return "\n".join(lines)
