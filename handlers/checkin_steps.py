"""The check-in as one table (STEPS): a row a step, saying all it does. Its question; what the person
may send there besides commands; what each chat command does there (a command missing from the row
does not apply: the person is told so and asked again); what it does with a typed text; where an
edit begun there comes back to; and how a person gets there (the tests walk it).

    item ─3─→ reason ─→ item …        item ─1/2 of a counted action─→ amount ─→ item …
    item, none left ─→ feedback ⇄ department ─→ rectify (each open rectification) ─→ summary ─提交─→ submitted
    提交 with items left ─→ confirm ─提交─→ submitted
    改 N (or a card's button) from any step ─→ item ─→ back to that step (return_to)
    改 alone ─→ pick ─N─→ item
A status chosen before its reason or number is asked is kept when the person moves elsewhere;
取消 is the one way to drop it. Each function returns where the person goes next; `go` moves them
(handlers/checkin_moves.py says how), and nothing else sets the step.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Callable

from handlers import checkin_commands as c, checkin_questions as q, checkin_rectifications as r, messages as m
from handlers.checkin_moves import Hint, Next, Quietly, Step
from handlers.session import Session


class Input(StrEnum):
    """What a step takes besides the commands."""

    ANSWER = "an answer 1-4"
    TEXT = "text"
    NUMBER = "a number"
    CARD = "a card's button"
    PHOTO = "a photo"


Handler = Callable[[Session, str], Next]     # (the session, what was typed or a command's words)
# these work in a closed month too (自选, 整改, 点评, 得分 and 排名 read and write the org's own items,
# rectifications, the office's comments, the score and the ranking, not the report; 不要短信 and 接收短信
# the person)
READING = {"帮助": c.help_, "进度": c.progress, "我的月历": c.calendar, "自选": c.own, "整改": c.rectify,
           "点评": c.comment, "得分": c.score, "排名": c.rank, m.SMS_OFF_NAME: c.sms_off, m.SMS_ON_NAME: c.sms_on}


@dataclass(frozen=True)
class Row:
    ask: Callable[[Session], str]           # the question as text (also after a hint)
    on_text: Handler                        # what the person typed → where they go next
    accepts: frozenset[Input]
    commands: dict[str, Handler]            # the chat commands that apply here → what each does
    way_in: tuple                           # how a person gets here (the tests walk it): the step to start
                                            # from (None: a fresh month), then what they send there, the
                                            # last text again until they are here (one answer per item)
    card: bool = False                      # first asked with the item's card
    after_edit: Step | None = None          # where an edit begun here comes back to (None: the next item)
    follow_up: str = ""                     # what is asked of a status chosen (leaving keeps the status)


STEPS = {
    Step.ITEM: Row(
        ask=q.item_question, on_text=q.on_item, card=True,
        accepts=frozenset({Input.ANSWER, Input.TEXT, Input.CARD, Input.PHOTO}),
        commands={**READING, "继续": c.resume_item, "上一项": c.previous_item, "跳过": c.skip_item,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit, "取消": c.cancel_an_edit},
        way_in=(None, "开始")),
    Step.REASON: Row(
        ask=q.reason_question, on_text=q.on_reason, follow_up=m.FOLLOW_UP_REASON,
        accepts=frozenset({Input.TEXT, Input.CARD}),
        commands={**READING, "继续": c.resume, "上一项": c.previous_item, "跳过": c.skip_follow_up,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit, "取消": c.cancel_follow_up},
        way_in=(Step.ITEM, "3")),
    Step.AMOUNT: Row(
        ask=q.amount_question, on_text=q.on_amount, follow_up=m.FOLLOW_UP_AMOUNT,
        accepts=frozenset({Input.NUMBER, Input.CARD}),
        commands={**READING, "继续": c.resume, "上一项": c.previous_item, "跳过": c.skip_follow_up,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit, "取消": c.cancel_follow_up},
        way_in=(Step.ITEM, "1")),
    Step.FEEDBACK: Row(
        ask=q.feedback_question, on_text=q.on_feedback, after_edit=Step.FEEDBACK,
        accepts=frozenset({Input.TEXT, Input.CARD, Input.PHOTO}),
        commands={**READING, "继续": c.resume, "上一项": c.last_item, "跳过": c.skip_feedback_kind,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit, "取消": c.cancel_an_edit},
        way_in=(Step.ITEM, "1 1")),
    Step.DEPARTMENT: Row(
        ask=q.department_question, on_text=q.on_department, after_edit=Step.FEEDBACK,
        accepts=frozenset({Input.NUMBER, Input.CARD}),
        commands={**READING, "继续": c.resume, "上一项": c.last_item, "跳过": c.skip_department,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit, "取消": c.cancel_department},
        way_in=(Step.FEEDBACK, "无", "经费紧张")),
    Step.RECTIFY: Row(
        ask=r.question, on_text=r.on_text, after_edit=Step.RECTIFY,
        accepts=frozenset({Input.TEXT, Input.CARD, Input.PHOTO}),
        commands={**READING, "继续": c.resume, "上一项": c.last_item, "跳过": r.skip,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit},
        way_in=(Step.FEEDBACK, "无")),
    Step.SUMMARY: Row(
        ask=q.summary_question, on_text=q.on_summary, after_edit=Step.SUMMARY,
        accepts=frozenset({Input.CARD, Input.PHOTO}),
        commands={**READING, "继续": c.resume, "上一项": c.last_item,
                  "改": c.change, "撤销": c.undo, "暂停": c.pause, "提交": c.submit_from_summary},
        way_in=(Step.FEEDBACK, "无")),
    Step.CONFIRM: Row(
        ask=q.confirm_question, on_text=q.on_confirm, after_edit=Step.CONFIRM,
        accepts=frozenset({Input.CARD, Input.PHOTO}),
        commands={**READING, "继续": c.resume_confirm, "上一项": c.last_item,
                  "改": c.change, "撤销": c.undo, "提交": c.submit_confirmed, "取消": c.cancel_confirm},
        way_in=(Step.ITEM, "提交")),
    Step.SUBMITTED: Row(
        ask=q.submitted_question, on_text=q.on_submitted,
        accepts=frozenset({Input.CARD, Input.PHOTO}),
        commands={**READING, "继续": c.resume, "改": c.change, "撤销": c.undo, "提交": c.submit},
        way_in=(Step.SUMMARY, "提交")),
    Step.PICK: Row(
        ask=q.pick_question, on_text=q.on_pick,
        accepts=frozenset({Input.NUMBER, Input.CARD}),
        commands={**READING, "改": c.change, "撤销": c.undo, "提交": c.submit, "取消": c.cancel_pick},
        way_in=(Step.ITEM, "改")),
}


def go(s: Session, next_: Next) -> None:
    """Where a handler said the person goes next: move them there (the one place the step is set)
    and ask that step's question."""
    if next_ is None:
        return
    if isinstance(next_, Quietly):
        s.conv.step = next_.to
    elif isinstance(next_, Hint):
        s.conv.step = next_.to or s.conv.step
        s.say(next_.lead + STEPS[s.conv.step].ask(s))
    elif STEPS[next_].card:
        s.conv.step = next_
        s.send_item_card()
    else:
        s.conv.step = next_
        s.say(STEPS[next_].ask(s))
