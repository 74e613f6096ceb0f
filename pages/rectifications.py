"""整改 on the pages: on 我的月报 the org's secretary or deputy records progress on a rectification or
says it is done (the chat's 整改 编号 进展 / 已完成, by the same rules, the admins told); on 工作台 an
admin accepts or returns one waiting (the group's 整改 销号 / 退回, run and audited as h5).
工作台 also lists a new one (整改 添加). The lists themselves are drawn by pages/report.py and
pages/desk.py."""
from __future__ import annotations

import logging
import re

from flask import abort, flash, request, url_for

from handlers import rectifications as chat
from handlers.checkin import MAX_TEXT
from handlers.registry import ADMINS
from models.rectifications import Problem, Refused, move
from pages import texts
from pages.auth import FILLERS, bp, chat_context, current_person, message, page
from pages.changes import change
from pages.desk import run_command
from pages.report import back_to, form_text, own_report, show

log = logging.getLogger(__name__)
ANCHOR = "rectifications"       # 我的月报's section, and where its form's error is shown
ORG_VERBS = {"progress": "进展", "done": "已完成"}
FIELD_SEPARATORS = re.compile(r"[|｜]")
OFFICE_VERBS = {"accept": "销号", "return": "退回"}      # on those waiting (待验收); 重开 is the chat's


@bp.post("/report/<period>/rectifications/<code>/<verb>")
@page(who=FILLERS)
def rectification_move(period: str, code: str, verb: str):
    """整改 编号 进展|已完成 内容 (verb progress or done) on the org's own rectification."""
    report, person, ctx = own_report(period), current_person(), chat_context()
    if verb not in ORG_VERBS:
        abort(404)
    step = chat.ORG_WORDS[ORG_VERBS[verb]]
    said = form_text("text") or ""
    try:
        with change() as outgoing:
            r = move(code, step, person.userid, ctx.clock.utcnow(), ctx.clock.today(), said, org_id=person.org_id)
            outgoing += chat.told(r, step, said, ctx.admin_userids)
    except Refused as refused:
        log.info("pages: rectification %s: %s by %s not taken: %s", code[:32], step, person.userid, refused.problem)
        if refused.problem in (Problem.UNKNOWN, Problem.NOT_YOURS):
            return message(403, texts.NOT_YOURS)
        return show(report, failed=(ANCHOR, chat.problem_text(refused, code, step)))
    flash(chat.moved_text(r, step))
    return back_to(report, ANCHOR)


@bp.post("/desk/rectifications/add")
@page(who=ADMINS)
def rectification_add():
    """整改 添加 组织编号 来源|问题|整改措施|责任人|整改时限 from 工作台's form: the group's command."""
    fields = "|".join(_field(name) for name in ("source", "problem", "measures", "responsible", "deadline"))
    return run_command(f"整改 添加 {_field('org').replace(' ', '')[:32]} {fields}", url_for(".desk") + "#notice")


def _field(name: str) -> str:
    """A form's field as one field of the command: no separator inside, on one line."""
    return " ".join(FIELD_SEPARATORS.sub(" ", request.form.get(name, "")).split())[:MAX_TEXT]


@bp.post("/desk/rectifications/<code>/<verb>")
@page(who=ADMINS)
def rectification_decide(code: str, verb: str):
    """整改 销号|退回 编号 [原因] (verb accept or return): the group's command, the org told."""
    if verb not in OFFICE_VERBS:
        abort(404)
    reason = " ".join(request.form.get("reason", "").split())[:MAX_TEXT]
    return run_command(f"整改 {OFFICE_VERBS[verb]} {code[:32]} {reason}".strip(), url_for(".desk") + "#rectifications")
