"""One department's tasks as the organisations answered them: `进度 T3` lists which organisations did
what for a task of the month, `导出 T3` (or a department liaison's `导出`: all of their department's
tasks of the month) sends the same as an Excel file. A department sees its own tasks only."""
from __future__ import annotations

from handlers import messages as m
from handlers.admin import Call
from handlers.errors import Refusal, UserError
from handlers.report_views import month_label, quoted
from models import Task
from models.directory import TASK_CODE, TaskStatus, task_by_code
from models.report import EntryStatus
from models.tasks import Answer, answers

ORDER = (EntryStatus.DONE, EntryStatus.IN_PROGRESS, EntryStatus.NOT_APPLICABLE, EntryStatus.DEFERRED,
         EntryStatus.NOT_DONE, None)


def is_task_code(word: str) -> bool:
    return bool(TASK_CODE.fullmatch(word.upper()))


def _code_and_month(call: Call) -> tuple[str, str]:
    """(the task's code, the month: this one unless a month follows the code)."""
    words = call.words
    return words[0], call.period(words[1] if len(words) > 1 else None)


def department_task(call: Call, period: str, code: str) -> Task:
    """A month's task by its code; for anyone but an admin, only their own department's."""
    if not code:
        raise UserError(m.TASK_NEED_CODE)
    task = task_by_code(period, code)
    if task is None:
        raise UserError(m.NO_SUCH_TASK.format(code=quoted(code, 10), month=month_label(period)))
    if not call.is_admin and call.person.department_id is None:
        raise Refusal(m.TASK_DEPARTMENTS_ONLY)
    if not call.is_admin and task.department_id != call.person.department_id:
        raise Refusal(m.TASK_NOT_YOURS.format(code=task.code))
    return task


def progress(call: Call) -> list:
    """进度 T3 [月份]: each organisation's answer to the task, grouped by status."""
    code, period = _code_and_month(call)
    task = department_task(call, period, code)
    return call.answer(progress_text(task, period, answers(task, period)))


def progress_text(task: Task, period: str, rows: list[Answer]) -> str:
    department = task.department.name if task.department_id else m.NO_DEPARTMENT
    head = m.TASK_PROGRESS_HEAD.format(code=task.code, title=quoted(task.title, 30), department=department,
                                       month=month_label(period))
    if not rows:
        return head + "\n" + m.TASK_PROGRESS_NONE
    groups = {status: [row for row in rows if row.status == status] for status in ORDER}
    lines = [head + "，".join(f"{_label(status)} {len(group)}" for status, group in groups.items() if group)]
    for status, group in groups.items():
        if group:
            names = "、".join(row.org.name + (f"（{quoted(row.reason, 30)}）" if row.reason else "")
                             for row in group)
            lines.append(f"{m.MARKS[status]} {_label(status)}：{names}")
    return "\n".join(lines)


def _label(status: str | None) -> str:
    return m.STATUS_LABELS.get(status, m.UNANSWERED)


def export(call: Call) -> list:
    """导出 T3 [月份] (a department liaison: 导出 [月份], all their department's approved tasks)."""
    if call.words and is_task_code(call.words[0]):
        code, period = _code_and_month(call)
        tasks = [department_task(call, period, code)]
        what = tasks[0].code
    else:
        if call.person.department_id is None:
            raise Refusal(m.TASK_DEPARTMENTS_ONLY)
        period = call.period(call.words[0] if call.words else None)
        tasks = list(Task.select().where(Task.period == period, Task.department == call.person.department_id,
                                         Task.status == TaskStatus.APPROVED).order_by(Task.id))
        what = call.person.department.name
        if not tasks:
            raise Refusal(m.STATUS_NO_TASKS.format(department=what, month=month_label(period)))
    return call.background("jobs.admin.export_tasks",
                           m.EXPORTING.format(what=m.EXPORT_TASKS_WHAT.format(month=month_label(period), what=what)),
                           period=period, codes=[task.code for task in tasks], name=what)
