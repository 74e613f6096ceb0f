"""How a report looks on a phone: the item card, progress, the summary, the calendar, the notice card."""
from __future__ import annotations

import datetime

from handlers import messages as m
from handlers.card_keys import Tap, card_key
from handlers.replies import Button, Card
from models.checkin import counted
from models.periods import split
from models.report import ANSWERS, EntryStatus
from models.stats import OrgState, org_state

PRIMARY, SECONDARY = 1, 2
BREAKS = ("、", "，", " ")         # where a too long line may be split
CHAT_BYTES = 2000               # one message in a 1:1 chat (WeCom cuts text at 2,048 bytes)
SUMMARY_LINES = 8
# What WeCom reads as markup in a markdown message (links, bold, code, headings, quotes, <font>) or in
# a text message (<a href>): in what a person wrote, their full-width look-alikes, shown as typed.
MARKUP = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "(": "（", ")": "）", "*": "＊", "`": "｀",
                        "#": "＃", "&": "＆", "_": "＿", "~": "～", "|": "｜"})


def month_label(period: str) -> str:
    year, month = split(period)
    return m.MONTH.format(year=year, month=month)


def day_label(day: datetime.date | None) -> str:
    return m.DAY.format(month=day.month, day=day.day) if day else m.MONTH_END


def plain(text: str) -> str:
    """Someone's own words (a note, a reason, a feedback, an answer, what was typed) to quote in any
    message: never a link, a colour or bold, whatever it holds."""
    return text.translate(MARKUP)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str, limit: int) -> str:
    """Someone's own words quoted back, cut to `limit` characters and shown as text (`plain`)."""
    return plain(clip(text, limit))


def split_text(text: str, limit: int) -> list[str]:
    """Whole lines, each piece under `limit` bytes of UTF-8; a longer line is split after a 、，or
    space where it can (a list of names is not cut through a name)."""
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line.encode("utf-8")) > limit:
            head = line.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
            cut = max(head.rfind(mark) for mark in BREAKS) + 1 or len(head)
            pieces, current = pieces + [p for p in (current, line[:cut]) if p], ""
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode("utf-8")) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    return pieces + ([current] if current else [])


def positions_text(positions: list[int]) -> str:
    """1、2、3、5、7、8 → "1-3、5、7-8": short enough for a phone whatever the count."""
    runs: list[list[int]] = []
    for position in positions:
        if runs and position == runs[-1][-1] + 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return "、".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def item_title(entry) -> str:
    return entry.action.title if entry.action_id else entry.task.title


def item_kind(entry) -> str:
    if entry.action_id:
        category = m.SHORT_CATEGORY.get(entry.action.category, entry.action.category)
        return m.OWN_KIND.format(category=category) if entry.action.own else category
    department = entry.task.department
    return m.TASK_KIND_OF.format(department=department.name) if department else m.TASK_KIND


def tally_line(entry) -> str | None:
    """本年已完成 1/2 次 — for actions with a quantified target."""
    action = entry.action if entry.action_id else None
    if action is None or action.target is None:
        return None
    total = (entry.prior_amount or 0) + (entry.amount or 0)
    window = m.WINDOW_LABELS.get(action.frequency, m.TALLY_WINDOW)
    return m.TALLY.format(window=window, total=total, target=action.target, unit=action.unit).strip()


def item_line(entry, deadline: datetime.date | None) -> str:
    """中心组集体学习 · 每月不少于1次 · 截止 11月25日"""
    parts = [item_title(entry)]
    requirement = entry.action.requirement if entry.action_id else entry.task.details
    if requirement:
        parts.append(clip(requirement, 24))
    due = entry.task.due_date if entry.task_id and entry.task.due_date else deadline
    parts.append(m.ITEM_DUE.format(day=day_label(due)))
    return (m.CARRIED_OVER if entry.carried_over else "") + " · ".join(parts)


def item_card(entry, count: int, deadline, task_id: str, url: str = "") -> Card:
    lines = []
    if entry.status:
        lines.append((m.ITEM_NOW, m.STATUS_LABELS[entry.status]))
    tally = tally_line(entry)
    if tally:
        lines.append((m.ITEM_TALLY, tally))
    return Card(
        title=m.ITEM_TITLE.format(position=entry.position, count=count, kind=item_kind(entry)),
        description=clip(item_line(entry, deadline), 60),
        subtitle=m.ITEM_SUBTITLE_COUNTED.format(unit=entry.action.unit or m.DEFAULT_UNIT) if counted(entry)
        else m.ITEM_SUBTITLE,
        lines=tuple(lines),
        buttons=tuple(Button(c.label, card_key(Tap.ANSWER, entry.id, c.status),
                             PRIMARY if c.status in (EntryStatus.DONE, EntryStatus.IN_PROGRESS) else SECONDARY)
                      for c in m.CHOICES),
        task_id=task_id, url=url,
    )


def progress_text(entries) -> str:
    """已答 3/5 项（已完成 2，推进中 1）, then which are left: only the four answers count as answered."""
    answered = [e for e in entries if e.status in ANSWERS]
    counts = {status: sum(1 for e in answered if e.status == status) for status in ANSWERS}
    parts = [f"{m.STATUS_LABELS[status]} {n}" for status, n in counts.items() if n]
    text = m.PROGRESS.format(answered=len(answered), count=len(entries)) + (f"（{'，'.join(parts)}）" if parts else "")
    for status, template in ((None, m.PROGRESS_LEFT), (EntryStatus.NOT_DONE, m.PROGRESS_NOT_DONE)):
        left = [e.position for e in entries if e.status == status]
        if left:
            text += "\n" + template.format(count=len(left), positions=positions_text(left))
    return text


def summary_text(report, entries, feedback_count: int) -> str:
    carried = sum(1 for e in entries if e.carried_over)
    lines = [m.SUMMARY_TITLE.format(month=month_label(report.period)), progress_text(entries)]
    open_items = [e for e in entries if e.status in (EntryStatus.IN_PROGRESS, EntryStatus.DEFERRED, None)]
    for entry in open_items[:SUMMARY_LINES]:
        lines.append(f"{m.MARKS[entry.status]} {entry.position}. {clip(item_title(entry), 16)}")
    if len(open_items) > SUMMARY_LINES:
        lines.append(m.SUMMARY_MORE.format(count=len(open_items) - SUMMARY_LINES))
    if carried:
        lines.append(m.SUMMARY_CARRIED.format(count=carried))
    lines.append(m.SUMMARY_FEEDBACK.format(count=feedback_count))
    return "\n".join(lines)


def report_state(report, entries, closed: bool) -> str:
    """已提交, 填报中 or 未开始 (nothing answered yet), as 进度 and 工作台 name it; 已截止，未提交 once closed."""
    state = org_state(report.status, sum(1 for entry in entries if entry.status))
    if state != OrgState.SUBMITTED and (closed or state == OrgState.MISSING):
        return m.STATE_MISSED
    return m.ORG_STATES[state]


def calendar_text(report, entries, closed: bool) -> str:
    lines = [m.CALENDAR_TITLE.format(month=month_label(report.period), state=report_state(report, entries, closed))]
    for entry in entries:
        label = m.STATUS_LABELS.get(entry.status, m.UNANSWERED)
        carried = m.CARRIED_OVER if entry.carried_over else ""
        lines.append(f"{m.MARKS[entry.status]} {entry.position}. {carried}{clip(item_title(entry), 14)} · {label}")
    return "\n".join(lines)
