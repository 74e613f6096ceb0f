"""自选 in a secretary's (or deputy's) chat: the org's own items (个性指标), one in detail, and a new
proposal. It reads and writes no report: every step of the check-in runs it (a row's READING
commands, handlers/checkin_steps.py), in a closed month too, leaving the person where they were;
and with no report open the check-in runs it all the same. The office decides in the admins' 自选
(handlers/admin/own_items.py)."""
from __future__ import annotations

import logging
import re

from handlers import messages as m
from handlers.replies import Outgoing, Text
from handlers.report_views import plain, quoted
from models import own_items
from models.own_items import OwnItem, Problem, Refused

log = logging.getLogger(__name__)

NAME = "自选"
ARGS = r"(?s)(?:添加|通过|退回)(?:\s.*|\S.*)?|\d{1,9}"      # what may follow 自选 (else the text is a note)
FIELDS = re.compile(r"\s*[|｜]\s*")
REVIEW_WORDS = ("通过", "退回")


def frequency_label(item) -> str:
    """每季度, or 每年4次 for an item with a target."""
    label = m.FREQUENCY_LABELS.get(item.frequency, item.frequency)
    return f"{label}{item.target}{item.unit}" if item.target is not None else label


def line(item: OwnItem) -> str:
    state = m.OWN_STATES[item.status] + (m.OWN_ANSWER.format(reason=quoted(item.answer, 30))
                                         if item.answer else "")
    return m.OWN_LINE.format(number=item.id, title=plain(item.title), category=item.category,
                             frequency=frequency_label(item), state=state)


def problem_text(refused: Refused, number: int | str = "") -> str:
    item = refused.item
    return m.OWN_PROBLEMS[refused.problem].format(number=item.id if item else number,
                                                  state=m.OWN_STATES[item.status] if item else "")


def chat(person, args: str, ctx) -> list:
    """The answer to 自选 and what follows it."""
    if args.startswith("添加"):
        return [Text(propose(person, args[2:], ctx))]
    if args.startswith(REVIEW_WORDS):
        return [Text(m.OWN_ONLY_ADMINS)]
    if args:
        return [Text(detail(person, int(args)))]
    items = own_items.of_org(person.org_id)
    if not items:
        return [Text(m.OWN_NONE.format(org=person.org.name) + "\n" + m.OWN_HOW)]
    return [Text("\n".join([m.OWN_HEAD.format(org=person.org.name), *map(line, items), m.OWN_HOW]))]


def detail(person, number: int) -> str:
    item = OwnItem.get_or_none(OwnItem.id == number)
    if item is None:
        return m.OWN_PROBLEMS[Problem.UNKNOWN].format(number=number)
    if item.org_id != person.org_id:
        log.info("own item %s asked by %s of another org", number, person.userid)
        return m.OWN_NOT_YOURS.format(number=number)
    return m.OWN_DETAIL.format(number=item.id, title=plain(item.title), category=item.category,
                               frequency=frequency_label(item), state=m.OWN_STATES[item.status],
                               answer=m.OWN_ANSWER.format(reason=plain(item.answer)) if item.answer else "",
                               why=plain(item.why) or "—")


def propose(person, typed: str, ctx) -> str:
    """自选 添加 名称|类别|频次|理由: the proposal recorded, or the one line saying what is wrong."""
    title, category, frequency, why = (FIELDS.split(typed.strip(), 3) + ["", "", "", ""])[:4]
    try:
        item = own_items.propose(person.org, person, own_items.proposal(title, category, frequency, why),
                                 ctx.clock.utcnow())
    except Refused as refused:
        log.info("own item proposal by %s not taken: %s", person.userid, refused.problem)
        return problem_text(refused)
    return proposed_text(item)


def proposed_text(item: OwnItem) -> str:
    return m.OWN_PROPOSED.format(number=item.id, title=plain(item.title), category=item.category,
                                 frequency=frequency_label(item))


def told(item: OwnItem) -> list:
    """The proposer told what the office decided (nobody when they left the directory)."""
    if item.proposed_by is None:
        return []
    text = (m.OWN_TOLD_APPROVED.format(title=plain(item.title)) if item.action_id else
            m.OWN_TOLD_RETURNED.format(title=plain(item.title), reason=plain(item.answer)))
    return [Outgoing(to=item.proposed_by.userid, reply=Text(text), key=f"own-item:{item.id}:{item.status}")]
