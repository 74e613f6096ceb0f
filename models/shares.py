"""优秀月报分享: the office shares an organisation's submitted report of a month, or one highlight of
it, with the secretaries of the orgs of the same type (or of all), named or anonymous (匿名); a share
can be withdrawn (its page then says so). One Share row per share, FX<id> its code.

Who gets the card: the secretaries of the audience's active orgs, the shared org's own excepted (its
secretary and deputies are told instead). Who may open the page: admins, the shared org's
secretaries and deputies, and those of the audience's orgs. Only a submitted report is shared; a
report or highlight already shared (and not withdrawn) is not shared twice. A refusal writes nothing.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField

from models.cycle import fillers
from models.db import BaseModel
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY, Org, Period, PeriodStatus, Person
from models.report import Feedback, FeedbackKind, Report, ReportStatus

CODE = re.compile(r"FX(\d{1,9})")


class Audience(StrEnum):
    TYPE = "type"           # the secretaries of the orgs of the shared org's type
    ALL = "all"             # every secretary


class Problem(StrEnum):
    """Why a share or a withdrawal was not made (nothing was written)."""

    UNKNOWN_ORG = "unknown org"
    NOT_PUBLISHED = "not published"
    NOT_SUBMITTED = "not submitted"
    NO_HIGHLIGHT = "no highlight"
    ALREADY = "already"
    UNKNOWN = "unknown"                 # no such share
    WITHDRAWN = "withdrawn"             # withdrawn before


class Refused(Exception):
    def __init__(self, problem: Problem, share: Share | None = None):
        super().__init__(problem)
        self.problem, self.share = problem, share


class Share(BaseModel):
    report = ForeignKeyField(Report, backref="shares", on_delete="CASCADE")
    feedback = ForeignKeyField(Feedback, null=True, on_delete="CASCADE")     # one highlight; None: the report
    anonymous = BooleanField(default=False)
    audience = CharField(max_length=8, default=Audience.TYPE)              # an Audience
    by = CharField(max_length=64)
    at = DateTimeField()
    withdrawn_by = CharField(max_length=64, default="")
    withdrawn_at = DateTimeField(null=True)

    @property
    def code(self) -> str:
        return f"FX{self.id}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class Plan:
    """A share about to be made: what, to whom (the secretaries who get the card) and who is told."""

    report: Report
    feedback: Feedback | None
    number: int | None              # the highlight's number (亮点N), if one
    anonymous: bool
    audience: Audience
    recipients: list[Person]
    told: list[Person]              # the shared org's secretaries and deputies


def highlights(report: Report) -> list[Feedback]:
    """The report's highlights, in the order written: 亮点1, 亮点2 …"""
    return list(Feedback.select().where(Feedback.report == report, Feedback.kind == FeedbackKind.HIGHLIGHT,
                                        Feedback.text != "").order_by(Feedback.id))


def audience_orgs(org: Org, audience: Audience) -> list[int]:
    """The active orgs whose people the share is for, the shared org among them."""
    query = Org.select(Org.id).where(Org.active)
    if audience == Audience.TYPE:
        query = query.where(Org.type == org.type)
    return [org_id for (org_id,) in query.tuples()]


def plan(org_code: str, period: str, number: int | None, anonymous: bool, audience: Audience) -> Plan:
    """What sharing `org_code`'s report of `period` (or its highlight `number`) would do; Refused if
    it may not be shared."""
    org = Org.get_or_none(Org.code == org_code.upper())
    if org is None:
        raise Refused(Problem.UNKNOWN_ORG)
    month = Period.get_or_none(Period.key == period)
    if month is None or month.status not in (PeriodStatus.PUBLISHED, PeriodStatus.CLOSED):
        raise Refused(Problem.NOT_PUBLISHED)
    report = Report.get_or_none(Report.org == org, Report.period == period)
    if report is None or report.status != ReportStatus.SUBMITTED:
        raise Refused(Problem.NOT_SUBMITTED)
    feedback = None
    if number is not None:
        found = highlights(report)
        if not 1 <= number <= len(found):
            raise Refused(Problem.NO_HIGHLIGHT)
        feedback = found[number - 1]
    earlier = Share.get_or_none(Share.report == report, Share.withdrawn_at.is_null(),
                                Share.feedback.is_null() if feedback is None else Share.feedback == feedback)
    if earlier is not None:
        raise Refused(Problem.ALREADY, earlier)
    orgs = [org_id for org_id in audience_orgs(org, audience) if org_id != org.id]
    recipients = list(Person.select().where(Person.org.in_(orgs)).order_by(Person.id))
    return Plan(report, feedback, number, anonymous, audience,
                [person for person in recipients if person.has_role(ROLE_SECRETARY)], fillers([org.id]).get(org.id, []))


def create(planned: Plan, by: str, at: datetime.datetime) -> Share:
    return Share.create(report=planned.report, feedback=planned.feedback, anonymous=planned.anonymous,
                        audience=planned.audience, by=by, at=at)


def find(code: str) -> Share:
    """FX3 (or fx3) → its share; Refused(UNKNOWN) otherwise."""
    matched = CODE.fullmatch(code.upper())
    share = Share.get_or_none(Share.id == int(matched.group(1))) if matched else None
    if share is None:
        raise Refused(Problem.UNKNOWN)
    return share


def withdrawable(code: str) -> Share:
    share = find(code)
    if share.withdrawn:
        raise Refused(Problem.WITHDRAWN, share)
    return share


def withdraw(share: Share, by: str, at: datetime.datetime) -> None:
    Share.update(withdrawn_by=by, withdrawn_at=at).where(Share.id == share.id, Share.withdrawn_at.is_null()).execute()


def of_year(year: int) -> list[Share]:
    """The shares of reports of `year`, the first made first."""
    return list(Share.select(Share, Report, Org).join(Report).join(Org)
                .where(Report.period.startswith(f"{year}-")).order_by(Share.id))


def counted(year: int) -> int:
    """How many shares of `year`'s reports stand (withdrawn ones are not counted)."""
    return (Share.select().join(Report)
            .where(Report.period.startswith(f"{year}-"), Share.withdrawn_at.is_null()).count())


def may_open(share: Share, person: Person, is_admin: bool) -> bool:
    """Admins; the shared org's secretaries and deputies; those of the audience's orgs."""
    if is_admin:
        return True
    if person.org_id is None or not (person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)):
        return False
    org = share.report.org
    return person.org_id == org.id or person.org_id in audience_orgs(org, Audience(share.audience))
