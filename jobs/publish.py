"""Publishing a month: freeze every org's items, create the reports, send each secretary and deputy a card.

Running it twice sends each card once: reports are unique per (org, period) and each card's outbox
key is notice:PERIOD:ORG:USERID.
"""
from __future__ import annotations

import calendar
import datetime
import hashlib

from bot import outbound
from handlers import messages, report_views
from handlers.errors import UserError
from models import Org, Period, Person, Report, database
from models.checkin import CLOSED, PUBLISHED, create_reports, entry_counts
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY
from models.items import items_for_orgs
from models.periods import check, split


def _dates(row: Period, config, today: datetime.date) -> None:
    year, month = split(row.key)
    row.publish_on = row.publish_on or today
    row.remind_on = row.remind_on or datetime.date(year, month, config.schedule.remind_day)
    row.close_on = row.close_on or datetime.date(year, month, calendar.monthrange(year, month)[1])


def _task_id(period: str, org: Org, userid: str) -> str:
    digest = hashlib.sha1(f"{org.code}/{userid}".encode()).hexdigest()[:16]
    return f"notice-{period}-{digest}"


def _recipients(org_ids: list[int]) -> dict[int, list[Person]]:
    people: dict[int, list[Person]] = {}
    for person in Person.select().where(Person.org.in_(org_ids)).order_by(Person.id):
        if person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY):
            people.setdefault(person.org_id, []).append(person)
    return people


def publish_period(services, period: str) -> dict:
    check(period)
    with database.atomic():
        row, _ = Period.get_or_create(key=period)
        if row.status == CLOSED:
            raise UserError(messages.PUBLISH_CLOSED.format(period=period))
        _dates(row, services.config, services.clock.today())
        at = services.clock.utcnow()
        orgs = {org.id: org for org in Org.select().where(Org.active)}
        created = create_reports(period, items_for_orgs(orgs.values(), period), at)
        reports = list(Report.select().where(Report.period == period, Report.org.in_(list(orgs))))
        counts = entry_counts(period)
        people = _recipients(list(orgs))
        queued = []
        for report in reports:
            org = orgs[report.org_id]
            for person in people.get(org.id, []):
                card = report_views.notice_card(period, counts.get(report.id, 0), row.remind_on,
                                                _task_id(period, org, person.userid))
                sent = outbound.enqueue(f"notice:{period}:{org.code}:{person.userid}", "app", person.userid,
                                       card, at)
                queued += [sent] if sent else []
        row.status = PUBLISHED
        row.save()
    services.outbox.kick(queued)
    return {"period": period, "reports": len(reports), "new_reports": len(created), "cards": len(queued)}
