"""已查看: WeCom gives no read receipt for app messages, so the first sign that a person saw a month —
a reply in its check-in, a tap on one of its cards, a visit to its 我的月报 — is recorded, once per
person and month (a Seen row; later signs change nothing).

A sign counts only once the month's card (its notice, outbox key notice:PERIOD:ORG:USERID) was sent
to that person: a page opened or a message typed before the card reached them is not the month
seen. The check and the insert are one statement, and the unique (person, period) makes two signs at
once one row.

An organisation's month is 未查看 while none of its secretaries and deputies has seen it, then
已查看未提交, then 已提交; the urge and supervise SMS go only to unseen() people.
"""
from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from peewee import CharField, DateTimeField, ForeignKeyField, Value

from models.db import BaseModel
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY, Person
from models.messaging import OutboxMessage
from models.report import Report, ReportStatus


class SeenHow(StrEnum):
    """The first sign of a month seen."""

    REPLY = "reply"         # a message in the check-in
    CARD = "card"           # a tap on a card
    PAGE = "page"           # a visit to 我的月报


class SeenState(StrEnum):
    """An organisation's month as its people's signs tell it."""

    UNSEEN = "unseen"       # none of its secretaries and deputies has seen it
    SEEN = "seen"           # seen, not submitted
    SUBMITTED = "submitted"


class Seen(BaseModel):
    person = ForeignKeyField(Person, backref="seen", on_delete="CASCADE")
    period = CharField(max_length=7)
    first_at = DateTimeField()
    how = CharField(max_length=8)              # a SeenHow

    class Meta:
        indexes = ((("person", "period"), True),)


def card_sent(person: Person, period: str):
    """The month's card sent to the person, as a query (empty if it was not)."""
    return OutboxMessage.select(OutboxMessage.id).where(
        OutboxMessage.recipient == person.userid, OutboxMessage.key.startswith(f"notice:{period}:"),
        OutboxMessage.status == "sent")


def record(person: Person, period: str, how: SeenHow, at: datetime.datetime) -> None:
    """Note a sign of `person` having seen `period`, if the month's card was sent to them and no
    earlier sign was noted: one insert-or-ignore."""
    source = card_sent(person, period).select(Value(person.id), Value(period), Value(at), Value(str(how))).limit(1)
    Seen.insert_from(source, [Seen.person, Seen.period, Seen.first_at, Seen.how]).on_conflict_ignore().execute()


def has_seen(person: Person, period: str) -> bool:
    return Seen.select().where(Seen.person == person.id, Seen.period == period).exists()


def seen_orgs(period: str) -> set[int]:
    """The orgs of whose secretaries and deputies at least one has seen `period`."""
    people = Person.select(Person.org, Person.roles).join(Seen).where(Seen.period == period, Person.org.is_null(False))
    return {person.org_id for person in people if person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)}


def state(report_status: str, seen: bool) -> SeenState:
    if report_status == ReportStatus.SUBMITTED:
        return SeenState.SUBMITTED
    return SeenState.SEEN if seen else SeenState.UNSEEN


def tally(period: str) -> Counter:
    """SeenState → how many of the month's orgs (those with a report) are in it."""
    seen = seen_orgs(period)
    return Counter(state(status, org_id in seen) for org_id, status in
                   Report.select(Report.org, Report.status).where(Report.period == period).tuples())


def unseen(period: str, userids: Iterable[str]) -> set[str]:
    """Those of `userids` who have given no sign of having seen `period` (the urge and supervise SMS
    go to them only)."""
    wanted = set(userids)
    seen = {userid for (userid,) in Person.select(Person.userid).join(Seen)
            .where(Seen.period == period, Person.userid.in_(list(wanted))).tuples()}
    return wanted - seen


def forget(period: str) -> int:
    """Drop the month's signs (it was withdrawn: published again, it is seen anew)."""
    return Seen.delete().where(Seen.period == period).execute()
