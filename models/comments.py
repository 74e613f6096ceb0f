"""点评: the office's written comments on an organisation's month — on the whole report or on one of
its items — each of a kind (表扬, 提醒, 问题). Who wrote it and when is kept; an edit keeps what it
replaced (CommentEdit), a withdrawal only marks it, and a 问题 may become a rectification once.

The scoring reads comments by org, period, kind and item (`of`): 表扬 counts for, 问题 against,
withdrawn ones not at all. Anything not allowed: Refused with the Problem, nothing written.
"""
from __future__ import annotations

import datetime
import re
from enum import StrEnum

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.checkin import report_of
from models.db import BaseModel
from models.directory import Org
from models.rectifications import Rectification, create as create_rectification
from models.report import Entry

TEXT_LIMIT = 500
CODE = re.compile(r"DP(\d+)", re.IGNORECASE)


class CommentKind(StrEnum):
    PRAISE = "praise"           # 表扬
    REMINDER = "reminder"       # 提醒
    PROBLEM = "problem"         # 问题


KIND_LABELS = {CommentKind.PRAISE: "表扬", CommentKind.REMINDER: "提醒", CommentKind.PROBLEM: "问题"}
KIND_WORDS = {label: kind for kind, label in KIND_LABELS.items()}


class Problem(StrEnum):
    """Why a comment or its change was not taken (nothing was written)."""

    NO_REPORT = "no report"             # the month is not published, or the org has no report in it
    NO_ITEM = "no item"                 # no such item number in that report
    NO_TEXT = "no text"
    TOO_LONG = "too long"
    UNKNOWN = "unknown"                 # no such DP code
    NOT_AUTHOR = "not author"           # an edit by neither its author nor an admin
    WITHDRAWN = "withdrawn"             # an edit or rectification of a withdrawn comment
    NOT_A_PROBLEM = "not a problem"     # only a 问题 becomes a rectification
    ALREADY = "already"                 # it became one already


class Refused(ValueError):
    def __init__(self, problem: Problem, comment: Comment | None = None):
        super().__init__(problem)
        self.problem, self.comment = problem, comment


class Comment(BaseModel):
    """One comment of the office on one org's month (position None: the whole report)."""

    org = ForeignKeyField(Org, backref="comments", on_delete="CASCADE")
    period = CharField(max_length=7)
    position = IntegerField(null=True)                  # the item's number in that org's report of the month
    kind = CharField(max_length=16)                     # a CommentKind
    text = TextField()
    by = CharField(max_length=64)                       # the userid (configured admins have no row)
    at = DateTimeField()
    updated_at = DateTimeField(null=True)               # the last edit
    withdrawn = BooleanField(default=False)
    rectification = ForeignKeyField(Rectification, null=True, on_delete="SET NULL", backref="comments")

    class Meta:
        indexes = ((("org", "period", "kind"), False),)

    @property
    def code(self) -> str:
        return f"DP{self.id}"


class CommentEdit(BaseModel):
    """What an edit replaced: the old text and kind, who changed it and when."""

    comment = ForeignKeyField(Comment, backref="edits", on_delete="CASCADE")
    old_text = TextField()
    old_kind = CharField(max_length=16)
    by = CharField(max_length=64)
    at = DateTimeField()


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise Refused(Problem.NO_TEXT)
    if len(text) > TEXT_LIMIT:
        raise Refused(Problem.TOO_LONG)
    return text


def add(org: Org, period: str, position: int | None, kind: CommentKind, text: str, by: str,
        at: datetime.datetime, this_period: str) -> Comment:
    """A new comment on the org's report of `period` (a month published and started by `this_period`),
    on item `position` of it or (None) on the whole."""
    report = report_of(org.id, this_period, period)
    if report is None:
        raise Refused(Problem.NO_REPORT)
    if position is not None and not Entry.select().where(Entry.report == report, Entry.position == position).exists():
        raise Refused(Problem.NO_ITEM)
    return Comment.create(org=org, period=period, position=position, kind=CommentKind(kind), text=_text(text),
                          by=by, at=at)


def find(code: str) -> Comment:
    """The comment of a DP code (any case); Refused (UNKNOWN) otherwise."""
    found = CODE.fullmatch(code.strip())
    comment = Comment.get_or_none(Comment.id == int(found.group(1))) if found and len(code) < 12 else None
    if comment is None:
        raise Refused(Problem.UNKNOWN)
    return comment


def edit(comment: Comment, kind: CommentKind | None, text: str, by: str, at: datetime.datetime,
         admin: bool) -> CommentEdit:
    """Change a comment's text (and kind, when given), by its author or an admin; the old kept."""
    if comment.by != by and not admin:
        raise Refused(Problem.NOT_AUTHOR, comment)
    if comment.withdrawn:
        raise Refused(Problem.WITHDRAWN, comment)
    text = _text(text)
    kept = CommentEdit.create(comment=comment, old_text=comment.text, old_kind=comment.kind, by=by, at=at)
    comment.text, comment.kind, comment.updated_at = text, CommentKind(kind or comment.kind), at
    comment.save()
    return kept


def withdraw(comment: Comment, by: str, at: datetime.datetime, admin: bool) -> Comment:
    """Mark a comment withdrawn (kept, shown as such); by its author or an admin, once."""
    if comment.by != by and not admin:
        raise Refused(Problem.NOT_AUTHOR, comment)
    if comment.withdrawn:
        raise Refused(Problem.WITHDRAWN, comment)
    comment.withdrawn, comment.updated_at = True, at
    comment.save()
    return comment


def rectify(comment: Comment, measures: str, responsible: str, deadline: datetime.date, by: str,
            at: datetime.datetime, today: datetime.date) -> Rectification:
    """The 问题 comment listed as a rectification (source 点评, the problem its text), once; the
    rectification's own checks refuse with models.rectifications.Refused."""
    if comment.withdrawn:
        raise Refused(Problem.WITHDRAWN, comment)
    if comment.kind != CommentKind.PROBLEM:
        raise Refused(Problem.NOT_A_PROBLEM, comment)
    if comment.rectification_id is not None:
        raise Refused(Problem.ALREADY, comment)
    fields = {"source": "点评", "problem": comment.text, "measures": measures.strip(),
              "responsible": responsible.strip(), "found_on": today, "deadline": deadline}
    rectification = create_rectification(comment.org, fields, by, at)
    comment.rectification = rectification
    comment.save()
    return rectification


def history(comment: Comment) -> list[CommentEdit]:
    return list(comment.edits.order_by(CommentEdit.at, CommentEdit.id))


def of(orgs=None, periods=None, kinds=None, positions=None, withdrawn: bool = False) -> list[Comment]:
    """Comments (of these org ids, periods, kinds and item positions — None in `positions` is the
    whole report; withdrawn ones only when asked), by org, period, item and time:

        org  period   position  kind     text
        3    2026-12  None      praise   …
        3    2026-12  5         problem  …
    """
    query = Comment.select(Comment, Org).join(Org)
    if not withdrawn:
        query = query.where(Comment.withdrawn == False)  # noqa: E712 (peewee's condition)
    if orgs is not None:
        query = query.where(Comment.org.in_(list(orgs)))
    if periods is not None:
        query = query.where(Comment.period.in_(list(periods)))
    if kinds is not None:
        query = query.where(Comment.kind.in_(list(kinds)))
    if positions is not None:
        wanted = [p for p in positions if p is not None]
        condition = Comment.position.in_(wanted)
        query = query.where(condition | Comment.position.is_null() if None in positions else condition)
    return sorted(query, key=lambda c: (c.org.code, c.period, c.position or 0, c.at, c.id))


def in_year(year: int, orgs=None, withdrawn: bool = True) -> list[Comment]:
    """The comments on the months of `year` (withdrawn ones too, by default: the overview marks them)."""
    return of(orgs, [f"{year:04d}-{n:02d}" for n in range(1, 13)], withdrawn=withdrawn)
