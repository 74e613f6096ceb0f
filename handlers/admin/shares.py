"""分享 in the admins' chats: an org's submitted report of a month, or one highlight of it, shared as
an exemplary report (优秀月报) with the secretaries of the orgs of its type, or of all (全部), named or
anonymous (匿名); 分享 alone lists the year's shares, 分享 撤回 FX3 withdraws one. Both ask first
(Call.ask) and act on the 确认.

The cards are Outgoing replies with keys share:<id>:<userid>, queued in the same transaction as the
Share row (as 催办 queues its reminders): the share and its cards are written together or not at
all, and no share is sent twice. A background job, as 发布 uses, would split the two for no gain:
a share writes one row and its messages, whatever the number of secretaries."""
from __future__ import annotations

import logging
import re

from handlers import messages as m, shares as views
from handlers.admin import GROUP, YEAR, Call
from handlers.errors import UserError
from handlers.registry import ADMINS
from handlers.replies import Text
from handlers.report_views import clip, quoted
from models import Org, Report, shares
from models.shares import Audience, Refused

log = logging.getLogger(__name__)
HIGHLIGHT = re.compile(r"亮点(\d{1,3})")
ANONYMOUS_WORDS = ("匿名", "anonymous")
ALL_WORDS = ("全部", "all")
WITHDRAW_WORDS = ("撤回", "withdraw")


@GROUP.command(views.NAME, aliases=("share",), who=ADMINS)
def share_command(call: Call):
    """分享 [组织编号 [月份] [亮点N] [匿名] [全部] | 撤回 编号 | 年份] — 优秀月报：分享已提交的月报或其中一条亮点
    给同类型组织的书记（“全部”：所有组织），“匿名”不显示组织名称；需确认。只发“分享”：本年的分享
    例：分享 XY01 2026-12 亮点1 匿名　撤回：分享 撤回 FX3"""
    words = call.words
    if not words or YEAR.fullmatch(words[0]):
        return call.answer(list_text(int(words[0]) if words else call.ctx.clock.today().year))
    if words[0] in WITHDRAW_WORDS:
        if len(words) != 2:
            raise UserError(m.SHARE_HOW)
        return withdraw(call, words[1])
    return share(call, words[0], words[1:])


def list_text(year: int) -> str:
    rows = shares.of_year(year)
    if not rows:
        return m.SHARE_NONE.format(year=year)
    withdrawn = sum(share.withdrawn for share in rows)
    return "\n".join([m.SHARE_HEAD.format(year=year, count=len(rows) - withdrawn, withdrawn=withdrawn),
                      *(views.line(share) for share in rows), m.SHARE_HOW])


def share(call: Call, code: str, words: list[str]) -> list:
    """分享 XY01 [2026-12] [亮点N] [匿名] [全部]: the plan asked, then on 确认 the share and its messages."""
    month, number, anonymous, audience = None, None, False, Audience.TYPE
    for word in words:
        highlight = HIGHLIGHT.fullmatch(word)
        if word in ANONYMOUS_WORDS:
            anonymous = True
        elif word in ALL_WORDS:
            audience = Audience.ALL
        elif highlight:
            number = int(highlight.group(1))
        elif word[:1].isdigit() and month is None:
            month = word
        else:
            raise UserError(m.SHARE_BAD_WORD.format(word=quoted(word, 20)))
    period = call.period(month)
    try:
        planned = shares.plan(code, period, number, anonymous, audience)
    except Refused as refused:
        log.info("share of %s %s by %s not made: %s", clip(code, 32), period, call.person.userid, refused.problem)
        return [Text(_problem(refused, code, period, number))]
    if not call.confirmed:
        return call.ask(views.plan_text(planned))
    made = shares.create(planned, call.person.userid, call.ctx.clock.utcnow())
    log.info("share %s of %s %s made by %s: %d cards", made.code, planned.report.org.code, period,
             call.person.userid, len(planned.recipients))
    done = m.SHARED.format(code=made.code, people=len(planned.recipients), org=planned.report.org.name)
    return [Text(done), *views.messages(made, planned, call.ctx)]


def _problem(refused: Refused, code: str, period: str, number: int | None) -> str:
    org = Org.get_or_none(Org.code == code.upper())
    count = 0
    if org is not None and number is not None:
        report = Report.get_or_none(Report.org == org, Report.period == period)
        count = len(shares.highlights(report)) if report else 0
    return views.problem_text(refused, code, org.name if org else "", period, number, count)


def withdraw(call: Call, code: str) -> list:
    """分享 撤回 FX3: asked, then withdrawn (its page says so)."""
    try:
        found = shares.withdrawable(code)
    except Refused as refused:
        log.info("share %s not withdrawn by %s: %s", clip(code, 32), call.person.userid, refused.problem)
        return [Text(views.problem_text(refused, code))]
    if not call.confirmed:
        return call.ask(views.withdraw_text(found))
    shares.withdraw(found, call.person.userid, call.ctx.clock.utcnow())
    return [Text(m.SHARE_WITHDRAWN.format(code=found.code))]
