"""点评 on the pages: an admin's comment box on an org's month (from 工作台, /h5/orgs/<code>/<period>)
runs the group's 点评 itself (pages/desk.py run_command: audited as h5, the org's people told through
the outbox in the page's transaction). 我的月报 and the year page show the comments
(pages/report.py, pages/year.py)."""
from __future__ import annotations

from flask import request, url_for

from handlers.checkin import MAX_TEXT
from handlers.registry import ADMINS
from models.comments import KIND_LABELS, CommentKind
from pages.auth import bp, page
from pages.desk import run_command

ITEM_DIGITS = 4


@bp.post("/orgs/<code>/<period>/comments")
@page(who=ADMINS)
def comment_add(code: str, period: str):
    """点评 组织编号 月份 [第N项] 类别 内容 from the form; the command says what is wrong, if anything."""
    kind = request.form.get("kind", "")
    item = request.form.get("item", "").strip()
    text = " ".join(request.form.get("text", "").split())[:MAX_TEXT]
    words = [code.replace(" ", "")[:32], period.replace(" ", "")[:20],
             f"第{item}项" if item.isdecimal() and len(item) <= ITEM_DIGITS else "",
             KIND_LABELS[CommentKind(kind)] if kind in tuple(CommentKind) else "", text]
    return run_command("点评 " + " ".join(filter(None, words)),
                       url_for(".org_month", code=code[:32], period=period[:20]) + "#comments")
