"""What the monthly cycle sends: the card of publish day, the reminders, the admins' notices."""
from __future__ import annotations

import datetime
from collections import defaultdict

from handlers import messages as m
from handlers.card_keys import Tap, card_key
from handlers.replies import Button, Card
from handlers.report_views import SECONDARY, clip, day_label, month_label

ORGS_SHOWN = 30             # names in one area's line; the rest are counted


def notice_card(period: str, counts: dict, deadline: datetime.date | None, task_id: str, url: str = "") -> Card:
    """The card every secretary and deputy gets on publish day; counts: actions, tasks, carried; `url`
    its page (the report's)."""
    return Card(
        title=m.NOTICE_TITLE.format(month=month_label(period)),
        description=m.NOTICE_DESCRIPTION.format(deadline=day_label(deadline), **counts),
        subtitle=m.NOTICE_SUBTITLE,
        buttons=(Button(m.NOTICE_START, card_key(Tap.START, period)),
                 Button(m.NOTICE_LIST, card_key(Tap.LIST, period), SECONDARY)),
        task_id=task_id, url=url,
    )


def nudge_card(step: str, period: str, left: int, deadline: datetime.date | None, close: datetime.date | None,
               task_id: str, url: str = "") -> Card:
    """提醒 / 催告 / 督办 to a secretary or deputy: how many items are left, and a button to go on."""
    return Card(
        title=m.NUDGE_TITLES[step].format(month=month_label(period)),
        description=m.NUDGE_DESCRIPTIONS[step].format(left=left, deadline=day_label(deadline),
                                                      close=day_label(close)),
        buttons=(Button(m.NUDGE_BUTTON, card_key(Tap.START, period)),),
        task_id=task_id, url=url,
    )


def org_names(reports: list) -> list[str]:
    """哲学学院（5 项）… for reports with `org` and `left` (at most ORGS_SHOWN, then how many in all)."""
    names = [m.ORG_LEFT.format(name=clip(r.org.name, 12), left=r.left) for r in reports[:ORGS_SHOWN]]
    return names + ([m.ORGS_MORE.format(count=len(reports))] if len(reports) > ORGS_SHOWN else [])


def by_area(reports: list) -> str:
    areas = defaultdict(list)
    for report in reports:
        areas[report.org.area or m.NO_AREA].append(report)
    return "\n".join(m.AREA_LINE.format(area=area, orgs="、".join(org_names(rows)))
                     for area, rows in sorted(areas.items()))


def urge_liaison(period: str, deadline, close, reports: list) -> str:
    return m.URGE_LIAISON.format(month=month_label(period), deadline=day_label(deadline), close=day_label(close),
                                 orgs="\n".join(f"· {name}" for name in org_names(reports)))


def supervise(period: str, deadline, close, reports: list, stale_feedback: dict[str, int] | None = None) -> str:
    """The orgs not submitted, by area, with the deadline they missed and the close to come; and,
    for the admins, departments' answers overdue."""
    text = m.SUPERVISE.format(month=month_label(period), count=len(reports), deadline=day_label(deadline),
                              close=day_label(close), areas=by_area(reports))
    if stale_feedback:
        text += "\n" + m.SUPERVISE_FEEDBACK.format(days=m.FEEDBACK_DUE_DAYS, departments=" · ".join(
            f"{name} {count} 条" for name, count in sorted(stale_feedback.items())))
    return text


def preview(period: str, day: datetime.date, orgs: int, per_type: dict, tasks: list[str], pending: list[str]) -> str:
    """per_type: org type → (orgs, fewest items, most items); pending: the tasks waiting for review."""
    types = "；".join(m.PREVIEW_TYPE.format(type=t, orgs=n, items=f"{low}-{high}" if low != high else low)
                     for t, (n, low, high) in sorted(per_type.items()))
    text = m.PREVIEW.format(month=month_label(period), day=day_label(day), orgs=orgs, types=types,
                            count=len(tasks), tasks="、".join(clip(t, 16) for t in tasks))
    text = text if tasks else text + "\n" + m.PREVIEW_NO_TASKS
    if pending:
        text += "\n" + m.PREVIEW_PENDING.format(count=len(pending), tasks="、".join(clip(t, 20) for t in pending))
    return text


def published(period: str, orgs: int, cards: int, deadline) -> str:
    return m.PUBLISHED_NOTICE.format(month=month_label(period), orgs=orgs, cards=cards, deadline=day_label(deadline))


def closed(period: str, figures: dict) -> str:
    return m.CLOSED_NOTICE.format(month=month_label(period), submitted=figures["submitted"], late=figures["late"],
                                  missing=figures["missing"])
