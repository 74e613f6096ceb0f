"""The chat commands of the check-in, and what each does: the registry (CHAT) says what a person may
type and gives each command's help (its function's docstring); the table of steps
(handlers/checkin_steps.py) says which function a command runs in which step, for a command that
does one thing in one step and another in the next (跳过, 取消, 继续, 上一项, 提交) has one function
for each. Each returns where the person goes next (handlers/checkin_moves.py)."""
from __future__ import annotations

from handlers import (
    checkin_rectifications,
    comments,
    messages as m,
    own_items,
    phrases,
    ranking_views,
    rectifications,
    report_views as views,
    score_views,
    sms_choice,
)
from handlers.checkin_moves import (
    Hint,
    Next,
    Quietly,
    Step,
    answered,
    cancel_edit,
    edit,
    edit_origin,
    leave_follow_up,
    next_feedback_kind,
    next_item,
)
from handlers.registry import Registry
from handlers.replies import CardUpdate, Outgoing, Text
from handlers.session import Session
from models import EntryChange, Feedback
from models.checkin import notice_cards, sent_under, submit as submit_report, undo_change, withdraw_feedback

CHAT = Registry(m.CHAT_HELP_HEADER, free_args=False)


@CHAT.command("继续", aliases=("填报", "月报", "开始", "开始填报"))
def resume(s: Session, args: str) -> Next:
    """继续 · 接着填"""
    s.conv.paused = False
    return Step(s.conv.step)


def resume_item(s: Session, args: str) -> Next:
    """继续 at an item: the next one if this one was answered meanwhile (e.g. on another device)."""
    s.conv.paused = False
    if s.current.status is not None and s.conv.return_to is None:
        return next_item(s, after=s.conv.position - 1)
    return Step.ITEM


def resume_confirm(s: Session, args: str) -> Next:
    """继续 instead of confirming: the items left, the skipped ones too, from the first."""
    s.conv.paused, s.conv.skipped = False, []
    return next_item(s, after=0)


@CHAT.command("进度")
def progress(s: Session, args: str) -> Next:
    """进度 · 还剩哪些"""
    return s.say(views.progress_text(s.entries))


@CHAT.command("上一项")
def previous_item(s: Session, args: str) -> Next:
    """上一项 · 回到上一项"""
    return edit(s, str(max(1, s.conv.position - 1)))


def last_item(s: Session, args: str) -> Next:
    """上一项 after the items: the last one."""
    return edit(s, str(max(1, s.count)))


@CHAT.command("跳过")
def skip_item(s: Session, args: str) -> Next:
    """跳过 · 先跳过本项"""
    if s.conv.return_to:
        return cancel_edit(s)
    entry = s.current
    if entry.status is None:
        s.conv.skipped = sorted({*s.conv.skipped, entry.position})
        s.say(m.ITEM_SKIPPED.format(position=entry.position))
    else:
        s.say(m.KEPT.format(position=entry.position, label=m.STATUS_LABELS[entry.status]))
    return next_item(s, after=entry.position)


def skip_follow_up(s: Session, args: str) -> Next:
    """跳过 a reason or a number: the status chosen stays, without it."""
    return answered(s, leave_follow_up(s), announce=False)


def skip_feedback_kind(s: Session, args: str) -> Next:
    return next_feedback_kind(s)


def skip_department(s: Session, args: str) -> Next:
    """跳过 the department: the feedback stays, sent to none."""
    s.conv.feedback = None
    s.say(m.FEEDBACK_MORE)
    return Quietly(Step.FEEDBACK)


@CHAT.command("改", args=phrases.NUMERAL)
def change(s: Session, args: str) -> Next:
    """改 N · 修改第 N 项"""
    if args:
        return edit(s, args)
    leave_follow_up(s)
    s.conv.return_to = edit_origin(s)
    return Step.PICK


@CHAT.command("暂停")
def pause(s: Session, args: str) -> Next:
    """暂停 · 稍后再填"""
    s.conv.paused = True
    return s.say(m.PAUSED)


@CHAT.command("提交")
def submit(s: Session, args: str) -> Next:
    """提交 · 提交月报"""
    leave_follow_up(s)
    s.conv.return_to = None
    if s.submitted:
        return Step.SUBMITTED
    return Step.CONFIRM if s.unanswered() else Step.SUMMARY


def submit_from_summary(s: Session, args: str) -> Next:
    """提交 under the summary: submitted, once every item is answered."""
    if s.submitted or s.unanswered():
        return submit(s, args)
    return finish(s)


def submit_confirmed(s: Session, args: str) -> Next:
    """提交 once more, with items left: they become 未完成."""
    if s.submitted:
        return submit(s, args)
    return finish(s)


@CHAT.command("取消")
def cancel_an_edit(s: Session, args: str) -> Next:
    """取消 · 取消当前操作"""
    if s.conv.return_to:
        return cancel_edit(s)
    return Hint(m.NOT_HERE.format(name="取消"))


def cancel_follow_up(s: Session, args: str) -> Next:
    """取消 a status whose reason or number is asked: back to its item, unanswered."""
    s.conv.pending_status = None
    return Hint(m.CANCELLED, to=Step.ITEM)


def cancel_department(s: Session, args: str) -> Next:
    s.conv.feedback = None
    return Hint(m.CANCELLED, to=Step.FEEDBACK)


def cancel_confirm(s: Session, args: str) -> Next:
    s.say(m.CANCELLED + m.SUMMARY_ACTIONS)
    return Quietly(Step.SUMMARY)


def cancel_pick(s: Session, args: str) -> Next:
    back, s.conv.return_to = s.conv.return_to, None
    return Hint(m.CANCELLED, to=Step(back) if back else Step.ITEM)


@CHAT.command("撤销", aliases=("撤回", "撤消"))
def undo(s: Session, args: str) -> Next:
    """撤销 · 撤回上一次修改"""
    if s.conv.undo_rectification_id:
        return checkin_rectifications.undo(s)
    if s.conv.undo_feedback_id:
        return undo_feedback(s)
    if s.conv.undo_change_id:
        return undo_answer(s)
    return s.say(m.NOTHING_TO_UNDO)


def undo_answer(s: Session) -> Next:
    """The last answer or note given in this chat, as it was before; an item left unanswered by it
    is asked again when the person is answering items."""
    change = EntryChange.get_by_id(s.conv.undo_change_id)
    entry = s.entry_by_id(change.entry_id)
    s.undoable()
    if not undo_change(entry, change.id, s.person, s.at):
        return s.say(m.UNDO_STALE.format(position=entry.position))
    note = m.UNDONE_NOTE.format(text=views.quoted(entry.note, 20)) if entry.note else ""
    s.say(m.UNDONE_ENTRY.format(position=entry.position, note=note,
                                label=m.STATUS_LABELS.get(entry.status, m.UNANSWERED)))
    if entry.status is None and s.conv.step == Step.ITEM and not s.conv.return_to:
        s.conv.position = entry.position
        return Step.ITEM
    return Quietly(s.conv.step)


def undo_feedback(s: Session) -> Next:
    """The last highlight, difficulty or suggestion, taken back unless its department answered it."""
    feedback = Feedback.get_by_id(s.conv.undo_feedback_id)
    kind = m.FEEDBACK_KIND_LABELS[feedback.kind]
    s.undoable()
    if withdraw_feedback(feedback.id) is None:
        return s.say(m.UNDO_ANSWERED.format(kind=kind))
    s.say(m.UNDONE_FEEDBACK.format(kind=kind, text=views.quoted(feedback.text, 40)))
    s.replies += withdrawn_cards(feedback, s.person)
    if s.conv.feedback_id == feedback.id:
        s.conv.feedback = None
        return Quietly(Step.FEEDBACK)
    return Quietly(s.conv.step)


def withdrawn_cards(feedback, person) -> list[Outgoing]:
    """A department's liaisons who got the feedback's card: the card greyed out as 已撤回, and a line
    saying who took it back."""
    told = []
    line = m.FEEDBACK_WITHDRAWN.format(org=person.org.name, name=person.name,
                                       kind=m.FEEDBACK_KIND_LABELS[feedback.kind],
                                       text=views.quoted(feedback.text, 40))
    for row in sent_under(f"feedback:{feedback.id}:"):
        told.append(Outgoing(to=row.recipient, reply=Text(line), key=f"withdrawn:{row.key}"))
        if row.response_code:
            told.append(Outgoing(to=row.recipient, reply=CardUpdate(row.response_code, m.CARD_WITHDRAWN,
                                                                    (row.recipient,)), key=f"withdrawn-card:{row.key}"))
    return told


@CHAT.command("我的月历", aliases=("月历", "查看清单"))
def calendar(s: Session, args: str) -> Next:
    """我的月历 · 本月清单"""
    return s.say(views.calendar_text(s.report, s.entries, s.closed))


@CHAT.command(own_items.NAME, args=own_items.ARGS)
def own(s: Session, args: str) -> Next:
    """自选 · 本组织的个性指标"""
    s.replies += own_items.chat(s.person, args, s.ctx)      # the org's, not the report's: the person stays


@CHAT.command(rectifications.NAME, args=rectifications.ARGS)
def rectify(s: Session, args: str) -> Next:
    """整改 · 本组织的整改事项，报告进展、完成情况"""
    replies, event = rectifications.answer(s.person, args, s.ctx, undoable=True)   # the person stays
    s.replies += replies
    if event is not None:
        s.undoable(rectification=event)


@CHAT.command(comments.NAME, args=comments.ARGS)
def comment(s: Session, args: str) -> Next:
    """点评 · 党委办公室对本组织月报的点评"""
    s.replies += comments.chat(s.person, args, s.ctx)       # the org's, not the report's: the person stays


@CHAT.command(score_views.NAME, args=score_views.ARGS)
def score(s: Session, args: str) -> Next:
    """得分 [月份 或 年份] · 本组织的得分及扣分说明"""
    s.replies += score_views.own(s.person, args, s.ctx)       # the org's, not the report's: the person stays


@CHAT.command(ranking_views.NAME, args=ranking_views.ARGS)
def rank(s: Session, args: str) -> Next:
    """排名 [月份 或 季度 或 年份] · 各组织得分排名（党委办公室公开后）"""
    s.replies += ranking_views.own(s.person, args, s.ctx)      # the org's, not the report's: the person stays


@CHAT.command(m.SMS_OFF_NAME)
def sms_off(s: Session, args: str) -> Next:
    """不要短信 · 不再收月报短信（发“接收短信”恢复）"""
    s.replies += sms_choice.opt_out(s.person, args, s.ctx)      # the person's, not the report's: they stay


@CHAT.command(m.SMS_ON_NAME)
def sms_on(s: Session, args: str) -> Next:
    """接收短信 · 恢复接收月报短信"""
    s.replies += sms_choice.opt_in(s.person, args, s.ctx)


@CHAT.command("帮助", aliases=("help", "?", "？"))
def help_(s: Session, args: str) -> Next:
    """帮助 · 本说明"""
    return s.say(CHAT.help_text())


def finish(s: Session) -> Next:
    submit_report(s.report, s.period, s.entries, s.person, s.at, s.today)
    s.undoable()                # a submission is not undone: 改 N changes an item
    s.say(m.JUST_SUBMITTED.format(month=views.month_label(s.report.period), late=m.LATE if s.report.late else "",
                                  until=views.day_label(s.period.close_on)))
    s.replies += submitted_cards(s.report)
    return Quietly(Step.SUBMITTED)


def submitted_cards(report) -> list[Outgoing]:
    """The month's cards to the org's people, their buttons greyed out once the report is submitted."""
    return [Outgoing(to=row.recipient, reply=CardUpdate(row.response_code, m.CARD_SUBMITTED, (row.recipient,)),
                     key=f"submitted:{row.key}") for row in notice_cards(report) if row.response_code]
