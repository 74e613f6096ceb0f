"""反馈 (/h5/feedback): the difficulties and suggestions waiting for a liaison's answer (their
department's, or their area's orgs'; an admin's: all, those sent to no department too), newest
first, each with a reply form and 已知悉; below, the last ones answered. An answer goes through the
chat's own code (handlers.feedback's `reply` and `acknowledge`): the same writes, and the same
message to the secretary, queued in the page's transaction and sent once it commits.
"""
from __future__ import annotations

import datetime
import logging

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from handlers import messages as m
from handlers.checkin import MAX_TEXT
from handlers.feedback import acknowledge, reply
from handlers.registry import LIAISONS
from handlers.report_views import month_label
from models import Feedback, Person
from models.feedback import answered_for, find_for, open_for
from models.fields import typed
from pages import texts
from pages.auth import bp, chat_context, current_person, message, page
from pages.changes import change

log = logging.getLogger(__name__)
ANSWERED_SHOWN = 20


@bp.get("/feedback")
@page(who=LIAISONS)
def feedback_inbox():
    return show()


@bp.post("/feedback/<int:feedback_id>/reply")
@page(who=LIAISONS)
def feedback_reply(feedback_id: int):
    """The answer typed in place: stored, and sent to whoever wrote the feedback."""
    feedback = _open(feedback_id)
    text = typed(request.form.get("text", "").replace("\r\n", "\n"))
    failure = m.HINT_EMPTY if not text else m.HINT_TOO_LONG.format(limit=MAX_TEXT) if len(text) > MAX_TEXT else None
    if failure:
        return show(failed=(feedback.id, failure))
    with change() as outgoing:
        outgoing += reply(feedback, current_person(), text, chat_context().clock.utcnow())
    flash(m.FEEDBACK_REPLIED)
    return _back()


@bp.post("/feedback/<int:feedback_id>/acknowledge")
@page(who=LIAISONS)
def feedback_acknowledge(feedback_id: int):
    """已知悉: marked seen, and whoever wrote the feedback is told so."""
    feedback = _open(feedback_id)
    with change() as outgoing:
        outgoing += acknowledge(feedback, chat_context().clock.utcnow())
    flash(m.FEEDBACK_ACKNOWLEDGED_NOW)
    return _back()


def show(failed: tuple | None = None):
    """The page; `failed` (a feedback's id, and why) keeps what was typed in its form."""
    person, ctx = current_person(), chat_context()
    is_admin = ctx.is_admin(person)
    return render_template(
        "feedback.html", waiting=[_shown(f) for f in open_for(person, is_admin)],
        answered=[_shown(f) for f in answered_for(person, is_admin, ANSWERED_SHOWN)],
        kinds=m.FEEDBACK_KIND_LABELS, failed=failed, form=request.form, longest=MAX_TEXT)


def _open(feedback_id: int) -> Feedback:
    """The feedback, if the person answers it (403 otherwise) and it is still open (else the list
    again, which says so: another liaison, or the chat, was first)."""
    person = current_person()
    feedback = find_for(person, chat_context().is_admin(person), feedback_id)
    if feedback is None:
        log.warning("pages: %s sent an answer to feedback %s, not theirs", person.userid, feedback_id)
        abort(make_response(message(403, texts.FEEDBACK_NOT_YOURS)))
    if not feedback.is_open:
        flash(texts.FEEDBACK_HANDLED)
        abort(_back())
    return feedback


def _shown(feedback: Feedback) -> dict:
    """A feedback as a line of the page: where it comes from, and who wrote or answered it when."""
    clock = chat_context().clock
    handled = feedback.answered_at or feedback.acknowledged_at
    return {"feedback": feedback, "org": feedback.report.org.name, "month": month_label(feedback.report.period),
            "to": feedback.department.name if feedback.department_id else m.NO_DEPARTMENT,
            "written": _by(feedback.created_by, clock.local(feedback.created_at)),
            "handled": _by(feedback.answered_by, clock.local(handled)) if handled else ""}


def _by(person: Person | None, when: datetime.datetime) -> str:
    return texts.FEEDBACK_WRITTEN.format(name=person.name if person else "", when=f"{when:%m-%d %H:%M}").strip()


def _back():
    """After a change, the list again (a reload does not post the form twice)."""
    return redirect(url_for(".feedback_inbox"), 303)
