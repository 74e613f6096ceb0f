"""Difficulties and suggestions reach their department, and the answers come back.

A feedback routed to a department is sent to each of its liaisons as a card (org, month, the text,
回复 and 已知悉). 回复 makes the liaison's next text the answer: it is stored with who and when, and
sent to whoever wrote the feedback; 已知悉 marks it seen and tells them so. `reply` and `acknowledge`
are that for the chat and for the 反馈 page alike.
"""
from __future__ import annotations

import datetime
import hashlib

from handlers import messages as m
from handlers.card_keys import FEEDBACK_TAPS, CardKey, Tap, card_key
from handlers.replies import Button, Card, CardUpdate, Outgoing, Text
from handlers.report_views import SECONDARY, clip, month_label, plain, quoted
from models import Feedback, PendingReply, Person
from models.directory import ROLE_LIAISON
from models.feedback import find_for, record_acknowledgement, record_answer


def liaisons_of(department_id: int) -> list[Person]:
    return [p for p in Person.select().where(Person.department == department_id).order_by(Person.id)
            if p.has_role(ROLE_LIAISON)]


def route(feedback: Feedback, org_name: str, period: str, ctx) -> list[Outgoing]:
    """The feedback's card to each liaison of its department, linked to their 反馈 page."""
    title = m.FEEDBACK_CARD_TITLE.format(kind=m.FEEDBACK_KIND_LABELS[feedback.kind], org=clip(org_name, 12),
                                         month=month_label(period))
    writer = feedback.created_by
    written = m.FEEDBACK_CARD_WRITER.format(name=writer.name) if writer is not None else ""
    cards = []
    for liaison in liaisons_of(feedback.department_id):
        task_id = f"fb-{feedback.id}-{hashlib.sha1(liaison.userid.encode()).hexdigest()[:12]}"
        card = Card(title=title, description=written, subtitle=clip(feedback.text, 300),
                    buttons=(Button(m.FEEDBACK_REPLY, card_key(Tap.REPLY, feedback.id)),
                             Button(m.FEEDBACK_ACK, card_key(Tap.ACKNOWLEDGE, feedback.id), SECONDARY)),
                    task_id=task_id, url=ctx.page("feedback"))
        cards.append(Outgoing(to=liaison.userid, reply=card, key=f"feedback:{feedback.id}:{liaison.userid}"))
    return cards


def on_card(inbound, key: CardKey | None, person: Person, ctx) -> list:
    """回复 or 已知悉 on a feedback card (`key`: its button's, None if it is no key of ours), if the
    person answers that feedback (the 反馈 page's rule, models.feedback.find_for)."""
    feedback = find_for(person, ctx.is_admin(person), key.of) if key and key.tap in FEEDBACK_TAPS else None
    if feedback is None:
        return [CardUpdate(inbound.response_code, m.CARD_EXPIRED), Text(m.CARD_OUTDATED)]
    if key.tap == Tap.ACKNOWLEDGE:
        return [CardUpdate(inbound.response_code, m.FEEDBACK_ACK_DONE), *acknowledge(feedback, ctx.clock.utcnow())]
    PendingReply.delete().where(PendingReply.person == person).execute()
    PendingReply.create(person=person, feedback=feedback, response_code=inbound.response_code,
                        started_at=ctx.clock.utcnow())
    return [Text(m.FEEDBACK_ASK_REPLY.format(text=quoted(feedback.text, 60)))]


def on_text(text: str, person: Person, ctx) -> list | None:
    """The liaison's answer, if they are writing one (None otherwise)."""
    pending = PendingReply.get_or_none(PendingReply.person == person)
    if pending is None:
        return None
    pending.delete_instance()
    if text.strip() in ("取消", "/取消"):
        return [Text(m.CANCELLED)]
    told = reply(pending.feedback, person, text, ctx.clock.utcnow())
    replies = [Text(m.FEEDBACK_REPLIED)]
    if pending.response_code:
        replies.append(Outgoing(to=person.userid, reply=CardUpdate(pending.response_code, m.FEEDBACK_REPLIED_CARD,
                                                                   (person.userid,))))
    return replies + told


def reply(feedback: Feedback, person: Person, text: str, at: datetime.datetime) -> list[Outgoing]:
    """The department's answer (the chat's next text after 回复, or the 反馈 page's form): stored with
    who and when, and sent to whoever wrote the feedback."""
    record_answer(feedback, person, text.strip(), at)
    return _tell_author(feedback, m.FEEDBACK_TOLD_REPLY.format(
        department=_answering(feedback), text=quoted(feedback.text, 20), answer=plain(feedback.answer)))


def acknowledge(feedback: Feedback, at: datetime.datetime) -> list[Outgoing]:
    """已知悉 (on the card or the page): marked seen, and whoever wrote the feedback is told so."""
    record_acknowledgement(feedback, at)
    return _tell_author(feedback, m.FEEDBACK_TOLD_ACK.format(department=_answering(feedback),
                                                             text=quoted(feedback.text, 20)))


def _answering(feedback: Feedback) -> str:
    """Who answers, as the secretary reads it: the department, or the office for unrouted feedback."""
    return feedback.department.name if feedback.department_id else m.OFFICE


def _tell_author(feedback: Feedback, text: str) -> list[Outgoing]:
    author = feedback.created_by
    return [Outgoing(to=author.userid, reply=Text(text))] if author is not None else []
