"""点评 in the admins' chats: an admin, or an area liaison for the orgs of their area, comments on an
org's month — the whole report or one item — as 表扬, 提醒 or 问题; lists an org's comments of a month;
edits one (its author or an admin; what it said is kept) or withdraws it; and an admin turns a 问题
into a rectification (整改清单, source 点评). The org's secretary and deputies are told of each
(handlers/comments.py says how)."""
from __future__ import annotations

import logging
import re

from handlers import comments as views, messages as m, rectifications as rectification_views
from handlers.admin import GROUP, Call
from handlers.errors import Refusal, UserError
from handlers.registry import AREAS
from handlers.replies import Text
from handlers.report_views import month_label, quoted
from models import Org, comments as model
from models.comments import KIND_LABELS, KIND_WORDS, Refused
from models.rectifications import Refused as RectificationRefused, parse_date

log = logging.getLogger(__name__)

KINDS = "|".join(KIND_WORDS)
ADD = re.compile(r"(?s)(?P<org>\S+)(?:\s+(?P<month>\d{4}-\S*))?"
                 r"(?:\s+(?:第\s*(?P<nth>\d{1,4})\s*项|(?P<number>\d{1,4})))?"
                 rf"(?:\s+(?P<kind>{KINDS})[:：]?)?\s*(?P<text>.*)")
EDIT = re.compile(rf"(?s)(?P<code>\S+)(?:\s+(?P<kind>{KINDS})[:：]?)?\s*(?P<text>.*)")
FIELDS = re.compile(r"\s*[|｜]\s*")        # as 整改 添加 reads its fields
EDIT_WORD, WITHDRAW_WORD, RECTIFY_WORD = "改", "撤回", "整改"


@GROUP.command(views.NAME, aliases=("comment",), who=AREAS)
def comment_command(call: Call):
    """点评 组织编号 [月份] [第N项] 表扬|提醒|问题 内容 — 点评一个组织的月报（整体或某一项），通知其书记
    点评 XY01 [月份]：该组织本月（或该月）的点评；点评 改 编号 [类别] 新内容；点评 撤回 编号；
    点评 整改 编号 整改措施|责任人|整改时限：把“问题”转为整改（仅限管理员）。片区联络员：本片区的组织
    例：点评 XY01 第5项 问题 学习记录不全　或　点评 XY01 2026-12 表扬 主题党日有特色"""
    word, _, rest = call.args.partition(" ")
    if not word:
        raise UserError(m.NEED_ORG)
    if word == EDIT_WORD:
        return edit(call, rest.strip())
    if word == WITHDRAW_WORD:
        return withdraw(call, rest.strip())
    if word == RECTIFY_WORD:
        return rectify(call, rest.strip())
    return add(call, call.args)


def _org(call: Call, code: str) -> tuple[Org | None, str]:
    """The org of `code`, or None and the line saying why not: unknown, or not of a liaison's area."""
    org = Org.get_or_none(Org.code == code.upper())
    if org is None:
        return None, m.NO_SUCH_ORGS.format(codes=quoted(code, 32))
    if not call.is_admin and org.area != call.person.area:
        log.info("comment on %s by %s of another area", org.code, call.person.userid)
        return None, m.COMMENT_NOT_AREA.format(org=org.name, org_code=org.code)
    return org, ""


def add(call: Call, args: str) -> list:
    """A new comment, or the org's comments of the month when no kind and no text follow."""
    given = ADD.fullmatch(args.strip())
    org, refused = _org(call, given["org"])
    if org is None:
        return [Text(refused)]
    period = call.period(given["month"])
    number = given["nth"] or given["number"]
    if not given["kind"]:
        if number or given["text"]:
            return [Text(m.COMMENT_NEED_KIND)]
        return call.answer(listing(call, org, period))
    fields = {"org": org.name, "org_code": org.code, "month": month_label(period), "position": number}
    try:
        comment = model.add(org, period, int(number) if number else None, KIND_WORDS[given["kind"]],
                            given["text"] or "", call.person.userid, call.ctx.clock.utcnow(), call.ctx.clock.period())
    except Refused as refused:
        log.info("comment on %s %s by %s not taken: %s", org.code, period, call.person.userid, refused.problem)
        return [Text(views.problem_text(refused, count=len(views.titles(org.id, period)), **fields))]
    told = views.told_new(comment, call.ctx)
    said = m.COMMENT_ADDED.format(code=comment.code, org=org.name, month=fields["month"], told=len(told),
                                  where=views.where(comment, views.titles(org.id, period)),
                                  kind=KIND_LABELS[comment.kind], text=quoted(comment.text, views.LINE_TEXT))
    return [Text(said), *told]


def listing(call: Call, org: Org, period: str) -> str:
    comments = model.of(orgs=[org.id], periods=[period], withdrawn=True)
    month = month_label(period)
    if not comments:
        return m.COMMENT_NONE.format(org=org.name, org_code=org.code, month=month)
    named, people = views.titles(org.id, period), views.names()
    return "\n".join([m.COMMENT_HEAD.format(org=org.name, org_code=org.code, month=month, count=len(comments)),
                      *(views.line(c, call.ctx, named, people) for c in comments), m.COMMENT_ADMIN_HOW])


def _found(call: Call, code: str, word: str) -> model.Comment:
    """The comment a change names: Refusal when there is none (or no code)."""
    if not code:
        raise UserError(m.COMMENT_CODE_HOW.format(word=word))
    try:
        return model.find(code)
    except Refused as refused:
        raise Refusal(views.problem_text(refused, code)) from None


def edit(call: Call, args: str) -> list:
    """点评 改 DP3 [类别] 新内容: its author or an admin; the old text kept, the org told."""
    given = EDIT.fullmatch(args) if args else None
    if given is None or not given["text"]:
        raise UserError(m.COMMENT_EDIT_HOW)
    comment = _found(call, given["code"], EDIT_WORD)
    try:
        kept = model.edit(comment, KIND_WORDS.get(given["kind"] or ""), given["text"], call.person.userid,
                          call.ctx.clock.utcnow(), call.is_admin)
    except Refused as refused:
        log.info("comment %s: edit by %s not taken: %s", comment.code, call.person.userid, refused.problem)
        return [Text(views.problem_text(refused))]
    said = m.COMMENT_EDITED.format(code=comment.code, kind=KIND_LABELS[comment.kind],
                                   text=quoted(comment.text, views.LINE_TEXT))
    return [Text(said), *views.told_edit(comment, kept)]


def withdraw(call: Call, code: str) -> list:
    """点评 撤回 DP3: kept and marked, the org told."""
    comment = _found(call, code, WITHDRAW_WORD)
    try:
        model.withdraw(comment, call.person.userid, call.ctx.clock.utcnow(), call.is_admin)
    except Refused as refused:
        log.info("comment %s: withdrawal by %s not taken: %s", comment.code, call.person.userid, refused.problem)
        return [Text(views.problem_text(refused))]
    said = m.COMMENT_WITHDRAWN.format(code=comment.code, org=comment.org.name, month=month_label(comment.period))
    return [Text(said), *views.told_withdrawn(comment)]


def rectify(call: Call, args: str) -> list:
    """点评 整改 DP3 整改措施|责任人|整改时限: a 问题 listed as a rectification, once (admins only)."""
    if not call.is_admin:
        raise Refusal(m.COMMENT_RECTIFY_ADMINS_ONLY)
    code, _, rest = args.partition(" ")
    if not code or not rest.strip():
        raise UserError(m.COMMENT_RECTIFY_HOW)
    comment = _found(call, code, RECTIFY_WORD)
    measures, responsible, deadline = (FIELDS.split(rest.strip(), 2) + [""] * 2)[:3]
    clock = call.ctx.clock
    try:
        r = model.rectify(comment, measures, responsible, parse_date(deadline), call.person.userid, clock.utcnow(),
                          clock.today())
    except Refused as refused:
        log.info("comment %s: rectification by %s not taken: %s", comment.code, call.person.userid, refused.problem)
        return [Text(views.problem_text(refused))]
    except RectificationRefused as refused:
        log.info("comment %s: rectification by %s not taken: %s", comment.code, call.person.userid, refused.problem)
        return [Text(rectification_views.problem_text(refused, "", text=quoted(deadline, 20),
                                                      found_on=clock.today().isoformat()))]
    return [Text(m.COMMENT_RECTIFIED.format(code=comment.code, rectification=r.code, org=comment.org.name,
                                            deadline=r.deadline.isoformat()))]
