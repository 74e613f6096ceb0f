"""The check-in's last question, after part two: each of the org's rectifications 整改中 that nobody
of the org has reported on this month, one at a time (Step.RECTIFY, the one asked in
Conversation.rectification). The person says how it goes (a progress line), or 已完成 with what
shows it (it waits for the office's acceptance), or sends a photo as evidence; 无 or 跳过 moves on.
Every move is the chat's `整改 编号 进展|已完成` (handlers/rectifications.py), echoed, and the chat's
撤销 takes the last one back as a move of its own (nothing in the history is deleted).
"""
from __future__ import annotations

import re

from handlers import messages as m, phrases, rectifications as views
from handlers.checkin_moves import Hint, Next, Quietly, Step, next_rectification, rectifications_to_ask
from handlers.checkin_questions import SHORTEST, about_items, not_understood
from handlers.report_views import quoted
from handlers.session import Session
from models.items import natural_key
from models.rectifications import Move, RectificationEvent, withdraw

DONE = re.compile(r"(?s)(?:已经?整改完成|整改完成|已经?完成了?|完成了)[\s：:，,。！!]*(.*)")


def question(s: Session) -> str:
    r = s.conv.rectification
    if r is None:
        return m.RECT_ASK_NONE
    waiting = rectifications_to_ask(s)
    if r not in waiting:                        # reported on this month: evidence may follow
        return m.RECT_ASK_MORE.format(code=r.code)
    left = sum(natural_key(w.code) >= natural_key(r.code) for w in waiting)       # this one and those after it
    return m.RECT_ASK.format(left=left, code=r.code, source=r.source,
                             problem=quoted(r.problem, 60), deadline=r.deadline.isoformat(),
                             overdue=" " + m.RECT_OVERDUE if r.overdue(s.today) else "")


def on_text(s: Session, text: str) -> Next:
    """A progress line, or 已完成 with its evidence, on the rectification asked (then photos may
    follow); 无: on to the next. An edit or a note of an item works here as anywhere; anything
    unclear is asked about, never stored."""
    r = s.conv.rectification
    if r is None:
        return Step.SUMMARY
    meaning = phrases.understand(text)
    if isinstance(meaning, phrases.NoMore):
        if r in rectifications_to_ask(s):
            s.say(m.RECT_NO_PROGRESS.format(code=r.code))
        return next_rectification(s)
    done = about_items(s, meaning)
    if done:
        return done
    if isinstance(meaning, (phrases.Ack, phrases.Question)) or (
            isinstance(meaning, phrases.Unclear) and meaning.position):
        return not_understood(text, meaning)
    finished = DONE.fullmatch(text)
    said = finished.group(1).strip() if finished else text
    if finished and not said:
        return Hint(m.RECT_ASK_DONE_HOW)
    if sum(ch.isalnum() for ch in said) < SHORTEST:
        return Hint(m.RECT_TOO_SHORT)
    replies, event = views.org_move(s.person, r.code, Move.SUBMIT if finished else Move.PROGRESS, said, s.ctx,
                                    undoable=True)
    s.replies += replies
    if event is None:
        return None
    s.undoable(rectification=event)
    return Step.RECTIFY


def skip(s: Session, args: str) -> Next:
    """跳过 · 先不报这条整改"""
    if s.conv.rectification is not None:
        s.say(m.RECT_SKIPPED.format(code=s.conv.rectification.code))
    return next_rectification(s)


def photo_target(s: Session):
    """The rectification a photo goes with: the one asked about, else the one the person's last
    move in this chat was on (None: neither; the photo is an item's)."""
    if s.conv.step == Step.RECTIFY and s.conv.rectification is not None:
        return s.conv.rectification
    if s.conv.undo_rectification_id:
        return RectificationEvent.get_by_id(s.conv.undo_rectification_id).rectification
    return None


def photo(s: Session, r) -> None:
    """A photo as evidence of `r`, echoed; 撤销 takes it back."""
    replies, event = views.org_move(s.person, r.code, Move.EVIDENCE, "", s.ctx, undoable=True,
                                    media_ids=(s.inbound.media_id,))
    s.replies += replies
    if event is not None:
        s.undoable(rectification=event)


def undo(s: Session) -> Next:
    """撤销 of the org's last move on a rectification in this chat: withdrawn (a submission goes
    back to 整改中, and the admins are told), unless it moved since; in the rectifications' step,
    that one is asked again."""
    event = RectificationEvent.get_by_id(s.conv.undo_rectification_id)
    r = event.rectification
    s.undoable()
    if withdraw(event, s.person.userid, s.at, s.today) is None:
        return s.say(m.RECT_UNDO_STALE.format(code=r.code))
    s.say(m.RECT_UNDONE[event.move].format(code=r.code))
    if event.move == Move.SUBMIT:
        s.replies += views.told(r, Move.WITHDRAW, "", s.ctx.admin_userids)
    if s.conv.step == Step.RECTIFY and event.move != Move.EVIDENCE:
        s.conv.rectification = r
        return Step.RECTIFY
    return Quietly(s.conv.step)
