"""优秀月报分享 on the pages: the read-only page a share's card opens (/h5/shared/<id>), for the admins,
the shared org's secretaries and deputies, and those of the orgs it was shared with (models.shares
says who); a withdrawn share's page says only that (410). An anonymous share's page names neither
the org nor its people: their names and the org's code are replaced wherever they were written.
工作台's 分享, 撤回 and 确认 run the group's 分享 and 确认 (handlers.admin.shares), audited as h5: the
page asks first, as the chat does, and its 确认 button answers the question."""
from __future__ import annotations

import re

from flask import render_template, request, url_for

from handlers import messages as m, report_views as views, shares as share_views
from handlers.registry import ADMINS
from models import Share
from models.checkin import entries
from models.shares import CODE, highlights, may_open
from pages import texts
from pages.auth import bp, chat_context, current_person, message, page
from pages.desk import run_command

ANCHOR = "#notice"          # where the command's answer, and the 确认 button, are shown
MONTH = re.compile(r"\d{4}-\d{2}")


@bp.get("/shared/<int:number>")
@page()
def shared(number: int):
    share = Share.get_or_none(Share.id == number)
    if share is None:
        return message(404, texts.SHARED_NO_SUCH)
    person = current_person()
    if not may_open(share, person, chat_context().is_admin(person)):
        return message(403, texts.NOT_FOR_YOU)
    if share.withdrawn:
        return message(410, texts.SHARED_WITHDRAWN)
    report = share.report
    hide = share_views.hider(report, share.anonymous)
    items = [] if share.feedback_id else [
        (entry.position, hide(views.item_title(entry)), entry.status, m.STATUS_LABELS.get(entry.status, m.UNANSWERED),
         entry.amount, hide(entry.reason), hide(entry.note)) for entry in entries(report)]
    notes = [share.feedback] if share.feedback_id else highlights(report)
    month = views.month_label(report.period)
    what = share_views.what(share.feedback, share_views.number_of(share)) if share.feedback_id else m.SHARE_WHAT_REPORT
    return render_template("shared.html", texts=texts, title=texts.SHARED_TITLE.format(month=month),
                           head=texts.SHARED_FROM.format(org=share_views.org_shown(report, share.anonymous),
                                                         what=hide(what)),
                           items=items, highlights=[hide(note.text) for note in notes], whole=not share.feedback_id)


@bp.post("/desk/shares")
@page(who=ADMINS)
def share_add():
    """分享 组织编号 月份 [亮点N] [匿名] [全部] from 工作台's form: asks first, as in the chat."""
    form = request.form
    code = "".join(form.get("org", "").split())[:32] or "?"
    words = [code, form.get("period", "")[:7]]
    highlight = form.get("highlight", "").strip()
    words += [f"亮点{highlight[:3]}"] if highlight else []
    words += ["匿名"] if form.get("anonymous") else []
    words += ["全部"] if form.get("all") else []
    return run_command(" ".join(["分享", *filter(None, words)]), _back())


@bp.post("/desk/shares/<code>/withdraw")
@page(who=ADMINS)
def share_withdraw(code: str):
    """分享 撤回 FX3: asks first."""
    return run_command(f"分享 撤回 {code[:16] if CODE.fullmatch(code.upper()) else '?'}", _back())


@bp.post("/desk/confirm")
@page(who=ADMINS)
def confirm():
    """确认: runs the command this admin was asked about on the pages."""
    return run_command("确认", _back())


def _back() -> str:
    period = request.form.get("period", "")[:7]
    return (url_for(".desk", period=period) if MONTH.fullmatch(period) else url_for(".desk")) + ANCHOR
