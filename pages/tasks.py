"""月度任务 (/h5/tasks): the tasks of the month being gathered — a department liaison's own
department's, an admin's all — with the forms to add, edit and withdraw them (and, for admins, to
approve or return what a department raised); and below, this month's tasks, each opening which
organisations did what for it (/h5/tasks/<month>/<code>). Every form runs the chat's 任务 or 导出
(handlers.admin.run, audited with place "h5"), so the rules, the answers and the liaison's notice
are the chat's own.
"""
from __future__ import annotations

import logging
import re

from flask import abort, make_response, render_template, request, url_for

from handlers import messages as m
from handlers.admin.task_progress import progress_text
from handlers.admin.tasks import task_line
from handlers.registry import ADMINS, DEPARTMENTS
from handlers.report_views import month_label
from models import Department, Task
from models.directory import TaskStatus
from models.items import natural_key
from models.periods import check
from models.tasks import answers, gathering, open_to_departments
from pages import texts
from pages.auth import bp, chat_context, current_person, message, page
from pages.desk import run_command

log = logging.getLogger(__name__)
SEPARATORS = re.compile(r"[|｜\s]+")       # a form's field is one field of the command: no separators


@bp.get("/tasks")
@page(who=DEPARTMENTS)
def tasks():
    person, ctx = current_person(), chat_context()
    is_admin = ctx.is_admin(person)
    this = ctx.clock.period()
    month = gathering(this)
    return render_template(
        "tasks.html", texts=texts, month=month_label(month), this=month_label(this), is_admin=is_admin,
        gathered=[(task, task_line(task)) for task in _of(person, is_admin, month)],
        published=[(task, task_line(task)) for task in _of(person, is_admin, this, approved=True)] if this != month
        else [], this_period=this, editable=is_admin or open_to_departments(month),
        departments=[d.name for d in Department.select().order_by(Department.name)] if is_admin else [],
        pending=TaskStatus.PENDING)


@bp.get("/tasks/<period>/<code>")
@page(who=DEPARTMENTS)
def task_progress(period: str, code: str):
    task = _task(_period(period), code)
    return render_template("task_progress.html", texts=texts, task=task, period=task.period,
                           lines=progress_text(task, task.period, answers(task, task.period)).splitlines())


@bp.post("/tasks/<period>/<code>/export")
@page(who=DEPARTMENTS)
def task_export(period: str, code: str):
    task = _task(_period(period), code)
    return run_command(f"导出 {task.code} {task.period}", url_for(".task_progress", period=task.period,
                                                                    code=task.code) + "#notice")


@bp.post("/tasks/add")
@page(who=DEPARTMENTS)
def task_add():
    if not _field("title"):
        return message(400, m.TASK_NEED_TITLE)
    return _run(f"任务 add {_fields()}")


@bp.post("/tasks/<code>/edit")
@page(who=DEPARTMENTS)
def task_edit(code: str):
    return _run(f"任务 修改 {_gathered(code).code} {_fields()}")


@bp.post("/tasks/<code>/remove")
@page(who=DEPARTMENTS)
def task_remove(code: str):
    return _run(f"任务 删除 {_gathered(code).code}")


@bp.post("/tasks/<code>/approve")
@page(who=ADMINS)
def task_approve(code: str):
    return _run(f"任务 通过 {_gathered(code).code}")


@bp.post("/tasks/<code>/reject")
@page(who=ADMINS)
def task_reject(code: str):
    reason = _field("reason")
    if not reason:
        return message(400, m.TASK_NEED_REASON)
    return _run(f"任务 退回 {_gathered(code).code} {reason}")


def _run(command: str):
    return run_command(command, url_for(".tasks") + "#notice")


def _of(person, is_admin: bool, period: str, approved: bool = False) -> list[Task]:
    query = Task.select().where(Task.period == period)
    if not is_admin:
        query = query.where(Task.department == person.department_id)
    if approved:
        query = query.where(Task.status == TaskStatus.APPROVED)
    return sorted(query, key=lambda task: natural_key(task.code))


def _task(period: str, code: str) -> Task:
    """The month's task, if the person may see it (an admin any, a liaison their department's)."""
    task = Task.get_or_none(Task.period == period, Task.code == code.upper())
    if task is None:
        abort(make_response(message(404, m.NO_SUCH_TASK.format(code=code[:10], month=month_label(period)))))
    person = current_person()
    if not chat_context().is_admin(person) and task.department_id != person.department_id:
        log.warning("pages: %s asked for task %s %s, another department's", person.userid, period, task.code)
        abort(make_response(message(403, m.TASK_NOT_YOURS.format(code=task.code))))
    return task


def _gathered(code: str) -> Task:
    return _task(gathering(chat_context().clock.period()), code)


def _period(key: str) -> str:
    try:
        return check(key)
    except ValueError:
        abort(make_response(message(404, m.BAD_MONTH.format(word=key[:20]))))


def _field(name: str) -> str:
    return SEPARATORS.sub(" ", request.form.get(name, "")).strip()


def _fields() -> str:
    """标题|部门|截止日期|适用类型 from the form (a liaison's department is their own)."""
    return "|".join(_field(name) for name in ("title", "department", "due", "applies"))
