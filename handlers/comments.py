"""点评 as people read it: the lines the office's 点评 lists, the card the org's secretary and deputies
get for each comment and the lines that follow an edit or a withdrawal, and 点评 in the org's own chat
(this month's comments on its report, or another month's). Like 整改 it reads no report of the
check-in: every step runs it (READING, handlers/checkin_steps.py), with no report open too. The
office's command is handlers/admin/comments.py."""
from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import JOIN

from handlers import messages as m
from handlers.replies import Card, Outgoing, Text
from handlers.report_views import item_title, month_label, plain, quoted
from models import Action, Entry, Person, Report, Task
from models.comments import KIND_LABELS, Comment, CommentEdit, Refused, of
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY
from models.periods import check

NAME = "点评"
MONTH_ARG = re.compile(r"\d{4}-\d{1,2}")
ARGS = r"(?s)\d{4}-\d{1,2}|\S.*"       # a month; anything else is the office's and is answered so
CARD_TEXT = 500                         # the card shows the whole comment (TEXT_LIMIT)
LINE_TEXT = 60                          # a list line shows its beginning


@dataclass(frozen=True)
class Shown:
    """A comment as the pages show it: the text as written (the page escapes it)."""

    code: str
    period: str
    position: int | None
    kind: str                   # a CommentKind
    label: str                  # 表扬 …
    where: str
    text: str
    by: str
    at: str
    state: str                  # "", 已修改 or 已撤回
    rectification: str          # the ZG code it became, or ""


def shown(comments: list[Comment], ctx) -> list[Shown]:
    """Comments for a page (of any orgs and months), in the order given."""
    people, named = names(), {}
    rows = []
    for c in comments:
        month = (c.org_id, c.period)
        if month not in named:
            named[month] = titles(*month)
        state = m.COMMENT_WITHDRAWN_STATE if c.withdrawn else m.COMMENT_EDITED_STATE if c.updated_at else ""
        rows.append(Shown(c.code, c.period, c.position, c.kind, KIND_LABELS[c.kind], where(c, named[month]), c.text,
                          people.get(c.by, c.by), f"{ctx.clock.local(c.at):%Y-%m-%d %H:%M}", state,
                          c.rectification.code if c.rectification_id else ""))
    return rows


def titles(org_id: int, period: str) -> dict[int, str]:
    """The titles of the items of the org's report of `period`, by position."""
    rows = (Entry.select(Entry, Action, Task).join(Report).switch(Entry).join(Action, JOIN.LEFT_OUTER).switch(Entry)
            .join(Task, JOIN.LEFT_OUTER).where(Report.org == org_id, Report.period == period))
    return {entry.position: item_title(entry) for entry in rows}


def where(comment: Comment, named: dict[int, str] | None = None) -> str:
    """整体, or 第5项 and the item's title when `named` has it."""
    if comment.position is None:
        return m.COMMENT_WHOLE
    title = (named or {}).get(comment.position)
    return (m.COMMENT_ITEM_TITLE.format(position=comment.position, title=quoted(title, 20)) if title
            else m.COMMENT_ITEM.format(position=comment.position))


def names() -> dict[str, str]:
    """Who wrote what, by userid (a configured admin without a row is their userid)."""
    return dict(Person.select(Person.userid, Person.name).tuples())


def line(comment: Comment, ctx, named: dict[int, str], people: dict[str, str]) -> str:
    """The office's line: code, kind, item, text, who and when, and what became of it."""
    return m.COMMENT_LINE.format(
        code=comment.code, kind=KIND_LABELS[comment.kind], where=where(comment, named),
        text=quoted(comment.text, LINE_TEXT), by=people.get(comment.by, comment.by),
        at=f"{ctx.clock.local(comment.at):%m-%d %H:%M}", edited=m.COMMENT_EDITED_MARK if comment.updated_at and not
        comment.withdrawn else "", withdrawn=m.COMMENT_WITHDRAWN_MARK if comment.withdrawn else "",
        rectification=m.COMMENT_RECTIFICATION_MARK.format(code=comment.rectification.code)
        if comment.rectification_id else "")


def org_line(comment: Comment, ctx, named: dict[int, str], people: dict[str, str]) -> str:
    """The org's line: kind, item, the whole text, who and when."""
    return m.COMMENT_ORG_LINE.format(
        kind=KIND_LABELS[comment.kind], where=where(comment, named), text=plain(comment.text),
        by=people.get(comment.by, comment.by), at=f"{ctx.clock.local(comment.at):%m-%d}",
        edited=m.COMMENT_EDITED_MARK if comment.updated_at else "")


def problem_text(refused: Refused, code: str = "", **fields) -> str:
    """The one line saying why a comment or its change was not taken."""
    c = refused.comment
    people = names() if c else {}
    return m.COMMENT_PROBLEMS[refused.problem].format(
        code=c.code if c else quoted(code, 12), kind=KIND_LABELS[c.kind] if c else "",
        author=people.get(c.by, c.by) if c else "",
        rectification=c.rectification.code if c and c.rectification_id else "", **fields)


def recipients(org_id: int) -> list[str]:
    """The org's secretary and deputies: who is told of a comment."""
    return [p.userid for p in Person.select().where(Person.org == org_id).order_by(Person.userid)
            if p.has_role(ROLE_SECRETARY) or p.has_role(ROLE_DEPUTY)]


def card(comment: Comment, ctx, author: str) -> Card:
    """The card of a new comment: who, what kind, which item, the text, a link to 我的月报."""
    named = titles(comment.org_id, comment.period)
    return Card(title=m.COMMENT_CARD_TITLE.format(kind=KIND_LABELS[comment.kind]),
                description=m.COMMENT_CARD_DESCRIPTION.format(org=comment.org.name, month=month_label(comment.period),
                                                              where=where(comment, named)),
                subtitle=quoted(comment.text, CARD_TEXT),
                lines=((m.COMMENT_CARD_BY, author), (m.COMMENT_CARD_ITEM, where(comment, named)),
                       (m.COMMENT_CARD_CODE, comment.code)),
                url=ctx.page(f"report/{comment.period}"))


def told_new(comment: Comment, ctx) -> list[Outgoing]:
    """A card to each of the org's secretary and deputies, once (the key: the comment's and theirs)."""
    author = names().get(comment.by, comment.by)
    made = card(comment, ctx, author)
    return [Outgoing(to=userid, reply=made, key=f"comment:{comment.id}:{userid}")
            for userid in recipients(comment.org_id)]


def told_edit(comment: Comment, edit: CommentEdit) -> list[Outgoing]:
    """The line saying what the comment now says, once per edit and person."""
    said = m.COMMENT_TOLD_EDIT.format(code=comment.code, month=month_label(comment.period),
                                      where=where(comment, titles(comment.org_id, comment.period)),
                                      kind=KIND_LABELS[comment.kind], text=quoted(comment.text, CARD_TEXT))
    return [Outgoing(to=userid, reply=Text(said), key=f"comment-edit:{edit.id}:{userid}")
            for userid in recipients(comment.org_id)]


def told_withdrawn(comment: Comment) -> list[Outgoing]:
    said = m.COMMENT_TOLD_WITHDRAWN.format(code=comment.code, month=month_label(comment.period),
                                           where=where(comment, titles(comment.org_id, comment.period)))
    return [Outgoing(to=userid, reply=Text(said), key=f"comment-withdrawn:{comment.id}:{userid}")
            for userid in recipients(comment.org_id)]


def chat(person, args: str, ctx) -> list:
    """点评 [月份] in the org's chat: that month's comments (this month's by default) on its report."""
    if args and not MONTH_ARG.fullmatch(args):
        return [Text(m.COMMENT_ORG_ONLY_READ)]
    try:
        year, number = (args or ctx.clock.period()).split("-")
        period = check(f"{year}-{int(number):02d}")
    except ValueError:
        return [Text(m.BAD_MONTH.format(word=quoted(args, 20)))]
    return [Text(org_text(person.org, period, ctx))]


def org_text(org, period: str, ctx) -> str:
    comments = of(orgs=[org.id], periods=[period])
    month = month_label(period)
    if not comments:
        return m.COMMENT_ORG_NONE.format(month=month)
    named, people = titles(org.id, period), names()
    return "\n".join([m.COMMENT_ORG_HEAD.format(month=month), *(org_line(c, ctx, named, people) for c in comments)])

