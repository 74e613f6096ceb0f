"""自选 in the admins' chats: the organisations' own items (个性指标) waiting for the office, and the
decision on each — 通过 (it joins that org's items from the next publish) or 退回 with a reason; the
proposer is told either way. 工作台 does the same through decide()."""
from __future__ import annotations

import logging

from handlers import messages as m, own_items as chat
from handlers.admin import GROUP, Call
from handlers.errors import UserError
from handlers.registry import ADMINS
from handlers.replies import Text
from handlers.report_views import plain, quoted
from models import own_items
from models.own_items import OwnItem, Refused

log = logging.getLogger(__name__)
APPROVE, SEND_BACK = "通过", "退回"


@GROUP.command(chat.NAME, aliases=("own",), who=ADMINS)
def own_items_command(call: Call):
    """自选 [通过 编号 | 退回 编号 原因] — 待审核的个性指标，审核一条（提出人会收到结果）
    例：自选 通过 3　或　自选 退回 3 与规定动作重复"""
    words = call.args.split(None, 2)
    if not words:
        return call.answer(waiting_text(), "desk")
    verb, number, reason = (words + ["", ""])[:3]
    if verb not in (APPROVE, SEND_BACK) or not number.isdecimal() or len(number) > 9:
        raise UserError(m.OWN_DECIDE_HOW)
    said, replies = decide(verb, int(number), reason, call.person.userid, call.ctx.clock.utcnow())
    return [Text(said), *replies]


def waiting_text() -> str:
    lines = waiting_lines()
    if not lines:
        return m.OWN_WAITING_NONE
    return "\n".join([m.OWN_WAITING_HEAD.format(count=len(lines)), *(text for _, text in lines), m.OWN_DECIDE_HOW])


def waiting_lines() -> list[tuple[int, str]]:
    """(number, its line) of each proposal waiting, oldest first: the chat's list and 工作台's."""
    return [(item.id, m.OWN_WAITING_LINE.format(
        number=item.id, org=item.org.name, code=item.org.code, title=plain(item.title), category=item.category,
        frequency=chat.frequency_label(item), why=f" · {quoted(item.why, 30)}" if item.why else ""))
        for item in own_items.waiting()]


def decide(verb: str, number: int, reason: str, reviewer: str, at) -> tuple[str, list]:
    """(what the admin is told, the proposer's message) of 通过 or 退回; a decision not taken is
    said in one line and changes nothing."""
    try:
        item = (own_items.approve(number, reviewer, at) if verb == APPROVE
                else own_items.send_back(number, reviewer, reason, at))
    except Refused as refused:
        log.info("own item %s: %s by %s not taken: %s", number, verb, reviewer, refused.problem)
        return chat.problem_text(refused, number), []
    return _done_text(item), chat.told(item)


def _done_text(item: OwnItem) -> str:
    template = m.OWN_APPROVED if item.action_id else m.OWN_RETURNED
    return template.format(number=item.id, org=item.org.name, title=plain(item.title))
