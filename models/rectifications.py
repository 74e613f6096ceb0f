"""整改清单: one problem found in one organisation, its measures, who answers for it and by when, and
each move it made until it was closed (销号). The allowed moves are one table, MOVES:

    open (整改中) ─submit─→ submitted (待验收) ─accept─→ closed (已销号) ─reopen─→ open
      ↻ progress, evidence       ↻ evidence
                                 └──────────send back─→ open (退回, with the reason)
and the org's 撤销 of its last progress, evidence or submission (withdraw: back to the state before it).

Each move is a RectificationEvent row saying who, when, what was said and the evidence; nothing is
deleted. A move that is not allowed, another org's rectification, a deadline before the problem's
date: Refused, nothing written. The deadline escalates through three letters (Letter), each sent
at most once per rectification, a RectificationLetter row apiece (jobs/letters.py sends them).
"""
from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField, fn

from models.db import BaseModel
from models.directory import Org
from models.fields import ListField
from models.items import natural_key
from models.workdays import Workdays

SOURCES = ("巡视", "巡察", "督查", "述职评议", "点评", "自查")
TEXT_LIMIT = 500                # what a person writes with a move, and a problem or its measures
RESPONSIBLE_LIMIT = 64
CODE = re.compile(r"ZG(\d+)")


class RectificationState(StrEnum):
    OPEN = "open"               # 整改中
    SUBMITTED = "submitted"     # 待验收: the org says it is done, with its evidence
    CLOSED = "closed"           # 已销号: an admin accepted it


STATE_LABELS = {RectificationState.OPEN: "整改中", RectificationState.SUBMITTED: "待验收",
                RectificationState.CLOSED: "已销号"}     # as the source documents, the chat and the lists say


class Letter(StrEnum):
    """The letters a deadline escalates through, in the order they are due."""

    REMIND = "remind"           # 提醒函: some workdays before the deadline, to the org
    URGE = "urge"               # 催告函: on the deadline, to the org and its area liaisons
    SUPERVISE = "supervise"     # 督办函: some workdays after it, to the admins and the area liaisons


LETTER_LABELS = {Letter.REMIND: "提醒函", Letter.URGE: "催告函", Letter.SUPERVISE: "督办函"}


class Move(StrEnum):
    CREATE = "create"           # the first row of every history
    PROGRESS = "progress"       # the org says how it goes
    SUBMIT = "submit"           # the org says it is done
    ACCEPT = "accept"           # an admin closes it
    SEND_BACK = "send_back"     # an admin returns it with the reason
    REOPEN = "reopen"           # an admin opens a closed one again, with the reason
    EVIDENCE = "evidence"       # the org adds a photo (or a file) as evidence
    WITHDRAW = "withdraw"       # the org takes back its last move (the chat's 撤销)


MOVES = {
    (RectificationState.OPEN, Move.PROGRESS): RectificationState.OPEN,
    (RectificationState.OPEN, Move.SUBMIT): RectificationState.SUBMITTED,
    (RectificationState.SUBMITTED, Move.ACCEPT): RectificationState.CLOSED,
    (RectificationState.SUBMITTED, Move.SEND_BACK): RectificationState.OPEN,
    (RectificationState.CLOSED, Move.REOPEN): RectificationState.OPEN,
    (RectificationState.OPEN, Move.EVIDENCE): RectificationState.OPEN,
    (RectificationState.SUBMITTED, Move.EVIDENCE): RectificationState.SUBMITTED,
}
SAYING_NEEDED = frozenset({Move.PROGRESS, Move.SUBMIT, Move.SEND_BACK, Move.REOPEN})
ORG_MOVES = frozenset({Move.PROGRESS, Move.SUBMIT, Move.EVIDENCE, Move.WITHDRAW})   # the others: the admins'
UNDOABLE = frozenset({Move.PROGRESS, Move.SUBMIT, Move.EVIDENCE})       # what the org's 撤销 takes back


class Problem(StrEnum):
    """Why a rectification or a move was not taken (nothing was written)."""

    UNKNOWN = "unknown"
    NOT_YOURS = "not yours"
    NOT_ALLOWED = "not allowed"
    NO_TEXT = "no text"
    TOO_LONG = "too long"
    BAD_SOURCE = "bad source"
    NO_PROBLEM = "no problem"
    NO_RESPONSIBLE = "no responsible"
    BAD_DATE = "bad date"
    DEADLINE_BEFORE = "deadline before"


class Refused(ValueError):
    def __init__(self, problem: Problem, rectification: Rectification | None = None):
        super().__init__(problem)
        self.problem, self.rectification = problem, rectification


class Rectification(BaseModel):
    """One problem found in one organisation, and where its rectification stands."""

    code = CharField(max_length=32, unique=True)        # ZG01 …, or the imported 编号
    org = ForeignKeyField(Org, backref="rectifications", on_delete="CASCADE")
    source = CharField(max_length=16)                   # one of SOURCES
    problem = TextField()
    measures = TextField(default="")
    responsible = CharField(max_length=RESPONSIBLE_LIMIT, default="")
    found_on = DateField()                              # the problem's date: the deadline is not before it
    deadline = DateField()
    state = CharField(max_length=16, default=RectificationState.OPEN)      # a RectificationState
    closed_on = DateField(null=True)

    def overdue(self, today: datetime.date) -> bool:
        return self.state != RectificationState.CLOSED and self.deadline < today


class RectificationEvent(BaseModel):
    """One move of a rectification: who, when, from which state to which, what was said, the evidence."""

    rectification = ForeignKeyField(Rectification, backref="events", on_delete="CASCADE")
    move = CharField(max_length=16)                     # a Move
    before = CharField(max_length=16, default="")       # the state before ("" for CREATE)
    after = CharField(max_length=16)
    by = CharField(max_length=64)                       # the userid (configured admins have no row)
    at = DateTimeField()
    text = TextField(default="")                        # the progress, the evidence, the reason
    media_ids = ListField(default=list)                 # photos and files given as evidence


class RectificationLetter(BaseModel):
    """A letter sent about a rectification: at most one of each kind, ever (a reopened one that is
    overdue again gets no second 督办函)."""

    rectification = ForeignKeyField(Rectification, backref="letters", on_delete="CASCADE")
    kind = CharField(max_length=16)                     # a Letter
    due_on = DateField()                                # the letter's day
    sent_at = DateTimeField()

    class Meta:
        indexes = ((("rectification", "kind"), True),)


def parse_date(text: str) -> datetime.date:
    """2027-01-20 as a date, or Refused (BAD_DATE)."""
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise Refused(Problem.BAD_DATE) from None


def checked(source: str, problem: str, responsible: str, found_on: datetime.date,
            deadline: datetime.date) -> None:
    """Refused saying the first thing wrong with a rectification's fields."""
    if source not in SOURCES:
        raise Refused(Problem.BAD_SOURCE)
    if not problem.strip():
        raise Refused(Problem.NO_PROBLEM)
    if len(problem) > TEXT_LIMIT:
        raise Refused(Problem.TOO_LONG)
    if not responsible.strip() or len(responsible) > RESPONSIBLE_LIMIT:
        raise Refused(Problem.NO_RESPONSIBLE)
    if deadline < found_on:
        raise Refused(Problem.DEADLINE_BEFORE)


def next_code() -> str:
    """ZG01, ZG02 …: after the highest ZG-number stored (imported codes of another shape are left be)."""
    numbers = [int(found.group(1)) for (code,) in Rectification.select(Rectification.code).tuples()
               if (found := CODE.fullmatch(code))]
    return f"ZG{max(numbers, default=0) + 1:02d}"


def create(org: Org, fields: dict, by: str, at: datetime.datetime) -> Rectification:
    """A new rectification (fields: source, problem, measures, responsible, found_on, deadline; code
    optional), checked, with its first event."""
    checked(fields["source"], fields["problem"], fields["responsible"], fields["found_on"], fields["deadline"])
    rectification = Rectification.create(org=org, **{"code": next_code(), **fields})
    RectificationEvent.create(rectification=rectification, move=Move.CREATE, after=RectificationState.OPEN,
                              by=by, at=at)
    return rectification


def find(code: str, org_id: int | None = None) -> Rectification:
    """The rectification of that code (any case); Refused when unknown, or another org's when `org_id`
    is given."""
    found = Rectification.get_or_none(Rectification.code == code.strip().upper())
    if found is None:
        raise Refused(Problem.UNKNOWN)
    if org_id is not None and found.org_id != org_id:
        raise Refused(Problem.NOT_YOURS, found)
    return found


def move(code: str, step: Move, by: str, at: datetime.datetime, today: datetime.date, text: str = "",
         media_ids: tuple[str, ...] = (), org_id: int | None = None) -> Rectification:
    """Apply one move of MOVES (by the org's people when `org_id` is given: ORG_MOVES only): one
    conditional update, so two people moving it at once move it once (the second is told it is not
    allowed from where it now is); its event written beside it."""
    rectification = find(code, org_id)
    text = text.strip()
    after = MOVES.get((RectificationState(rectification.state), step))
    if after is None or (org_id is not None and step not in ORG_MOVES):
        raise Refused(Problem.NOT_ALLOWED, rectification)
    if step in SAYING_NEEDED and not text:
        raise Refused(Problem.NO_TEXT, rectification)
    if len(text) > TEXT_LIMIT:
        raise Refused(Problem.TOO_LONG, rectification)
    return _moved(rectification, step, after, by, at, today, text, media_ids)


def _moved(rectification: Rectification, step: Move, after: RectificationState, by: str, at: datetime.datetime,
           today: datetime.date, text: str = "", media_ids: tuple[str, ...] = ()) -> Rectification:
    closed_on = today if after == RectificationState.CLOSED else None
    moved = (Rectification.update(state=after, closed_on=closed_on)
             .where(Rectification.id == rectification.id, Rectification.state == rectification.state).execute())
    if not moved:
        raise Refused(Problem.NOT_ALLOWED, Rectification.get_by_id(rectification.id))
    RectificationEvent.create(rectification=rectification, move=step, before=rectification.state, after=after,
                              by=by, at=at, text=text, media_ids=list(media_ids))
    return Rectification.get_by_id(rectification.id)


def history(rectification: Rectification) -> list[RectificationEvent]:
    return list(rectification.events.order_by(RectificationEvent.at, RectificationEvent.id))


def standing(r: Rectification) -> list[RectificationEvent]:
    """The history without what the org took back: each WITHDRAW cancels the move before it."""
    kept: list[RectificationEvent] = []
    for event in history(r):
        if event.move == Move.WITHDRAW:
            kept.pop()
        else:
            kept.append(event)
    return kept


def evidence(r: Rectification) -> tuple[str, int]:
    """What the org's standing submission says ("": none) and how many photos it has given, for the
    office to judge it by."""
    kept = standing(r)
    said = next((e.text for e in reversed(kept) if e.move == Move.SUBMIT), "")
    return said, sum(len(e.media_ids) for e in kept if e.move == Move.EVIDENCE)


def withdraw(event: RectificationEvent, by: str, at: datetime.datetime, today: datetime.date) -> Rectification | None:
    """The org's 撤销 of its move `event` (UNDOABLE): a WITHDRAW move back to the state before it (整改中
    again for a submission). None, nothing written, if the rectification moved since (or `event` is
    no such move)."""
    r = event.rectification
    if event.move not in UNDOABLE or history(r)[-1].id != event.id:
        return None
    try:
        return _moved(r, Move.WITHDRAW, RectificationState(event.before), by, at, today)
    except Refused:
        return None


def to_ask(org_id: int, since: datetime.datetime) -> list[Rectification]:
    """The org's rectifications 整改中 that nobody of the org has moved since `since` (the month's
    check-in asks each once), by code."""
    moved = (RectificationEvent.select(RectificationEvent.rectification)
             .where(RectificationEvent.at >= since, RectificationEvent.move.in_(list(ORG_MOVES))))
    rows = Rectification.select().where(Rectification.org == org_id, Rectification.state == RectificationState.OPEN,
                                        Rectification.id.not_in(moved))
    return sorted(rows, key=lambda r: natural_key(r.code))


def listed(orgs=None, states=None, today: datetime.date | None = None) -> list[Rectification]:
    """Rectifications (of these org ids, in these states), the overdue first, then by org and code."""
    query = Rectification.select(Rectification, Org).join(Org)
    if orgs is not None:
        query = query.where(Rectification.org.in_(orgs))
    if states is not None:
        query = query.where(Rectification.state.in_(list(states)))
    order = list(RectificationState)
    return sorted(query, key=lambda r: (not (today and r.overdue(today)), r.org.code,
                                        order.index(RectificationState(r.state)), natural_key(r.code)))


@dataclass
class Tally:
    """Rectifications counted as the office reports them: not closed (of which overdue), closed on
    time or late (closed after the deadline; a reopened one counts by its last close)."""

    open: int = 0
    overdue: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def closed(self) -> int:
        return self.on_time + self.late

    def add(self, r: Rectification, today: datetime.date) -> None:
        if r.state != RectificationState.CLOSED:
            self.open += 1
            self.overdue += r.overdue(today)
        elif r.closed_on <= r.deadline:
            self.on_time += 1
        else:
            self.late += 1


def figures(today: datetime.date, orgs=None) -> tuple[Tally, dict[str, Tally], dict[str, Tally]]:
    """All, by area and by org type (of these org ids, or all), as of `today`:

        area        open  overdue  on_time  late
        广州南校园     3        1        2     1
    """
    total, by_area, by_type = Tally(), defaultdict(Tally), defaultdict(Tally)
    query = Rectification.select(Rectification, Org).join(Org)
    if orgs is not None:
        query = query.where(Rectification.org.in_(orgs))
    for r in query:
        for tally in (total, by_area[r.org.area], by_type[r.org.type]):
            tally.add(r, today)
    return total, dict(sorted(by_area.items())), dict(sorted(by_type.items()))


def live_in(year: int, orgs=None) -> list[Rectification]:
    """The rectifications open at some time in `year` (found by its end, not closed before it began), of
    these org ids or all, by code."""
    query = Rectification.select().where(Rectification.found_on <= datetime.date(year, 12, 31),
                                         Rectification.closed_on.is_null() |
                                         (Rectification.closed_on >= datetime.date(year, 1, 1)))
    if orgs is not None:
        query = query.where(Rectification.org.in_(orgs))
    return sorted(query, key=lambda r: natural_key(r.code))


def letter_days(deadline: datetime.date, workdays: Workdays | None, before: int,
                after: int) -> dict[Letter, datetime.date]:
    """Each letter's day: 提醒函 `before` workdays before the deadline, 催告函 on the last workday on or
    before it, 督办函 `after` workdays after it; in calendar days when `workdays` is None (the schedule
    does not shift to workdays)."""
    if workdays is None:
        return {Letter.REMIND: deadline - datetime.timedelta(days=before), Letter.URGE: deadline,
                Letter.SUPERVISE: deadline + datetime.timedelta(days=after)}
    return {Letter.REMIND: workdays.on_or_before(workdays.before(deadline, before)),
            Letter.URGE: workdays.on_or_before(deadline),
            Letter.SUPERVISE: workdays.on_or_after(workdays.after(deadline, after))}


def letters_sent(start: datetime.datetime, end: datetime.datetime) -> dict[Letter, int]:
    """How many letters of each kind were sent from `start` to before `end` (naive UTC)."""
    counted = dict(RectificationLetter.select(RectificationLetter.kind, fn.COUNT(RectificationLetter.id))
                   .where(RectificationLetter.sent_at >= start, RectificationLetter.sent_at < end)
                   .group_by(RectificationLetter.kind).tuples())
    return {kind: counted.get(kind, 0) for kind in Letter}
