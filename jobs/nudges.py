"""Reminding those who have not submitted: 提醒 (remind) on the deadline, 催告 (urge) some workdays
later, 督办 (supervise) later still.

Every step sends each secretary and deputy of an org that has not submitted one card: how many
items are left, and a 继续填报 button that resumes the conversation. Urging also tells each area
liaison which of their orgs are late; supervision lists the remaining orgs by area to the admins
(and the admin group) and to each area's liaison. Outbox keys are STEP:PERIOD:…:USERID, so a
step run twice, or by hand after the schedule, sends nobody a second message. With `[sms] provider`
set, an SMS goes too: to everyone reminded, and on the urge and supervise days to those of them who
have not seen the month (jobs/sms_recipients.py).
"""
from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict

from bot import outbound
from bot.dispatch import context
from bot.notices import admin_recipients, notify_admins
from handlers import cycle_views, messages as m
from handlers.errors import UserError
from handlers.messages import NUDGE_NOT_OPEN
from handlers.replies import Text
from handlers.report_views import day_label, month_label
from jobs import sms_recipients
from models import Period, database, seen
from models.checkin import deadline
from models.cycle import area_liaisons, fillers, open_reports, stale_feedback
from models.directory import PeriodStatus, once_each
from models.messaging import SmsPurpose, sms_key
from models.schedule import FOR_ALL, MonthStep


def _reports(services, period: str, group: str) -> list:
    """The unsubmitted reports of the org types the group covers."""
    own_types = [t for t in services.schedule.groups() if t != FOR_ALL]
    if group == FOR_ALL:
        return open_reports(period, other_than=own_types)
    return open_reports(period, org_types=[group])


def _task_id(step: str, period: str, userid: str) -> str:
    return f"{step}-{period}-{hashlib.sha1(userid.encode()).hexdigest()[:16]}"


def nudge(services, period: str, step: MonthStep, group: str = FOR_ALL, dry_run: bool = False) -> dict:
    """remind / urge / supervise the orgs of `group` that have not submitted. A dry run says who
    would get what ("to": kind of message → recipients) and writes nothing."""
    month = Period.get_or_none(Period.key == period)
    if month is None or month.status != PeriodStatus.PUBLISHED:
        raise UserError(NUDGE_NOT_OPEN.format(period=period))
    reports = _reports(services, period, group)
    messages = _messages(services, month, step, group, reports)
    texting = sms_recipients.enabled(services.config)
    texted = _texted(period, step, reports) if texting else []
    counts = {"orgs": len(reports), "messages": len(messages)}
    if dry_run:
        return {**counts, **({"sms": sms_recipients.would_send(texted)} if texting else {}),
                "to": _recipients(services, step, messages, reports, texted)}
    if not reports:
        return counts
    at = services.clock.utcnow()
    with database.atomic():
        rows = [outbound.enqueue(key, "app", to, reply, at) for key, to, reply in messages]
        texts = _texts(month, step, reports, texted, at)
        if step == MonthStep.SUPERVISE:
            stale = stale_feedback(at - datetime.timedelta(days=m.FEEDBACK_DUE_DAYS))
            rows += notify_admins(services.config, f"supervise:{period}:{group}:admins",
                                  cycle_views.supervise(period, deadline(reports[0], month), month.close_on,
                                                        reports, stale), at)
    queued = [row for row in rows if row is not None]
    services.outbox.kick(queued + texts)
    return {**counts, "queued": len(queued), **({"sms": len(texts)} if texting else {})}


def _texted(period: str, step: MonthStep, reports: list) -> list:
    """Who of those reminded gets an SMS too: all on the remind day; on the urge and supervise days
    only those who have not seen the month."""
    people = fillers([r.org_id for r in reports])
    everyone = once_each(p for r in reports for p in people.get(r.org_id, []))
    if step == MonthStep.REMIND:
        return everyone
    unseen = seen.unseen(period, [p.userid for p in everyone])
    return [p for p in everyone if p.userid in unseen]


def _texts(month: Period, step: MonthStep, reports: list, texted: list, at) -> list:
    """The step's SMS (jobs/sms_recipients.py): the month and the person's org's deadline."""
    due = {r.org_id: day_label(deadline(r, month)) for r in reports}
    purpose = SmsPurpose(step)
    return sms_recipients.queue(texted, lambda p: sms_key(month.key, purpose, p.userid), purpose,
                                lambda p: [month_label(month.key), due[p.org_id]], at)


def _messages(services, month: Period, step: MonthStep, group: str, reports: list) -> list[tuple]:
    """(outbox key, recipient, reply): a card to each filler of each report, and for urge and
    supervise a text to each area liaison."""
    period = month.key
    people = fillers([r.org_id for r in reports])
    messages, url = [], context(services).page(f"report/{period}")
    for report in reports:
        due = deadline(report, month)
        for person in people.get(report.org_id, []):
            card = cycle_views.nudge_card(step, period, report.left, due, month.close_on,
                                          _task_id(step, period, person.userid), url)
            messages.append((f"{step}:{period}:{person.userid}", person.userid, card))
    if step == MonthStep.URGE:
        messages += _to_liaisons(step, period, group, reports, lambda rows: cycle_views.urge_liaison(
            period, deadline(rows[0], month), month.close_on, rows))
    if step == MonthStep.SUPERVISE:
        messages += _to_liaisons(step, period, group, reports, lambda rows: cycle_views.supervise(
            period, deadline(rows[0], month), month.close_on, rows))
    return messages


def _recipients(services, step: MonthStep, messages: list[tuple], reports: list,
                texted: list) -> dict[str, list[str]]:
    cards = [to for key, to, reply in messages if ":liaison:" not in key]
    liaisons = [to for key, to, reply in messages if ":liaison:" in key]
    admins = admin_recipients(services.config) if step == MonthStep.SUPERVISE and reports else []
    sms = [person.userid for person in texted if person.sms_skip is None]
    return {kind: people for kind, people in (("cards", cards), ("liaisons", liaisons), ("admins", admins),
                                              ("sms", sms)) if people}


def _to_liaisons(step: str, period: str, group: str, reports: list, text) -> list:
    """One message to each area liaison, about the reports of their area."""
    by_area = defaultdict(list)
    for report in reports:
        by_area[report.org.area].append(report)
    liaisons = area_liaisons()
    return [(f"{step}:{period}:{group}:liaison:{person.userid}", person.userid, Text(text(rows)))
            for area, rows in by_area.items() for person in liaisons.get(area, [])]
