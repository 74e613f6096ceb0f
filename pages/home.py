"""/h5/, the home page: the person's month at a glance, and what they can do in chat today."""
from __future__ import annotations

from collections import Counter

from flask import render_template

from handlers import admin, checkin, messages as m
from handlers.registry import DEPARTMENTS
from handlers.report_views import day_label, month_label, progress_text, report_state
from handlers.router import Context
from models import stats
from models.checkin import deadline, entries, report_of
from models.directory import ROLE_LIAISON, Person
from models.report import ReportStatus
from pages import texts
from pages.auth import bp, chat_context, current_person, fills_in, page


@bp.get("/")
@page()
def home():
    person, ctx = current_person(), chat_context()
    period = ctx.clock.period()
    fills = fills_in(person)
    return render_template(
        "home.html", person=person, month=month_label(period),
        report=_report(person, period) if fills else None,
        progress=_progress(period) if ctx.is_admin(person) else None,
        chat=[command.help for command in checkin.CHAT.commands] if fills else [],
        commands=_commands(person, ctx), nothing=texts.NOTHING_TO_DO,
        tasks=admin.allowed(DEPARTMENTS, person, ctx))


def _report(person: Person, period: str) -> dict:
    """The org's report this month as the chat's 进度 tells it: its state, what is answered, the deadline."""
    report = report_of(person.org_id, period, period)
    if report is None:
        return {"org": person.org.name, "lines": [m.STATUS_NONE.format(month=month_label(period))]}
    items = entries(report)
    lines = [report_state(report, items, closed=report.status == ReportStatus.MISSING), progress_text(items)]
    if report.status == ReportStatus.OPEN:
        lines.append(texts.DEADLINE.format(day=day_label(deadline(report, report.period_row))))
    return {"org": person.org.name, "lines": lines}


def _progress(period: str) -> str:
    return progress_line(stats.progress(period)) or m.STATUS_NONE.format(month=month_label(period))


def progress_line(rows: list[stats.OrgProgress]) -> str:
    """The month's progress over these orgs in one line (home page and 工作台); "" without any."""
    if not rows:
        return ""
    states = Counter(row.state for row in rows)
    line = texts.PROGRESS.format(submitted=states[stats.OrgState.SUBMITTED], orgs=len(rows),
                                 in_progress=states[stats.OrgState.IN_PROGRESS],
                                 not_started=states[stats.OrgState.NOT_STARTED])
    missing = states[stats.OrgState.MISSING]
    return line + (texts.PROGRESS_MISSING.format(missing=missing) if missing else "")


def _commands(person: Person, ctx: Context) -> list[str]:
    """The admin commands this person may run (admins, liaisons), as the group's 帮助 lists them."""
    if not (ctx.is_admin(person) or person.has_role(ROLE_LIAISON)):
        return []
    return [command.help for command in admin.GROUP.commands if admin.allowed(command.who, person, ctx)]
