"""The Excel files admins download: a month's answers, and the year overview (年度工作一览表).

Written with xlsxwriter in constant-memory mode (each sheet streamed to disk row by row), reading the
database org by org, so that thousands of organisations fit in little memory. Every text cell is
written as a string: a name like "=HYPERLINK(…)" stays text and never becomes a formula.
"""
from __future__ import annotations

import resource
from collections import defaultdict
from pathlib import Path

import xlsxwriter
from peewee import JOIN

from handlers import messages as m
from models import Action, Entry, Org, Person, Report, Task
from models.directory import CATEGORIES
from models.items import action_order, natural_key

ORG_BATCH = 200
HEADER_HEIGHT = 24
MONTH_COLUMNS = [f"{n}月" for n in range(1, 13)]
STATUS_COLOURS = {"done": "#C6EFCE", "in_progress": "#FFEB9C", "not_applicable": "#E7E6E6", "deferred": "#BDD7EE",
                  "not_done": "#FFC7CE"}
MONTH_HEADERS = ("组织编号", "组织", "片区", "类型", "序号", "类别", "事项", "状态", "数量", "备注", "不涉及原因",
                 "回答人", "回答时间", "逾期提交")
MONTH_WIDTHS = (10, 24, 12, 10, 6, 14, 36, 10, 6, 36, 24, 10, 18, 8)


class Sheet:
    """A worksheet written row after row, with a frozen header, filters and widths that fit Chinese."""

    def __init__(self, book, name: str, headers, widths, formats):
        self.sheet, self.formats, self.row = book.add_worksheet(name[:31]), formats, 0
        self.sheet.freeze_panes(1, 0)
        self.sheet.set_row(0, HEADER_HEIGHT)
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)
        self.write([*headers], formats["header"])
        self.columns = len(headers)

    def write(self, values, style=None, styles: dict | None = None) -> int:
        for column, value in enumerate(values):
            cell_style = (styles or {}).get(column, style)
            if isinstance(value, str):
                self.sheet.write_string(self.row, column, value, cell_style)
            elif value is None:
                self.sheet.write_blank(self.row, column, None, cell_style)
            else:
                self.sheet.write_number(self.row, column, value, cell_style)
        self.row += 1
        return self.row - 1

    def close(self) -> None:
        if self.row > 1:
            self.sheet.autofilter(0, 0, self.row - 1, self.columns - 1)


def _book(path: Path, sheets: int) -> tuple:
    """The workbook, and its formats; each streamed sheet keeps a file open, so allow as many."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = sheets + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard == resource.RLIM_INFINITY else min(hard, wanted * 2),
                                                    hard))
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    formats = {"header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "valign": "vcenter"}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    formats.update({status: book.add_format({"bg_color": colour, "align": "center"})
                    for status, colour in STATUS_COLOURS.items()})
    return book, formats


def _orgs(org_code: str | None) -> list[Org]:
    query = Org.select().order_by(Org.code)
    return list(query.where(Org.code == org_code) if org_code else query)


def month(period: str, path: Path, org_code: str | None = None, local=None) -> int:
    """One row per org × item; a sheet for all and one per category. Returns the rows written."""
    orgs = _orgs(org_code)
    book, formats = _book(path, len(CATEGORIES) + 2)
    everything = Sheet(book, m.EXPORT_ALL, MONTH_HEADERS, MONTH_WIDTHS, formats)
    by_category = {c: Sheet(book, m.SHORT_CATEGORY.get(c, c), MONTH_HEADERS, MONTH_WIDTHS, formats)
                   for c in (*CATEGORIES, m.TASK_KIND)}
    for start in range(0, len(orgs), ORG_BATCH):
        batch = {org.id: org for org in orgs[start:start + ORG_BATCH]}
        answered_by = Person.alias()
        rows = (Entry.select(Entry, Report, Action, Task, answered_by)
                .join(Report).switch(Entry).join(Action, JOIN.LEFT_OUTER).switch(Entry)
                .join(Task, JOIN.LEFT_OUTER).switch(Entry)
                .join(answered_by, JOIN.LEFT_OUTER, on=(Entry.answered_by == answered_by.id), attr="who")
                .where(Report.period == period, Report.org.in_(list(batch)))
                .order_by(Report.org, Entry.position))
        for entry in sorted(rows, key=lambda e: (batch[e.report.org_id].code, e.position)):
            org = batch[entry.report.org_id]
            category = entry.action.category if entry.action_id else m.TASK_KIND
            values = [org.code, org.name, org.area, org.type, entry.position, category,
                      entry.action.title if entry.action_id else entry.task.title,
                      m.STATUS_LABELS.get(entry.status, m.UNANSWERED), entry.amount, entry.note, entry.reason,
                      entry.who.name if entry.answered_by_id else "",
                      f"{local(entry.answered_at):%Y-%m-%d %H:%M}" if entry.answered_at and local else "",
                      m.EXPORT_YES if entry.report.late else ""]
            styles = {7: formats[entry.status]} if entry.status in STATUS_COLOURS else {}
            everything.write(values, styles=styles)
            by_category.get(category, everything).write(values, styles=styles)
    for sheet in (everything, *by_category.values()):
        sheet.close()
    book.close()
    return everything.row - 1


def year(year: int, path: Path, org_code: str | None = None) -> int:
    """A summary sheet of all orgs (each month's report state), then a sheet per org: its items
    by category × 12 months, cells coloured by status, notes as comments, targets tallied."""
    orgs = _orgs(org_code)
    book, formats = _book(path, len(orgs) + 1)
    states = defaultdict(dict)
    for org_id, period, status, late in (Report.select(Report.org, Report.period, Report.status, Report.late)
                                         .where(Report.period.startswith(f"{year}-")).tuples()):
        states[org_id][int(period[5:])] = m.YEAR_MARKS["late" if late else status]
    summary = Sheet(book, m.EXPORT_SUMMARY, ("组织编号", "组织", "片区", "类型", *MONTH_COLUMNS),
                    (10, 24, 12, 10, *[6] * 12), formats)
    for org in orgs:
        summary.write([org.code, org.name, org.area, org.type, *[states[org.id].get(n, "") for n in range(1, 13)]])
    summary.close()
    for start in range(0, len(orgs), ORG_BATCH):
        batch = orgs[start:start + ORG_BATCH]
        cells = _year_cells(year, [org.id for org in batch])
        for org in batch:
            _org_sheet(book, formats, org, cells.get(org.id, {}))
    book.close()
    return len(orgs)


def _year_cells(year: int, org_ids: list[int]) -> dict:
    """org id → item (its action or task) → month → its entry."""
    cells = defaultdict(lambda: defaultdict(dict))
    items = {}
    rows = (Entry.select(Entry.status, Entry.amount, Entry.note, Entry.reason, Entry.prior_amount, Report.org,
                         Report.period, Action, Task)
            .join(Report).switch(Entry).join(Action, JOIN.LEFT_OUTER).switch(Entry).join(Task, JOIN.LEFT_OUTER)
            .where(Report.period.startswith(f"{year}-"), Report.org.in_(org_ids)))
    for entry in rows:
        key = ("action", entry.action_id) if entry.action_id else ("task", entry.task_id)
        item = items.setdefault(key, entry.action if entry.action_id else entry.task)
        cells[entry.report.org_id][item][int(entry.report.period[5:])] = entry
    return cells


def _item_order(item) -> tuple:
    if isinstance(item, Action):
        return (0, *action_order(item))
    return (1, 0, natural_key(item.code))


def _org_sheet(book, formats, org: Org, items: dict) -> None:
    sheet = Sheet(book, f"{org.code}", ("类别", "事项", *MONTH_COLUMNS, "全年"), (14, 36, *[8] * 12, 14), formats)
    for item in sorted(items, key=_item_order):
        months = items[item]
        category = item.category if isinstance(item, Action) else m.TASK_KIND
        row = sheet.row
        sheet.write([category, item.title, *["" for _ in MONTH_COLUMNS], _tally(item, months)])
        for month_number, entry in months.items():
            label = m.STATUS_LABELS.get(entry.status, m.UNANSWERED) + (f" {entry.amount}" if entry.amount else "")
            sheet.sheet.write_string(row, 1 + month_number, label, formats.get(entry.status))
            remark = "\n".join(part for part in (entry.note, entry.reason) if part)
            if remark:
                sheet.sheet.write_comment(row, 1 + month_number, remark[:1000])
    sheet.close()


def _tally(item, months: dict) -> str:
    """本年 3/2 次 for an action with a yearly target; "" otherwise."""
    if not isinstance(item, Action) or item.target is None or item.frequency != "yearly":
        return ""
    done = sum(e.amount if e.amount is not None else (1 if e.status == "done" else 0) for e in months.values())
    return f"{done}/{item.target} {item.unit}".strip()
