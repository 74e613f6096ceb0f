"""个性指标: an organisation's own items. Its secretary (or deputy) proposes one — a name, a category,
a frequency or a target, why — and the office approves it or returns it with a reason:

    proposed (待审核) ─approve─→ approved (已通过): an Action of that org only, from the next publish
             └──────send back─→ returned (已退回, with the reason): the org may propose it again

An approved item is an Action with its `org` set: the items of a report (models.items), the tallies
of a counted item, the statistics, the year overview and the exports all read actions, so an own item
counts there like any baseline action of its category, with no second kind of entry to carry along.
The proposal stays as the record of who asked, why, and who decided when; nothing is deleted.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.db import BaseModel
from models.directory import CATEGORIES, FREQUENCIES, Action, Org, Person

TITLE_LIMIT = 40
WHY_LIMIT = 200
YEARLY_WORDS = ("全年", "年度")             # 全年4次: a yearly target
FREQUENCY = re.compile(r"(每月|每季度|每半年|每年|全年|年度)\s*(?:(?:不少于|至少)?\s*(\d{1,4})\s*(\S{0,8}))?")


class OwnItemStatus(StrEnum):
    PROPOSED = "proposed"       # 待审核
    APPROVED = "approved"       # 已通过
    RETURNED = "returned"       # 已退回


class Problem(StrEnum):
    """Why a proposal or a decision was not taken (nothing was written)."""

    NO_TITLE = "no title"
    TITLE_TOO_LONG = "title too long"
    BAD_CATEGORY = "bad category"
    NO_FREQUENCY = "no frequency"
    WHY_TOO_LONG = "why too long"
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown number"
    NOT_WAITING = "not waiting"
    NO_REASON = "no reason"


class Refused(ValueError):
    def __init__(self, problem: Problem, item: OwnItem | None = None):
        super().__init__(problem)
        self.problem, self.item = problem, item


class OwnItem(BaseModel):
    """One proposal of an org's own item, and what the office decided."""

    org = ForeignKeyField(Org, backref="own_items", on_delete="CASCADE")
    title = CharField(max_length=128)
    category = CharField(max_length=32)
    frequency = CharField(max_length=16)                 # monthly | quarterly | half_yearly | yearly
    target = IntegerField(null=True)
    unit = CharField(max_length=16, default="")
    why = TextField(default="")
    status = CharField(max_length=16, default=OwnItemStatus.PROPOSED)     # an OwnItemStatus
    proposed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    proposed_at = DateTimeField()
    reviewed_by = CharField(max_length=64, default="")   # the admin's userid (configured admins have no row)
    reviewed_at = DateTimeField(null=True)
    answer = TextField(default="")                       # why it was returned
    action = ForeignKeyField(Action, null=True, on_delete="SET NULL")     # what it became once approved


@dataclass(frozen=True)
class Proposal:
    title: str
    category: str
    frequency: str
    target: int | None = None
    unit: str = ""
    why: str = ""


def parse_frequency(text: str) -> tuple[str, int | None, str] | None:
    """"每季度" → (quarterly, None, ""); "每年4次" or "全年4次" → (yearly, 4, 次); None if it is neither."""
    found = FREQUENCY.fullmatch(text.strip())
    if found is None:
        return None
    word, number, unit = found.groups()
    frequency = "yearly" if word in YEARLY_WORDS else FREQUENCIES[word]
    if word in YEARLY_WORDS and number is None:
        return None
    return frequency, int(number) if number else None, (unit or "") if number else ""


def proposal(title: str, category: str, frequency: str, why: str = "") -> Proposal:
    """A proposal from what was typed (a chat's fields or a form's), or Refused saying what is wrong."""
    title, category, why = title.strip(), category.strip(), why.strip()
    if not title:
        raise Refused(Problem.NO_TITLE)
    if len(title) > TITLE_LIMIT:
        raise Refused(Problem.TITLE_TOO_LONG)
    if category not in CATEGORIES:
        raise Refused(Problem.BAD_CATEGORY)
    parsed = parse_frequency(frequency)
    if parsed is None:
        raise Refused(Problem.NO_FREQUENCY)
    if len(why) > WHY_LIMIT:
        raise Refused(Problem.WHY_TOO_LONG)
    return Proposal(title, category, *parsed, why=why)


def propose(org: Org, person: Person, given: Proposal, at: datetime.datetime) -> OwnItem:
    """Record the org's proposal; one waiting or approved with the same name is Refused (DUPLICATE)."""
    same = (OwnItem.select().where(OwnItem.org == org, OwnItem.title == given.title,
                                   OwnItem.status != OwnItemStatus.RETURNED).first())
    if same is not None:
        raise Refused(Problem.DUPLICATE, same)
    return OwnItem.create(org=org, title=given.title, category=given.category, frequency=given.frequency,
                          target=given.target, unit=given.unit, why=given.why, proposed_by=person, proposed_at=at)


def waiting() -> list[OwnItem]:
    """The proposals waiting for the office, oldest first."""
    return list(OwnItem.select(OwnItem, Org).join(Org)
                .where(OwnItem.status == OwnItemStatus.PROPOSED).order_by(OwnItem.id))


def of_org(org_id: int) -> list[OwnItem]:
    return list(OwnItem.select().where(OwnItem.org == org_id).order_by(OwnItem.id))


def _waiting_one(number: int) -> OwnItem:
    item = OwnItem.get_or_none(OwnItem.id == number)
    if item is None:
        raise Refused(Problem.UNKNOWN)
    if item.status != OwnItemStatus.PROPOSED:
        raise Refused(Problem.NOT_WAITING, item)
    return item


def approve(number: int, reviewer: str, at: datetime.datetime) -> OwnItem:
    """The proposal becomes an action of its org; Refused if unknown or decided already."""
    item = _decide(number, OwnItemStatus.APPROVED, reviewer, at)
    item.action = Action.create(code=f"Z{item.id}-{item.org.code}"[:32], category=item.category, title=item.title,
                                requirement=item.why, frequency=item.frequency, target=item.target, unit=item.unit,
                                org=item.org_id)
    item.save()
    return item


def send_back(number: int, reviewer: str, reason: str, at: datetime.datetime) -> OwnItem:
    """The proposal returned with the reason; Refused if unknown, decided already, or without a reason."""
    if not reason.strip():
        raise Refused(Problem.NO_REASON, _waiting_one(number))
    return _decide(number, OwnItemStatus.RETURNED, reviewer, at, answer=reason.strip())


def _decide(number: int, status: OwnItemStatus, reviewer: str, at: datetime.datetime, answer: str = "") -> OwnItem:
    """Decide a proposal still waiting: one conditional update, so that two admins deciding at once
    decide it once (the second is told it was decided)."""
    _waiting_one(number)
    decided = (OwnItem.update(status=status, reviewed_by=reviewer, reviewed_at=at, answer=answer)
               .where(OwnItem.id == number, OwnItem.status == OwnItemStatus.PROPOSED).execute())
    if not decided:
        raise Refused(Problem.NOT_WAITING, OwnItem.get_by_id(number))
    return OwnItem.get_by_id(number)
