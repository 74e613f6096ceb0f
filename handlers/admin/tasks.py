"""The tasks of the month being gathered (this month until it is published, then the next; see
models.tasks.gathering) from the group and the chat: 任务. Admins add, edit and remove any; a
department liaison raises, edits and withdraws their own department's until the preview is sent
(models.tasks.open_to_departments). A department's task waits as 待审核 until an admin approves
it (通过) or returns it with a reason (退回); the liaison who raised it is told either way, and
when an admin edits or removes it. Only approved tasks are published (models.items)."""
from __future__ import annotations

import datetime
import re

from handlers import messages as m
from handlers.admin import GROUP, Call
from handlers.admin.task_progress import department_task
from handlers.errors import Refusal, UserError
from handlers.registry import DEPARTMENTS
from handlers.replies import Outgoing, Text
from handlers.report_views import clip, day_label, month_label, plain, quoted
from models import Department, Period, Task
from models.directory import PeriodStatus, TaskStatus, next_task_code
from models.items import natural_key
from models.separators import split_words
from models.tasks import gathering, open_to_departments

FIELDS = re.compile(r"\s*[|｜]\s*")
ACTIONS = {"list": "list", "列表": "list", "add": "add", "添加": "add", "edit": "edit", "修改": "edit",
           "remove": "remove", "删除": "remove", "撤回": "remove", "approve": "approve", "通过": "approve",
           "reject": "reject", "退回": "reject"}
REVIEWS = ("approve", "reject")


@GROUP.command("任务", aliases=("task", "tasks"), who=DEPARTMENTS)
def task_command(call: Call):
    """任务 [list | add | 修改 | 删除 | 通过 | 退回] — 待发布月份的月度任务（部门联络人提交本部门的，待审核）
    list 月份；add 标题|部门|截止日期|适用类型；修改 编号 标题|部门|截止日期|适用类型（空着的不变）；
    删除 编号；通过 编号；退回 编号 原因（通过、退回仅限管理员）
    例：任务 add 报送党建工作总结|组织部|2027-01-20|学院"""
    word, _, rest = call.args.partition(" ")
    action = ACTIONS.get(word.lower() or "list")
    if action is None:
        raise UserError(m.TASK_BAD_ACTION.format(action=quoted(word, 10)))
    if action in REVIEWS and not call.is_admin:
        raise Refusal(m.TASK_REVIEW_ADMINS)
    month = gathering(call.ctx.clock.period())
    if action == "list":
        return call.answer(_list(call, call.period(rest.strip() or month)))
    if action == "add":
        return [Text(_add(call, month, rest))]
    code, _, rest = rest.strip().partition(" ")
    task = department_task(call, month, code)
    return {"edit": _edit, "remove": _remove, "approve": _approve, "reject": _reject}[action](call, task, rest.strip())


def task_line(task: Task) -> str:
    parts = [task.department.name if task.department_id else "",
             m.ITEM_DUE.format(day=day_label(task.due_date)) if task.due_date else "",
             m.APPLIES_TO + "、".join(task.applies_to) if task.applies_to else "",
             m.TASK_STATUS_LABELS[task.status] if task.status != TaskStatus.APPROVED else "",
             quoted(task.review_note, 30) if task.status == TaskStatus.REJECTED else ""]
    return f"{task.code} {plain(task.title)}" + "".join(f" · {p}" for p in parts if p)


def _list(call: Call, period: str) -> str:
    query = Task.select().where(Task.period == period)
    if not call.is_admin:
        query = query.where(Task.department == call.person.department_id)
    tasks = sorted(query, key=lambda t: natural_key(t.code))
    lines = [m.TASKS_HEAD.format(month=month_label(period), count=len(tasks))]
    return "\n".join(lines + ([task_line(t) for t in tasks] or [m.TASKS_NONE]))


def _not_published(period: str) -> None:
    month = Period.get_or_none(Period.key == period)
    if month is not None and month.status != PeriodStatus.DRAFT:
        raise Refusal(m.TASKS_PUBLISHED.format(month=month_label(period)))


def _check_open(call: Call, period: str) -> None:
    """Admins change a month's tasks until it is published, departments until its preview is sent."""
    _not_published(period)
    if not call.is_admin and not open_to_departments(period):
        raise Refusal(m.TASKS_PREVIEWED.format(month=month_label(period)))


def _fields(call: Call, text: str) -> dict:
    """The fields typed (标题|部门|截止日期|适用类型), checked; the empty ones left out."""
    title, department_name, due, applies = (f.strip() for f in (FIELDS.split(text.strip()) + ["", "", ""])[:4])
    fields = {"title": clip(title, 128)} if title else {}
    if department_name:
        department = Department.get_or_none(Department.name == department_name)
        if department is None:
            raise UserError(m.NO_SUCH_DEPARTMENT.format(name=quoted(department_name, 20)))
        if not call.is_admin and department.id != call.person.department_id:
            raise Refusal(m.TASK_OWN_DEPARTMENT.format(department=call.person.department.name))
        fields["department"] = department
    if due:
        try:
            fields["due_date"] = datetime.date.fromisoformat(due)
        except ValueError:
            raise UserError(m.BAD_DATE.format(text=quoted(due, 20))) from None
    if applies:
        fields["applies_to"] = split_words(applies)
    return fields


def _add(call: Call, period: str, text: str) -> str:
    fields = _fields(call, text)
    if "title" not in fields:
        raise UserError(m.TASK_NEED_TITLE)
    _check_open(call, period)
    if not call.is_admin:
        fields.update(department=call.person.department_id, status=TaskStatus.PENDING, raised_by=call.person.userid)
    task = Task.create(period=period, code=next_task_code(period), **fields)
    told = m.TASK_ADDED if call.is_admin else m.TASK_RAISED
    return told.format(month=month_label(period), line=task_line(task))


def _edit(call: Call, task: Task, text: str) -> list:
    fields = _fields(call, text)
    if not fields:
        raise UserError(m.TASK_NEED_FIELDS)
    _check_open(call, task.period)
    for name, value in fields.items():
        setattr(task, name, value)
    if not call.is_admin:
        task.status, task.review_note = TaskStatus.PENDING, ""      # changed: reviewed again
    task.save()
    line = task_line(task)
    return [Text(m.TASK_EDITED.format(month=month_label(task.period), line=line)),
            *_tell(call, task, m.TASK_TOLD_EDITED.format(month=month_label(task.period), line=line))]


def _remove(call: Call, task: Task, _rest: str) -> list:
    _check_open(call, task.period)
    task.delete_instance()
    month = month_label(task.period)
    return [Text(m.TASK_REMOVED.format(code=task.code, month=month)),
            *_tell(call, task, m.TASK_TOLD_REMOVED.format(month=month, code=task.code, title=plain(task.title)))]


def _approve(call: Call, task: Task, _rest: str) -> list:
    _not_published(task.period)
    _check_pending(task)
    task.status = TaskStatus.APPROVED
    task.save()
    month = month_label(task.period)
    return [Text(m.TASK_APPROVED.format(month=month, line=task_line(task))),
            *_tell(call, task, m.TASK_TOLD_APPROVED.format(month=month, code=task.code, title=plain(task.title)))]


def _reject(call: Call, task: Task, reason: str) -> list:
    if not reason:
        raise UserError(m.TASK_NEED_REASON)
    _not_published(task.period)
    _check_pending(task)
    task.status, task.review_note = TaskStatus.REJECTED, clip(reason, 255)
    task.save()
    month = month_label(task.period)
    return [Text(m.TASK_REJECTED.format(month=month, line=task_line(task))),
            *_tell(call, task, m.TASK_TOLD_REJECTED.format(month=month, code=task.code, title=plain(task.title),
                                                           reason=quoted(reason, 60)))]


def _check_pending(task: Task) -> None:
    if task.status != TaskStatus.PENDING:
        raise Refusal(m.TASK_NOT_PENDING.format(code=task.code, status=m.TASK_STATUS_LABELS[task.status]))


def _tell(call: Call, task: Task, text: str) -> list:
    """The liaison who raised the task, told what someone else did to it."""
    if not task.raised_by or task.raised_by == call.person.userid:
        return []
    return [Outgoing(to=task.raised_by, reply=Text(text))]
