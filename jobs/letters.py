"""整改清单's letters: as a rectification's deadline comes and goes, a 提醒函 to the org's secretary and
deputies some workdays before it, a 催告函 on it to them and the area's liaisons, a 督办函 some
workdays after it to the admins (and the admin group) and the area's liaisons — the [rectifications]
settings, on the schedule's workday calendar. Only a rectification 整改中 gets letters: one 待验收 or
已销号 waits for the office, not for the org.

Each kind goes at most once per rectification, ever: its RectificationLetter row and its outbox rows
(keys letter:KIND:ID:USERID) are written in one transaction, so a second run — a second tick, a
rerun after a failure — finds the row and sends nothing. A rectification sent back or reopened that
becomes overdue again therefore gets no second 督办函. Only the latest kind due is sent: one whose
moment passed unsent (the cron was down, the rectification was listed late) is skipped, never sent
after a later one. The tick (jobs/cycle.py) calls send_due every minute, so the query reads only the
rectifications 整改中 whose first letter may be due and that have had no 督办函. With `[sms] provider`
set, a letter to the org goes with an SMS to its secretary and deputies, in the same transaction
(keys sms:MONTH:letter:KIND:ID:USERID; jobs/sms_recipients.py).
"""
from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict

from peewee import IntegrityError

from bot import outbound
from bot.notices import admin_recipients, notify_admins
from handlers import messages as m
from handlers.replies import Text
from handlers.report_views import day_label, quoted
from jobs import sms_recipients
from models import Org, Rectification, RectificationLetter, database
from models.cycle import area_liaisons, fillers
from models.messaging import SmsPurpose, sms_key
from models.periods import of_date
from models.rectifications import LETTER_LABELS, Letter, RectificationState, letter_days

log = logging.getLogger(__name__)
PROBLEM_SHOWN = 30          # characters of the problem a letter quotes


def send_due(services, now: datetime.datetime | None = None, dry_run: bool = False) -> dict:
    """Send the letters due at `now` (default: now): {kind: letters, "queued": messages}, {} when none
    is due. A dry run says who would get what ("to": kind → recipients) and writes nothing. A failure
    leaves the letters sent before it sent (their rows committed and queued) and raises."""
    now = (now or services.clock.now()).astimezone(services.clock.zone)
    due = _due(services, now)
    if not due:
        return {}
    people = fillers(sorted({r.org_id for r, _, _ in due}))
    liaisons = area_liaisons()
    texting, period = sms_recipients.enabled(services.config), of_date(now.date())
    sent, to, queued = Counter(), defaultdict(list), []
    try:
        for r, kind, day in due:
            fields = _fields(services, r, now.date())
            messages = _messages(r, kind, fields, people.get(r.org_id, []), liaisons.get(r.org.area, []))
            texted = people.get(r.org_id, []) if texting and kind in m.LETTER_TO_ORG else []
            if dry_run:
                sent[kind] += 1
                sent["sms"] += sms_recipients.would_send(texted)
                to["sms"] += [person.userid for person in texted if person.sms_skip is None]
                to[str(kind)] += [recipient for _, recipient, _ in messages] + (
                    admin_recipients(services.config) if kind == Letter.SUPERVISE else [])
                continue
            admins_text = m.LETTER_TO_OFFICE[kind].format(**fields) if kind == Letter.SUPERVISE else ""
            rows = _send(services, r, kind, day, messages, admins_text, _texts(period, r, kind, texted))
            if rows is not None:
                sent[kind] += 1
                sent["sms"] += sum(1 for row in rows if row.key.startswith("sms:"))
                queued += rows
    finally:
        services.outbox.kick(queued)
    if not any(sent[kind] for kind in Letter):
        return {}
    counts = {str(kind): sent[kind] for kind in Letter if sent[kind]}
    counts |= {"sms": sent["sms"]} if sent["sms"] else {}
    if dry_run:
        messages = sum(len(recipients) for kind, recipients in to.items() if kind != "sms")
        return {**counts, "messages": messages, "to": {kind: people for kind, people in to.items() if people}}
    log.info("rectification letters sent: %s", counts)
    return {**counts, "queued": len(queued) - sent["sms"]}


def _days(services, deadline: datetime.date) -> dict[Letter, datetime.date]:
    settings = services.config.rectifications
    workdays = services.schedule.workdays if services.config.schedule.shift_to_workday else None
    return letter_days(deadline, workdays, settings.remind_workdays_before, settings.supervise_workdays_after)


def _horizon(services, today: datetime.date) -> datetime.date:
    """A deadline later than this has no letter due today (its 提醒函 comes after today)."""
    before = services.config.rectifications.remind_workdays_before
    if not services.config.schedule.shift_to_workday:
        return today + datetime.timedelta(days=before)
    return services.schedule.workdays.after(today, before + 1)


def _due(services, now: datetime.datetime) -> list[tuple[Rectification, Letter, datetime.date]]:
    """(rectification, the latest kind due, its day) for each rectification 整改中 owed a letter now."""
    supervised = (RectificationLetter.select(RectificationLetter.rectification)
                  .where(RectificationLetter.kind == Letter.SUPERVISE))
    candidates = list(Rectification.select(Rectification, Org).join(Org)
                      .where(Rectification.state == RectificationState.OPEN,
                             Rectification.deadline <= _horizon(services, now.date()),
                             Rectification.id.not_in(supervised))
                      .order_by(Rectification.id))
    if not candidates:
        return []
    sent = defaultdict(set)
    letters = (RectificationLetter.select(RectificationLetter.rectification, RectificationLetter.kind)
               .where(RectificationLetter.rectification.in_([r.id for r in candidates])))
    for rectification_id, kind in letters.tuples():
        sent[rectification_id].add(kind)
    letters_at = services.config.rectifications.time_of_day
    order = list(Letter)
    due = []
    for r in candidates:
        days = _days(services, r.deadline)
        come = [kind for kind in order
                if datetime.datetime.combine(days[kind], letters_at, tzinfo=services.clock.zone) <= now]
        if come and not any(kind in sent[r.id] for kind in order[order.index(come[-1]):]):
            due.append((r, come[-1], days[come[-1]]))
    return due


def _fields(services, r: Rectification, today: datetime.date) -> dict:
    return {"org_code": r.org.code, "org": r.org.name, "code": r.code, "problem": quoted(r.problem, PROBLEM_SHOWN),
            "deadline": r.deadline.isoformat(), "left": _workdays_left(services, today, r.deadline),
            "late": (today - r.deadline).days}


def _messages(r: Rectification, kind: Letter, fields: dict, people: list, liaisons: list) -> list:
    """(outbox key, recipient, reply) of the letter to the org's people and the area's liaisons, as
    the kind says; the admins' copy of a 督办函 goes through notify_admins (_send)."""
    to_org = [p.userid for p in people] if kind in m.LETTER_TO_ORG else []
    to_office = [p.userid for p in liaisons] if kind in m.LETTER_TO_OFFICE else []
    return ([(key(kind, r, userid), userid, Text(m.LETTER_TO_ORG[kind].format(**fields))) for userid in to_org] +
            [(key(kind, r, userid), userid, Text(m.LETTER_TO_OFFICE[kind].format(**fields))) for userid in to_office])


def key(kind: Letter, r: Rectification, userid: str = "") -> str:
    """The outbox key of a letter to one person (without `userid`: notify_admins adds it)."""
    return f"letter:{kind}:{r.id}" + (f":{userid}" if userid else "")


def _workdays_left(services, today: datetime.date, deadline: datetime.date) -> int:
    """Workdays from today (counted) to the deadline (not counted); calendar days without the shift."""
    days = max((deadline - today).days, 0)
    if not services.config.schedule.shift_to_workday:
        return days
    workdays = services.schedule.workdays
    return sum(workdays.is_workday(today + datetime.timedelta(days=n)) for n in range(days))


def _texts(period: str, r: Rectification, kind: Letter, people: list):
    """The SMS that go with a letter to the org (jobs/sms_recipients.py), to queue at `at`: the
    letter's name, the rectification's code and deadline."""
    def queue(at: datetime.datetime) -> list:
        return sms_recipients.queue(
            people, lambda p: sms_key(period, SmsPurpose.LETTER, kind, str(r.id), p.userid), SmsPurpose.LETTER,
            lambda p: [LETTER_LABELS[kind], r.code, day_label(r.deadline)], at)
    return queue


def _send(services, r: Rectification, kind: Letter, day: datetime.date, messages: list,
          admins_text: str, texts) -> list | None:
    """The letter's row and its messages (and `admins_text` to the admins, `texts(at)` its SMS), in
    one transaction; None if another run sent it already."""
    at = services.clock.utcnow()
    try:
        with database.atomic():
            RectificationLetter.create(rectification=r, kind=kind, due_on=day, sent_at=at)
            rows = [outbound.enqueue(message_key, "app", to, reply, at) for message_key, to, reply in messages]
            if admins_text:
                rows += notify_admins(services.config, key(kind, r), admins_text, at)
            rows += texts(at)
    except IntegrityError:
        return None
    return [row for row in rows if row is not None]
