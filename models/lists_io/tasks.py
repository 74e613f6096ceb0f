"""Monthly tasks (月度工作任务): 月份, 编号, 标题, 内容, 来源部门, 截止日期, 适用类型.

A task is identified by its month and code; 来源部门 must name a known department.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import Department, Task
from models.items import natural_key
from models.lists_io.actions import known_traits
from models.lists_io.bulk import upsert
from models.lists_io.cells import RowError, RowReader, applicability_text, check_unique

LABEL = "月度任务"
HEADERS = ("月份", "编号", "标题", "内容", "来源部门", "截止日期", "适用类型")


@dataclass
class TaskRow:
    number: int
    record: dict


def _read(reader: RowReader, known: set[str], departments: dict[str, int]) -> TaskRow:
    department = reader.text("来源部门")
    if department and department not in departments:
        reader.fail("来源部门", f"未知部门“{department}”")
    applies_to, excludes = reader.applicability("适用类型", known)
    record = {
        "period": reader.period("月份"),
        "code": reader.text("编号", required=True, limit=32),
        "title": reader.text("标题", required=True, limit=128),
        "details": reader.text("内容"),
        "department": departments.get(department),
        "due_date": reader.date("截止日期"),
        "applies_to": applies_to,
        "excludes": excludes,
    }
    return TaskRow(reader.number, record)


def _key(record: dict) -> tuple:
    return record["period"], record["code"]


def check(rows, directory, errors: list[RowError]) -> list[TaskRow]:
    known = known_traits(directory)
    departments = {name: department_id for department_id, name in
                   Department.select(Department.id, Department.name).tuples()}
    task_rows = [_read(RowReader(number, cells, errors), known, departments) for number, cells in rows]
    check_unique(task_rows, lambda row: _key(row.record), "编号", errors)
    return task_rows


def late(task_rows: list[TaskRow], deadline) -> list[RowError]:
    """Warnings, not errors: a task due after its month's deadline (`deadline(period)`, the remind
    day). The department's date may be real, but the month's report is due first, so it can only
    tell how the task stands by then."""
    return [RowError(row.number, "截止日期", f"{row.record['due_date']:%m-%d} 晚于该月月报截止日 "
                                         f"{deadline(row.record['period']):%m-%d}，月报只能报告届时的进展")
            for row in task_rows if row.record["due_date"] and row.record["due_date"] > deadline(row.record["period"])]


def apply(task_rows: list[TaskRow], advance) -> dict:
    existing = {(task.period, task.code): task for task in Task.select()}
    counts = upsert(Task, _key, [row.record for row in task_rows], existing, advance)
    return {LABEL: counts}


def dump() -> list[list]:
    names = dict(Department.select(Department.id, Department.name).tuples())
    tasks = sorted(Task.select(), key=lambda task: (task.period, natural_key(task.code)))
    return [
        [task.period, task.code, task.title, task.details, names.get(task.department_id, ""),
         task.due_date.isoformat() if task.due_date else "",
         applicability_text(task.applies_to, task.excludes)]
        for task in tasks
    ]
