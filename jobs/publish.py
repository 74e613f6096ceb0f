"""Publishing a month: freeze every org's items, create the reports, send each secretary and deputy a
card; and, the workday before, show the admins what will go out.

Orgs are published in batches, each in a transaction of its own that queues its cards and starts
their delivery: a big publish does not hold SQLite's write lock for long, cards flow while the rest
is prepared, and a publish cut short is finished by running it again. Running it twice sends each
card once: reports are unique per (org, period) and each card's outbox key is
notice:PERIOD:ORG:USERID. With `[sms] provider` set, each batch's SMS go in its transaction too
(jobs/sms_recipients.py).
"""
from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict

from bot import outbound
from bot.dispatch import context
from bot.notices import admin_recipients, notify_admins
from handlers import cycle_views, messages
from handlers.errors import UserError
from handlers.replies import CardUpdate, Text
from handlers.report_views import day_label, month_label
from jobs import sms_recipients
from models import CycleStep, Entry, Org, OutboxMessage, Period, Report, Task, database, seen
from models.checkin import create_reports, deadline
from models.cycle import RunStatus, fillers, item_counts
from models.directory import PeriodStatus, TaskStatus, once_each
from models.items import items_for_orgs
from models.messaging import SmsPurpose, sms_key
from models.periods import check, publishable, shift, split
from models.schedule import MonthStep
from models.tasks import pending

BATCH = 200         # orgs per transaction


def check_month(clock, period: str, force: bool) -> None:
    """Only this month and the next may be published, unless forced (a mistyped 2030-05 would
    otherwise become the month every secretary's messages go to)."""
    check(period)
    this = clock.period()
    if not publishable(this, period) and not force:
        raise UserError(messages.PUBLISH_OUT_OF_RANGE.format(this=this, next=shift(this, 1), period=period))


def _task_id(period: str, org: Org, userid: str) -> str:
    """Unique for each card WeCom is given (a month published again after 撤回发布 gets new ones)."""
    digest = hashlib.sha1(f"{org.code}/{userid}".encode()).hexdigest()[:16]
    return f"notice-{period}-{digest}-{secrets.token_hex(3)}"


def _active_orgs() -> list[Org]:
    return list(Org.select().where(Org.active).order_by(Org.id))


def _batches(orgs: list[Org]):
    for start in range(0, len(orgs), BATCH):
        yield orgs[start:start + BATCH]


def preview(services, period: str, dry_run: bool = False) -> dict:
    """What publishing will send: the orgs, how many items each type of org gets, the month's tasks;
    and the tasks departments raised that still wait for an admin's review (they go out only once approved)."""
    orgs = _active_orgs()
    per_type = defaultdict(list)
    for batch in _batches(orgs):
        for org_id, items in items_for_orgs(batch, period).items():
            per_type[next(o.type for o in batch if o.id == org_id)].append(len(items))
    tasks = [t.title for t in Task.select(Task.title).where(Task.period == period, Task.status == TaskStatus.APPROVED)
             .order_by(Task.code)]
    publish_day = services.schedule.plan_of(period, MonthStep.PUBLISH).at.date()
    text = cycle_views.preview(period, publish_day, len(orgs),
                               {t: (len(n), min(n), max(n)) for t, n in per_type.items()}, tasks,
                               [f"{t.code} {t.title}" for t in pending(period)])
    if dry_run:
        return {"orgs": len(orgs), "tasks": len(tasks), "notices": 0,
                "to": {"admins": admin_recipients(services.config)}}
    with database.atomic():
        rows = notify_admins(services.config, f"preview:{period}:admins", text, services.clock.utcnow())
    services.outbox.kick(rows)
    return {"orgs": len(orgs), "tasks": len(tasks), "notices": len(rows)}


def _open_period(services, period: str) -> Period:
    year, month = split(period)
    with database.atomic():
        row, _ = Period.get_or_create(key=period)
        if row.status == PeriodStatus.CLOSED:
            raise UserError(messages.PUBLISH_CLOSED.format(period=period))
        row.publish_on = row.publish_on or services.clock.today()
        row.remind_on = services.schedule.deadline(period)
        row.close_on = row.close_on or services.schedule.plan_of(period, MonthStep.CLOSE).at.date()
        row.status = PeriodStatus.PUBLISHED
        row.save()
    return row


def _publish_batch(services, period: Period, orgs: list[Org]) -> tuple[int, list]:
    """One transaction: the batch's reports (new ones created) and their cards queued."""
    at, schedule, month = services.clock.utcnow(), services.schedule, period
    period = month.key
    with database.atomic():
        created = create_reports(period, items_for_orgs(orgs, period), at,
                                 {org.id: schedule.deadline(period, org.type) for org in orgs})
        by_id = {org.id: org for org in orgs}
        reports = list(Report.select().where(Report.period == period, Report.org.in_(list(by_id))))
        counts = item_counts([report.id for report in reports])
        people = fillers(list(by_id))
        queued, url = [], context(services).page(f"report/{period}")
        for report in reports:
            org = by_id[report.org_id]
            for person in people.get(org.id, []):
                card = cycle_views.notice_card(period, counts[report.id], deadline(report, month),
                                               _task_id(period, org, person.userid), url)
                row = outbound.enqueue(f"notice:{period}:{org.code}:{person.userid}", "app", person.userid,
                                       card, at)
                queued += [row] if row else []
        texts = _texts(services, month, reports, people, at)
    services.outbox.kick(queued + texts)
    return len(created), queued, texts


def _texts(services, month: Period, reports: list[Report], people: dict, at) -> list:
    """The SMS that go with the batch's cards (jobs/sms_recipients.py): the month and the deadline."""
    if not sms_recipients.enabled(services.config):
        return []
    due = {report.org_id: day_label(deadline(report, month)) for report in reports}
    return sms_recipients.queue([p for report in reports for p in people.get(report.org_id, [])],
                                lambda p: sms_key(month.key, SmsPurpose.PUBLISH, p.userid), SmsPurpose.PUBLISH,
                                lambda p: [month_label(month.key), due[p.org_id]], at)


def publish_period(services, period: str, force: bool = False, dry_run: bool = False, progress=None) -> dict:
    """Publish the month to every active org; `progress(n)` is told of each batch of n orgs done."""
    check_month(services.clock, period, force)
    services.redis.ping()           # fail before writing anything if delivery could not start
    orgs = _active_orgs()
    if dry_run:
        return _rehearsal(services, orgs)
    row = _open_period(services, period)
    new_reports, cards, texts = 0, 0, 0
    for batch in _batches(orgs):
        created, queued, sms = _publish_batch(services, row, batch)
        new_reports, cards, texts = new_reports + created, cards + len(queued), texts + len(sms)
        if progress:
            progress(len(batch))
    reports = Report.select().where(Report.period == period).count()
    with database.atomic():
        notices = notify_admins(services.config, f"publish:{period}:admins",
                                cycle_views.published(period, reports, cards, row.remind_on), services.clock.utcnow())
    services.outbox.kick(notices)
    return {"reports": reports, "new_reports": new_reports, "cards": cards,
            **({"sms": texts} if sms_recipients.enabled(services.config) else {})}


def _rehearsal(services, orgs: list[Org]) -> dict:
    """A dry run's counts and recipients: every filler's card, and the SMS that would go with them."""
    people = [person for people in fillers([org.id for org in orgs]).values() for person in people]
    counts = {"reports": len(orgs), "new_reports": 0, "cards": len(people)}
    to = {"cards": [person.userid for person in people], "admins": admin_recipients(services.config)}
    if sms_recipients.enabled(services.config):
        counts["sms"] = sms_recipients.would_send(people)
        to["sms"] = [p.userid for p in once_each(people) if p.sms_skip is None]
    return {**counts, "to": to}


def unpublish(services, period: str, by: str) -> dict:
    """Undo a publish made by mistake, while nobody has answered: the reports go, the cards say
    已撤回 (and those not sent yet are not sent, nor their SMS: an SMS sent is not sent again), whoever
    got one is told in a line, who had seen the month is forgotten, the schedule does not publish it
    again by itself."""
    at = services.clock.utcnow()
    with database.atomic():
        month = Period.get_or_none(Period.key == period)
        if month is None or month.status != PeriodStatus.PUBLISHED:
            raise UserError(messages.UNPUBLISH_NOT_PUBLISHED.format(month=month_label(period)))
        if Entry.select().join(Report).where(Report.period == period, Entry.status.is_null(False)).exists():
            raise UserError(messages.UNPUBLISH_TOO_LATE.format(month=month_label(period)))
        cards = list(OutboxMessage.select().where(OutboxMessage.key.startswith(f"notice:{period}:")))
        withdrawn = [outbound.enqueue(f"unpublish:{period}:{row.id}", "app", row.recipient,
                                      CardUpdate(row.response_code, messages.CARD_WITHDRAWN), at)
                     for row in cards if row.status == "sent" and row.response_code]
        told = _tell_withdrawn(period, [row for row in cards if row.status == "sent"], at)
        OutboxMessage.delete().where(OutboxMessage.id.in_([row.id for row in cards])).execute()
        (OutboxMessage.delete().where(OutboxMessage.key.startswith(sms_key(period, SmsPurpose.PUBLISH) + ":"),
                                      OutboxMessage.status.in_(("pending", "skipped"))).execute())
        reports = Report.delete().where(Report.period == period).execute()
        seen.forget(period)
        month.delete_instance()
        (CycleStep.update(status=RunStatus.SKIPPED, note=f"unpublished by {by}"[:255])
         .where(CycleStep.period == period, CycleStep.step == MonthStep.PUBLISH).execute())
        notices = notify_admins(services.config, f"unpublish:{period}:admins",
                                messages.UNPUBLISHED_NOTICE.format(month=month_label(period), who=by), at)
    services.outbox.kick([row for row in withdrawn + told if row] + notices)
    return {"reports": reports, "cards": len([row for row in withdrawn if row])}


def _tell_withdrawn(period: str, sent: list[OutboxMessage], at) -> list:
    """One line to each person who got a card of the month (a deputy of two orgs too: once). The
    cards go in the same transaction, so a second run tells nobody twice; the key holds the moment,
    so a month published and withdrawn again tells them again."""
    note = Text(messages.WITHDRAWN_NOTE.format(month=month_label(period)))
    return [outbound.enqueue(f"withdrawn:{period}:{at:%Y%m%d%H%M%S%f}:{userid}", "app", userid, note, at)
            for userid in dict.fromkeys(row.recipient for row in sent)]
