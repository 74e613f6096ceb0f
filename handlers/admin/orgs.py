"""Organisations and lists from the group: 清单, 组织, 反馈 (任务 is in handlers/admin/tasks.py)."""
from __future__ import annotations

from peewee import JOIN, fn

from handlers import messages as m, sms_choice
from handlers.admin import GROUP, Call
from handlers.checkin import MAX_TEXT
from handlers.errors import UserError
from handlers.feedback import acknowledge, reply
from handlers.registry import ADMINS, LIAISONS
from handlers.replies import Text
from handlers.report_views import clip, day_label, item_title, month_label, quoted
from models import Department, Entry, Evidence, Feedback, Org, Report, Task
from models.checkin import entries
from models.cycle import fillers
from models.directory import TaskStatus
from models.feedback import answerable, find_for
from models.items import items_for
from models.periods import previous, split
from models.report import ROUTED_KINDS, EntryStatus
from models.stats import org_state

FEEDBACK_SHOWN = 30
REPLY_WORDS = ("回复", "reply")
ANSWER_WORDS = (*REPLY_WORDS, "已知悉", "ack")
OPEN_DAYS = 10


def find_org(words: list[str]) -> Org:
    """An org by its code or (part of) its name."""
    if not words:
        raise UserError(m.NEED_ORG)
    wanted = " ".join(words)
    org = Org.get_or_none(Org.code == wanted.upper()) or Org.get_or_none(Org.name == wanted)
    if org is None:
        matches = list(Org.select().where(Org.name.contains(wanted)).limit(2))
        if len(matches) != 1:
            raise UserError(m.NO_SUCH_ORG.format(name=quoted(wanted, 20)))
        org = matches[0]
    return org


@GROUP.command("清单", aliases=("items",), who=ADMINS)
def items_command(call: Call):
    """清单 [组织编号] — 本月该组织的事项及原因（类型、标签、顺延）；不带编号：本月的月度任务
    例：清单 XY01"""
    period = call.ctx.clock.period()
    if not call.words:
        tasks = list(Task.select().where(Task.period == period, Task.status == TaskStatus.APPROVED).order_by(Task.code))
        lines = [m.ITEMS_TASKS.format(month=month_label(period), count=len(tasks))]
        lines += [f"{t.code} {t.title}" + (f"（{m.APPLIES_TO}{'、'.join(t.applies_to)}）" if t.applies_to else "")
                  for t in tasks]
        return call.answer("\n".join(lines))
    org = find_org(call.words)
    lines = [m.ITEMS_HEAD.format(org=org.name, code=org.code, month=month_label(period), type=org.type,
                                 tags="、".join(org.tags) or m.NO_TAGS)]
    answered = _this_month(org, period)
    for number, item in enumerate(items_for(org, period), 1):
        source = item.source
        why = [m.ITEM_WHY_CARRIED] if item.carried_over else []
        why += [m.ITEM_WHY_TASK.format(department=source.department.name if source.department_id else "")
                if item.kind == "task" else m.ITEM_WHY_ACTION.format(frequency=m.FREQUENCY_LABELS[source.frequency])]
        if source.applies_to:
            why.append(m.APPLIES_TO + "、".join(source.applies_to))
        if item.target is not None:
            done = item.tally + answered.get(source.id, 0)
            why.append(m.ITEM_WHY_TALLY.format(done=done, target=item.target, unit=source.unit))
        own = m.OWN_MARK if item.kind != "task" and source.org_id else ""
        lines.append(f"{number}. {own}{clip(source.title, 20)}（{'；'.join(why)}）")
    return call.answer("\n".join(lines))


def _this_month(org: Org, period: str) -> dict[int, int]:
    """action id → what this month's answer adds to its tally (its number, or 1 for 已完成 without
    one), counted as the window's earlier months and the year overview count it."""
    rows = (Entry.select(Entry.action, Entry.status, Entry.amount).join(Report)
            .where(Report.org == org, Report.period == period, Entry.action.is_null(False)).tuples())
    return {action: amount if amount is not None else int(status == EntryStatus.DONE)
            for action, status, amount in rows}


@GROUP.command("组织", aliases=("org",), who=ADMINS)
def org_command(call: Call):
    """组织 编号或名称 — 一个组织本月的回答、数量、备注、佐证、亮点困难建议，和它的全年概况
    例：组织 XY01"""
    org = find_org(call.words)
    period = call.ctx.clock.period()
    lines = [f"{org.name}（{org.code} · {org.type} · {org.area or m.NO_AREA}）"]
    people = fillers([org.id]).get(org.id, [])
    lines += [sms_choice.people_line(people)] if people else []
    report = Report.get_or_none(Report.org == org, Report.period == period)
    if report is None:
        lines.append(m.ORG_NO_REPORT.format(month=month_label(period)))
    else:
        lines += _month_lines(report)
    lines.append(m.ORG_YEAR + _year_line(org, split(period)[0]))
    return call.answer("\n".join(lines))


def _month_lines(report: Report) -> list[str]:
    """The report's answers, with their numbers, notes, reasons and photos; then its part three."""
    rows = entries(report)
    evidence = dict(Evidence.select(Evidence.entry, fn.COUNT(Evidence.id)).join(Entry)
                    .where(Entry.report == report).group_by(Evidence.entry).tuples())
    lines = [m.ORG_MONTH.format(month=month_label(report.period), state=m.ORG_STATES[
        org_state(report.status, sum(1 for entry in rows if entry.status))])]
    for entry in rows:
        unit = entry.action.unit if entry.action_id else ""
        extra = [f"{m.NOTE}{quoted(entry.note.replace(chr(10), ' '), 30)}" if entry.note else "",
                 f"{m.REASON_LABEL}{quoted(entry.reason, 30)}" if entry.reason else "",
                 m.EVIDENCE.format(count=evidence[entry.id]) if evidence.get(entry.id) else ""]
        lines.append(f"{m.MARKS[entry.status]} {entry.position}. {clip(item_title(entry), 16)} · "
                     f"{m.STATUS_LABELS.get(entry.status, m.UNANSWERED)}"
                     + (f" {entry.amount} {unit}".rstrip() if entry.amount is not None else "")
                     + "".join(f" · {part}" for part in extra if part))
    written = list(Feedback.select(Feedback, Department).join(Department, JOIN.LEFT_OUTER)
                   .where(Feedback.report == report).order_by(Feedback.id))
    lines.append(m.ORG_PART_THREE.format(count=len(written)) if written else m.ORG_NO_PART_THREE)
    lines += [_written_line(feedback) for feedback in written]
    return lines


def _written_line(feedback: Feedback) -> str:
    """【困难】活动经费不足 → 组织部 · 已回复：已协调"""
    line = m.ORG_WRITTEN.format(kind=m.FEEDBACK_KIND_LABELS[feedback.kind], text=quoted(feedback.text, 40))
    if feedback.kind not in ROUTED_KINDS:
        return line
    line += f" → {feedback.department.name if feedback.department_id else m.NO_DEPARTMENT}"
    if feedback.answer:
        return line + " · " + m.FEEDBACK_ANSWERED.removeprefix("↳ ").format(text=quoted(feedback.answer, 30))
    return line + " · " + (m.FEEDBACK_ACK_DONE if feedback.acknowledged_at else m.FEEDBACK_WAITING)


def _year_line(org: Org, year: int) -> str:
    """一 ✅ 二 ⏰ 三 ❌ …: each month's report at a glance."""
    reports = {r.period: r for r in Report.select().where(Report.org == org, Report.period.startswith(f"{year}-"))}
    marks = []
    for month in range(1, 13):
        report = reports.get(f"{year}-{month:02d}")
        mark = "·" if report is None else m.YEAR_MARKS["late" if report.late else report.status]
        marks.append(f"{month}{mark}")
    return " ".join(marks)


@GROUP.command("反馈", aliases=("feedback",), who=LIAISONS)
def feedback_command(call: Call):
    """反馈 [月份] [部门] [未回复] — 困难和意见建议及回复；“反馈 回复 编号 内容”回复一条
    例：反馈 组织部 未回复　或　反馈 回复 12 已协调解决　或　反馈 已知悉 12
    （联络人看本部门或本片区；未指定部门的由管理员回复）"""
    words = call.words
    if words and words[0] in ANSWER_WORDS:
        return _answer(call, words[0], call.args.split(maxsplit=2)[1:])
    open_only = any(w in ("未回复", "open") for w in words)
    words = [w for w in words if w not in ("未回复", "open")]
    month = call.period(words.pop(0)) if words and words[0][:1].isdigit() else None
    period = month or call.ctx.clock.period()
    recent = Report.period.in_([previous(period), period])
    # Without a month: every open one (as the 反馈 page lists them), and what was handled lately
    query = answerable(call.person, call.is_admin).where(recent if month else recent | Feedback.open_in_sql())
    if words:
        department = Department.get_or_none(Department.name == words[0])
        if department is None:
            raise UserError(m.NO_SUCH_DEPARTMENT.format(name=quoted(words[0], 20)))
        query = query.where(Feedback.department == department)
    rows = [f for f in query.order_by(Feedback.id) if f.is_open or not open_only]
    if not rows:
        return [Text(m.FEEDBACK_NONE)]
    today = call.ctx.clock.today()
    lines = [m.FEEDBACK_HEAD.format(count=len(rows), open=sum(1 for f in rows if f.is_open))]
    lines += [_feedback_line(f, call.ctx.clock, today) for f in rows[-FEEDBACK_SHOWN:]]
    return call.answer("\n".join(lines), "feedback")


def _answer(call: Call, verb: str, rest: list[str]) -> list:
    """回复 12 内容, 已知悉 12: what the department's card and the 反馈 page do, typed."""
    if not rest or not rest[0].lstrip("#").isdigit() or (verb in REPLY_WORDS and len(rest) < 2):
        raise UserError(m.FEEDBACK_NEED_ID)
    feedback = find_for(call.person, call.is_admin, int(rest[0].lstrip("#")))
    if feedback is None:
        raise UserError(m.FEEDBACK_NOT_FOUND.format(id=quoted(rest[0], 10)))
    if not feedback.is_open:
        return [Text(m.FEEDBACK_ALREADY.format(id=feedback.id))]
    at = call.ctx.clock.utcnow()
    if verb in REPLY_WORDS:
        if len(rest[1]) > MAX_TEXT:
            raise UserError(m.HINT_TOO_LONG.format(limit=MAX_TEXT))
        return [Text(m.FEEDBACK_REPLIED)] + reply(feedback, call.person, rest[1], at)
    return [Text(m.FEEDBACK_ACKNOWLEDGED_NOW)] + acknowledge(feedback, at)


def _feedback_line(feedback: Feedback, clock, today) -> str:
    made = clock.local(feedback.created_at).date()
    head = m.FEEDBACK_LINE.format(id=feedback.id, kind=m.FEEDBACK_KIND_LABELS[feedback.kind],
                                  org=feedback.report.org.name, to=feedback.department.name
                                  if feedback.department_id else m.NO_DEPARTMENT,
                                  day=day_label(made), text=quoted(feedback.text, 40))
    if feedback.answer:
        return head + "\n  " + m.FEEDBACK_ANSWERED.format(text=quoted(feedback.answer, 40))
    if feedback.acknowledged_at:
        return head + "\n  " + m.FEEDBACK_ACKNOWLEDGED
    days = (today - made).days
    return head + "\n  " + (m.FEEDBACK_OPEN_LONG if days > OPEN_DAYS else m.FEEDBACK_OPEN).format(days=days)
