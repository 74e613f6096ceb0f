"""How a report looks on a phone: the item card, the summary, the calendar. Short lines, Chinese."""
from __future__ import annotations

import datetime

from handlers.replies import Button, Card
from models.periods import split
from models.report import DEFERRED, DONE, IN_PROGRESS, NOT_APPLICABLE, NOT_DONE, STATUS_LABELS

CHOICES = ((DONE, "已完成"), (IN_PROGRESS, "推进中"), (NOT_APPLICABLE, "不涉及"), (DEFERRED, "顺延下月"))
CHOICE_LINE = "回复 1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月"
SHORT_CATEGORY = {
    "落实主体责任": "主体责任", "加强理论学习": "理论学习", "思想政治建设": "思想政治",
    "基层组织建设": "组织建设", "党员发展与教育": "党员教育", "党建带群团建设": "群团建设",
    "保障体系建设": "保障体系", "安全工作": "安全工作", "离退休工作": "离退休工作",
}
WINDOW_LABEL = {"monthly": "本月", "quarterly": "本季度", "half_yearly": "本半年", "yearly": "本年"}
MARKS = {DONE: "✅", IN_PROGRESS: "🔄", NOT_APPLICABLE: "➖", DEFERRED: "⏭", NOT_DONE: "❌", None: "⬜"}


def month_label(period: str) -> str:
    year, month = split(period)
    return f"{year}年{month}月"


def day_label(day: datetime.date | None) -> str:
    return f"{day.month}月{day.day}日" if day else "月底"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def item_title(entry) -> str:
    if entry.action_id:
        return entry.action.title
    return entry.task.title


def item_kind(entry) -> str:
    if entry.action_id:
        return SHORT_CATEGORY.get(entry.action.category, entry.action.category)
    department = entry.task.department
    return f"月度任务 · {department.name}" if department else "月度任务"


def tally_line(entry, amount: int | None = None) -> str | None:
    """本年已完成 1/2 次 — for actions with a quantified target."""
    action = entry.action if entry.action_id else None
    if action is None or action.target is None:
        return None
    total = (entry.prior_amount or 0) + ((entry.amount or 0) if amount is None else amount)
    return f"{WINDOW_LABEL.get(action.frequency, '本期')}已完成 {total}/{action.target} {action.unit}".strip()


def item_line(entry, deadline: datetime.date | None) -> str:
    """中心组集体学习 · 每月不少于1次 · 截止 11月25日"""
    parts = [item_title(entry)]
    requirement = entry.action.requirement if entry.action_id else entry.task.details
    if requirement:
        parts.append(clip(requirement, 24))
    due = entry.task.due_date if entry.task_id and entry.task.due_date else deadline
    parts.append(f"截止 {day_label(due)}")
    prefix = "【顺延】" if entry.carried_over else ""
    return prefix + " · ".join(parts)


def item_card(entry, count: int, deadline, task_id: str) -> Card:
    lines = []
    if entry.status:
        lines.append(("当前", STATUS_LABELS[entry.status]))
    tally = tally_line(entry)
    if tally:
        lines.append(("进度", tally))
    return Card(
        title=f"第 {entry.position}/{count} 项 · {item_kind(entry)}",
        description=clip(item_line(entry, deadline), 60),
        subtitle=CHOICE_LINE,
        lines=tuple(lines),
        buttons=tuple(Button(label, f"ans:{entry.id}:{status}", 1 if status in (DONE, IN_PROGRESS) else 2)
                      for status, label in CHOICES),
        task_id=task_id,
    )


def counts(entries) -> dict:
    result = {status: 0 for status in (*STATUS_LABELS, None)}
    for entry in entries:
        result[entry.status] += 1
    return result


def progress_text(entries) -> str:
    tally = counts(entries)
    answered = len(entries) - tally[None]
    parts = [f"{STATUS_LABELS[s]} {n}" for s, n in tally.items() if s and n]
    text = f"已答 {answered}/{len(entries)} 项" + (f"（{'，'.join(parts)}）" if parts else "")
    left = [str(e.position) for e in entries if e.status is None]
    if left:
        text += f"\n未答：第 {'、'.join(left[:20])}{' 等' if len(left) > 20 else ''} 项"
    return text


def summary_text(report, entries, feedback_count: int) -> str:
    carried = sum(1 for e in entries if e.carried_over)
    lines = [f"{month_label(report.period)}月报小结", progress_text(entries)]
    open_items = [e for e in entries if e.status in (IN_PROGRESS, DEFERRED, None)]
    for entry in open_items[:8]:
        lines.append(f"{MARKS[entry.status]} {entry.position}. {clip(item_title(entry), 16)}")
    if len(open_items) > 8:
        lines.append(f"… 另有 {len(open_items) - 8} 项未完成")
    if carried:
        lines.append(f"上月顺延 {carried} 项")
    lines.append(f"亮点/困难/建议 {feedback_count} 条")
    return "\n".join(lines)


def calendar_text(report, entries) -> str:
    lines = [f"{month_label(report.period)}我的月历（{'已提交' if report.status == 'submitted' else '填报中'}）"]
    for entry in entries:
        label = STATUS_LABELS.get(entry.status, "未答")
        carried = "【顺延】" if entry.carried_over else ""
        lines.append(f"{MARKS[entry.status]} {entry.position}. {carried}{clip(item_title(entry), 14)} · {label}")
    return "\n".join(lines)


def notice_card(period: str, count: int, deadline: datetime.date | None, task_id: str) -> Card:
    """The card every secretary and deputy gets on publish day."""
    return Card(
        title=f"{month_label(period)}党建月报已发布",
        description=f"{count} 项 · 截止 {day_label(deadline)}",
        subtitle="点“开始填报”逐项回答，随时可暂停，换设备也能接着填。",
        buttons=(Button("开始填报", f"start:{period}"), Button("查看清单", f"list:{period}", 2)),
        task_id=task_id,
    )
