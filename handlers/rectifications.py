"""整改 in a secretary's (or deputy's) chat: the org's rectifications not yet closed, one with its
history, and the org's two moves — 进展 (how it goes) and 已完成 (done, with the evidence: it waits
for the office's acceptance, 待验收). Like 自选 it reads and writes no report: every step of the
check-in runs it (READING, handlers/checkin_steps.py), in a closed month and with no report open too.
The office's side is handlers/admin/rectifications.py; the lines, the history and who is told of a
move are here, for both."""
from __future__ import annotations

import logging
import re

from handlers import messages as m
from handlers.replies import Outgoing, Text
from handlers.report_views import clip, plain, quoted
from models import Person
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY, admins
from models.rectifications import (
    Move,
    Rectification,
    RectificationEvent,
    RectificationState,
    Refused,
    find,
    history,
    listed,
    move,
)

log = logging.getLogger(__name__)
NOTE_SHOWN = 40             # what the org wrote is quoted back at most this long

NAME = "整改"
ORG_WORDS = {"进展": Move.PROGRESS, "已完成": Move.SUBMIT}
ADMIN_WORDS = ("添加", "销号", "退回", "重开", "统计")
ORG_ARGS = re.compile(r"(?s)([A-Za-z0-9_-]{1,32})(?:\s*(进展|已完成)\s*(.*))?")
ARGS = "(?s)(?:" + "|".join(ADMIN_WORDS) + ").*|" + ORG_ARGS.pattern.removeprefix("(?s)")    # else a note


def day(date) -> str:
    return date.isoformat() if date else ""


def line(r: Rectification, today, with_org: bool = True) -> str:
    template = m.RECT_LINE if with_org else m.RECT_ORG_LINE
    return template.format(overdue=m.RECT_OVERDUE if r.overdue(today) else "", code=r.code, org=r.org.name,
                           source=r.source, problem=quoted(r.problem, 24), state=m.RECT_STATES[r.state],
                           deadline=day(r.deadline))


def detail(r: Rectification, ctx) -> str:
    names = dict(Person.select(Person.userid, Person.name).tuples())
    events = [m.RECT_EVENT.format(at=ctx.clock.local(e.at).strftime("%Y-%m-%d %H:%M"), move=m.RECT_MOVES[e.move],
                                  by=names.get(e.by, e.by), text=f"：{plain(e.text)}" if e.text else "")
              + (m.RECT_EVIDENCE.format(count=len(e.media_ids)) if e.media_ids else "")
              for e in history(r)]
    head = m.RECT_DETAIL.format(
        code=r.code, org=r.org.name, org_code=r.org.code, source=r.source, state=m.RECT_STATES[r.state],
        closed=m.RECT_CLOSED_ON.format(day=day(r.closed_on)) if r.closed_on else "", problem=plain(r.problem),
        measures=plain(r.measures) or "—", responsible=plain(r.responsible), found_on=day(r.found_on),
        deadline=day(r.deadline), overdue=" " + m.RECT_OVERDUE if r.overdue(ctx.clock.today()) else "")
    return "\n".join([head, *events])


def problem_text(refused: Refused, code: str, step: Move | None = None, whose: str = m.RECT_NOT_YOURS_ORG,
                 **fields) -> str:
    r = refused.rectification
    code = r.code if r else quoted(code, 32)
    return m.RECT_PROBLEMS[refused.problem].format(
        code=code, whose=whose, state=m.RECT_STATES[r.state] if r else "", move=m.RECT_MOVES.get(step, ""),
        example=m.RECT_EXAMPLES.get(step, "").format(code=code), **fields)


def told(r: Rectification, step: Move, text: str, configured_admins) -> list:
    """Who hears of a move: the admins when the org submits it (or withdraws a submission); the org's
    secretary and deputies when the office accepts, returns or reopens it. Each message's key is the
    move's own, so a retry sends it once."""
    if step not in m.RECT_TOLD:
        return []
    if step in (Move.SUBMIT, Move.WITHDRAW):
        recipients = [userid for userid, _ in admins(sorted(configured_admins))]
    else:
        recipients = [p.userid for p in Person.select().where(Person.org == r.org_id)
                      if p.has_role(ROLE_SECRETARY) or p.has_role(ROLE_DEPUTY)]
    said = m.RECT_TOLD[step].format(org=r.org.name, code=r.code, problem=quoted(r.problem, 30),
                                    text=quoted(text, 200))
    event = history(r)[-1]          # the move just made
    return [Outgoing(to=userid, reply=Text(said), key=f"rectification:{event.id}:{userid}") for userid in recipients]


def chat(person, args: str, ctx) -> list:
    """The answer to 整改 and what follows it, in the org's chat."""
    return answer(person, args, ctx)[0]


def answer(person, args: str, ctx, undoable: bool = False) -> tuple[list, RectificationEvent | None]:
    """The replies to 整改 …, and the move made (None: none); `undoable` says so in the echo (in a
    check-in, where 撤销 takes the move back)."""
    if not args:
        return [Text(org_list(person, ctx))], None
    if args.startswith(ADMIN_WORDS):
        return [Text(m.RECT_ADMINS_ONLY)], None
    code, word, text = ORG_ARGS.fullmatch(args).groups()
    if word:
        return org_move(person, code, ORG_WORDS[word], text, ctx, undoable)
    try:
        r = find(code, person.org_id)
    except Refused as refused:
        log.info("rectification %s asked by %s: %s", clip(code, 32), person.userid, refused.problem)
        return [Text(problem_text(refused, code))], None
    return [Text(detail(r, ctx))], None


def org_list(person, ctx) -> str:
    today = ctx.clock.today()
    rows = listed(orgs=[person.org_id], states=(RectificationState.OPEN, RectificationState.SUBMITTED), today=today)
    if not rows:
        return m.RECT_ORG_NONE.format(org=person.org.name)
    return "\n".join([m.RECT_ORG_HEAD.format(org=person.org.name), *(line(r, today, with_org=False) for r in rows),
                      m.RECT_ORG_HOW])


def org_move(person, code: str, step: Move, text: str, ctx, undoable: bool = False,
             media_ids: tuple = ()) -> tuple[list, RectificationEvent | None]:
    """进展, 已完成 or a photo on one of the org's rectifications: said back (`undoable`: with how to
    take it back), and the admins told of a submission. Returns the replies and the move made."""
    try:
        r = move(code, step, person.userid, ctx.clock.utcnow(), ctx.clock.today(), text, media_ids,
                 org_id=person.org_id)
    except Refused as refused:
        log.info("rectification %s: %s by %s not taken: %s", clip(code, 32), step, person.userid, refused.problem)
        return [Text(problem_text(refused, code, step))], None
    said = (m.RECT_NOTED[step].format(code=r.code, text=quoted(text, NOTE_SHOWN)) if undoable
            else moved_text(r, step))
    return [Text(said), *told(r, step, text, ctx.admin_userids)], history(r)[-1]


def moved_text(r: Rectification, step: Move) -> str:
    return m.RECT_MOVED[step].format(code=r.code, org=r.org.name)
