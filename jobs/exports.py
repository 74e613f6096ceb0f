"""The Excel files admins download: a month's answers, and the year overview (年度工作一览表).

Written with xlsxwriter in constant-memory mode (each sheet streamed to disk row by row), reading the
database org by org, so that thousands of organisations fit in little memory. Every text cell is
written as a string: a name like "=HYPERLINK(…)" stays text and never becomes a formula.
"""
from __future__ import annotations

import resource
from pathlib import Path

import xlsxwriter
from peewee import JOIN

from handlers import comments as comment_views, messages as m, stats_views
from models import Action, Department, Entry, Feedback, Org, Person, Report, Task, overview
from models.comments import KIND_LABELS, in_year
from models.directory import CATEGORIES
from models.indicators import tree
from models.lists_io import rectifications as rectification_rows
from models.rankings import rank
from models.rectifications import live_in
from models.report import EntryStatus
from models.scores import scores
from models.stats import progress
from models.tasks import answers as task_answers

ORG_BATCH = 200
HEADER_HEIGHT = 24
MONTH_COLUMNS = [f"{n}月" for n in range(1, 13)]
STATUS_COLOURS = {EntryStatus.DONE: "#C6EFCE", EntryStatus.IN_PROGRESS: "#FFEB9C",
                  EntryStatus.NOT_APPLICABLE: "#E7E6E6", EntryStatus.DEFERRED: "#BDD7EE",
                  EntryStatus.NOT_DONE: "#FFC7CE"}
MONTH_HEADERS = ("组织编号", "组织", "片区", "类型", "序号", "类别", "事项", "状态", "数量", "备注", "不涉及原因",
                 "回答人", "回答时间", "逾期提交")
MONTH_WIDTHS = (10, 24, 12, 10, 6, 14, 36, 10, 6, 36, 24, 10, 18, 8)
FEEDBACK_HEADERS = ("组织编号", "组织", "类别", "内容", "部门", "填写人", "填写时间", "回复", "回复人", "回复时间")
FEEDBACK_WIDTHS = (10, 24, 6, 60, 12, 10, 18, 60, 10, 18)
PROGRESS_HEADERS = ("组织编号", "组织", "片区", "类型", "状态", "已答", "事项", "逾期提交")
PROGRESS_WIDTHS = (10, 24, 12, 10, 8, 6, 6, 8)
TASK_HEADERS = ("任务编号", "任务", "组织编号", "组织", "片区", "类型", "状态", "数量", "备注", "不涉及原因", "回答人",
                "回答时间")
TASK_WIDTHS = (8, 30, 10, 24, 12, 10, 10, 6, 36, 24, 10, 18)
SCORE_HEADERS = ("组织编号", "组织", "片区", "类型", "得分", "满分", "更正", "名次", "类型内名次")
SCORE_WIDTHS = (10, 24, 12, 10, 8, 8, 8, 8, 10)
YEAR_HEADERS = ("类别", "事项", *MONTH_COLUMNS, "全年", "备注")
COMMENT_HEADERS = ("组织编号", "组织", "月份", "事项", "类别", "内容", "点评人", "点评时间", "状态", "整改编号")
COMMENT_WIDTHS = (10, 24, 8, 24, 6, 60, 10, 18, 8, 8)
YEAR_WIDTHS = (14, 36, *[8] * 12, 14, 60)


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


def workbook(path: Path, sheets: int) -> tuple:
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


def month(period: str, path: Path, org_code: str | None = None, local=None, window=None) -> int:
    """One row per org × item, on a sheet for all and one per category; then part three, each
    org's progress, and 统计's figures of the month or of `window` (a stats_views.Window).
    Returns the item rows written."""
    orgs = _orgs(org_code)
    book, formats = workbook(path, len(CATEGORIES) + 5)
    rows = _answers(book, formats, period, orgs, local)
    _part_three(book, formats, period, orgs, local)
    _progress(book, formats, period, orgs)
    _summary(book, formats, window or stats_views.window(period, period))
    book.close()
    return rows


def _answers(book, formats, period: str, orgs: list[Org], local) -> int:
    everything = Sheet(book, m.EXPORT_ALL, MONTH_HEADERS, MONTH_WIDTHS, formats)
    by_category = {c: Sheet(book, m.SHORT_CATEGORY.get(c, c), MONTH_HEADERS, MONTH_WIDTHS, formats)
                   for c in (*CATEGORIES, m.TASK_KIND)}
    answered_by = Person.alias()
    for start in range(0, len(orgs), ORG_BATCH):
        batch = {org.id: org for org in orgs[start:start + ORG_BATCH]}
        rows = (Entry.select(Report.org, Entry.position, Entry.action, Action.category, Action.org, Action.title,
                             Task.title,
                             Entry.status, Entry.amount, Entry.note, Entry.reason, answered_by.name,
                             Entry.answered_at, Report.late)
                .join(Report).switch(Entry).join(Action, JOIN.LEFT_OUTER).switch(Entry)
                .join(Task, JOIN.LEFT_OUTER).switch(Entry)
                .join(answered_by, JOIN.LEFT_OUTER, on=(Entry.answered_by == answered_by.id))
                .where(Report.period == period, Report.org.in_(list(batch))).tuples())
        for (org_id, position, action_id, category, own, action_title, task_title, status, amount, note, reason, who,
             answered_at, late) in sorted(rows, key=lambda row: (batch[row[0]].code, row[1])):
            org = batch[org_id]
            category = category if action_id else m.TASK_KIND
            title = (m.OWN_MARK if own else "") + action_title if action_id else task_title
            values = [org.code, org.name, org.area, org.type, position, category, title,
                      m.STATUS_LABELS.get(status, m.UNANSWERED), amount,
                      note, reason, who or "", _when(answered_at, local), m.EXPORT_YES if late else ""]
            styles = {7: formats[status]} if status in STATUS_COLOURS else {}
            everything.write(values, styles=styles)
            if category in by_category:
                by_category[category].write(values, styles=styles)
    for sheet in (everything, *by_category.values()):
        sheet.close()
    return everything.row - 1


def _when(moment, local) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment and local else ""


def _part_three(book, formats, period: str, orgs: list[Org], local) -> None:
    """Highlights, difficulties and suggestions: who wrote what when, where it went, what came back."""
    sheet = Sheet(book, m.EXPORT_PART_THREE, FEEDBACK_HEADERS, FEEDBACK_WIDTHS, formats)
    author, answerer = Person.alias(), Person.alias()
    rows = (Feedback.select(Org.code, Org.name, Feedback.kind, Feedback.text, Department.name, author.name,
                            Feedback.created_at, Feedback.answer, answerer.name, Feedback.answered_at,
                            Feedback.acknowledged_at)
            .join(Report).join(Org).switch(Feedback).join(Department, JOIN.LEFT_OUTER).switch(Feedback)
            .join(author, JOIN.LEFT_OUTER, on=(Feedback.created_by == author.id)).switch(Feedback)
            .join(answerer, JOIN.LEFT_OUTER, on=(Feedback.answered_by == answerer.id))
            .where(Report.period == period, Report.org.in_([org.id for org in orgs]))
            .order_by(Org.code, Feedback.id).tuples())
    for code, name, kind, text, department, wrote, written, answer, answered, answered_at, seen in rows:
        shown = answer or (m.FEEDBACK_ACK_DONE if seen else "")
        sheet.write([code, name, m.FEEDBACK_KIND_LABELS.get(kind, kind), text, department or "", wrote or "",
                     _when(written, local), shown, answered or "", _when(answered_at or seen, local)], formats["wrap"])
    sheet.close()


def _progress(book, formats, period: str, orgs: list[Org]) -> None:
    """Every org's state this month (the full list behind 进度's summary)."""
    sheet = Sheet(book, m.EXPORT_PROGRESS, PROGRESS_HEADERS, PROGRESS_WIDTHS, formats)
    wanted = {org.id for org in orgs}
    for row in sorted(progress(period), key=lambda row: row.org.code):
        if row.org.id in wanted:
            sheet.write([row.org.code, row.org.name, row.org.area, row.org.type, m.ORG_STATES[row.state],
                         row.answered, row.items, m.EXPORT_YES if row.report.late else ""])
    sheet.close()


def _summary(book, formats, span) -> None:
    """统计's text over the window, a line a row."""
    sheet = Sheet(book, m.EXPORT_STATS, (span.label,), (120,), formats)
    for line in stats_views.text_of(span).splitlines() or [m.STATS_NOTHING.format(what=span.label)]:
        sheet.write([line])


def tasks(period: str, codes: list[str], path: Path, local) -> int:
    """One row per task × org that has it in the month's report (what 进度 T3 shows). Returns the rows."""
    book, formats = workbook(path, 1)
    sheet = Sheet(book, m.TASK_KIND, TASK_HEADERS, TASK_WIDTHS, formats)
    for task in Task.select().where(Task.period == period, Task.code.in_(codes)).order_by(Task.id):
        for row in task_answers(task, period):
            org = row.org
            sheet.write([task.code, task.title, org.code, org.name, org.area, org.type,
                         m.STATUS_LABELS.get(row.status, m.UNANSWERED), row.amount, row.note, row.reason, row.by,
                         _when(row.at, local)],
                        styles={6: formats[row.status]} if row.status in STATUS_COLOURS else {})
    sheet.close()
    book.close()
    return sheet.row - 1


def year(year: int, path: Path, org_code: str | None = None, clock=None) -> int:
    """A summary sheet of all orgs (each month's report state), their rectifications of the year (整改清单,
    when there are any), the office's comments on their months (点评, when there are any), their scores
    as of the clock's today (得分, when indicators are imported; `clock` None: without scores, and the
    comments without their times), then a sheet
    per org: its items
    by category × 12 months, cells coloured by status, targets tallied, each month's notes in a last column.

    The notes are text, not cell comments: xlsxwriter keeps every comment in memory until the file
    is closed and writes a VML shape for each; 5,000 orgs' half a million notes took 40 s and 470 MB."""
    orgs = _orgs(org_code)
    book, formats = workbook(path, len(orgs) + 3)
    states = overview.report_states(year)
    summary = Sheet(book, m.EXPORT_SUMMARY, ("组织编号", "组织", "片区", "类型", *MONTH_COLUMNS),
                    (10, 24, 12, 10, *[6] * 12), formats)
    for org in orgs:
        marks = {n: m.YEAR_MARKS["late" if late else status] for n, (status, late) in states[org.id].items()}
        summary.write([org.code, org.name, org.area, org.type, *[marks.get(n, "") for n in range(1, 13)]])
    summary.close()
    _rectifications(book, formats, year, [org.id for org in orgs])
    _comments(book, formats, year, [org.id for org in orgs], clock.local if clock else None)
    if clock is not None:
        _scores(book, formats, year, orgs, clock.today())
    items = overview.items()
    for start in range(0, len(orgs), ORG_BATCH):
        batch = orgs[start:start + ORG_BATCH]
        cells = overview.cells(year, [org.id for org in batch])
        for org in batch:
            _org_sheet(book, formats, org, items, cells.get(org.id, {}))
    book.close()
    return len(orgs)


def _rectifications(book, formats, year: int, orgs: list[int]) -> None:
    """整改清单: the orgs' rectifications open at some time in the year, as `export rectifications`
    writes them (none: no sheet)."""
    live = live_in(year, orgs)
    if not live:
        return
    sheet = Sheet(book, rectification_rows.LABEL, rectification_rows.EXPORT_HEADERS,
                  (8, 10, 8, 40, 40, 10, 11, 8, 11, 11), formats)
    for row in rectification_rows.dump(live):
        sheet.write(row)
    sheet.close()


def _comments(book, formats, year: int, orgs: list[int], local) -> None:
    """点评: the comments on the orgs' months of the year, withdrawn ones marked (none: no sheet)."""
    comments = in_year(year, orgs)
    if not comments:
        return
    sheet = Sheet(book, m.EXPORT_COMMENTS, COMMENT_HEADERS, COMMENT_WIDTHS, formats)
    people, titles = comment_views.names(), {}
    for comment in comments:
        month = (comment.org_id, comment.period)
        named = titles[month] if month in titles else titles.setdefault(month, comment_views.titles(*month))
        state = (m.COMMENT_WITHDRAWN_STATE if comment.withdrawn else m.COMMENT_EDITED_STATE if comment.updated_at
                 else "")
        sheet.write([comment.org.code, comment.org.name, comment.period, comment_views.where(comment, named),
                     KIND_LABELS[comment.kind], comment.text, people.get(comment.by, comment.by),
                     _when(comment.at, local), state,
                     comment.rectification.code if comment.rectification_id else ""], formats["wrap"])


def _scores(book, formats, year: int, orgs: list[Org], today) -> None:
    """得分: a row per org scored in the year, its total, its place among all orgs and among those of
    its type (models/rankings.py), and each leaf indicator's points (the org's types that a leaf does
    not apply to: blank); none when no indicators are imported."""
    indicators = tree()
    leaves = [i for i in indicators if i.leaf]
    if not leaves:
        return
    found = scores(str(year), today, None, indicators)
    scored = [(org, found[org.id]) for org in Org.select() if org.id in found]
    overall = {row.org.id: row.place for row in rank(scored)}
    in_type = {row.org.id: row.place for kind in {org.type for org, _ in scored}
               for row in rank([(org, score) for org, score in scored if org.type == kind])}
    sheet = Sheet(book, m.EXPORT_SCORES, (*SCORE_HEADERS, *(f"{i.code} {i.name}（{i.points:g}）" for i in leaves)),
                  (*SCORE_WIDTHS, *[12] * len(leaves)), formats)
    for org in orgs:
        score = found.get(org.id)
        if score is not None:
            sheet.write([org.code, org.name, org.area, org.type, round(score.total, 2), round(score.out_of, 2),
                         round(score.corrected, 2), overall[org.id], in_type[org.id],
                         *(round(score.values[i.code], 2) if i.code in score.values else None for i in leaves)])
    sheet.close()


def _org_sheet(book, formats, org: Org, items: dict, cells: dict) -> None:
    sheet = Sheet(book, f"{org.code}", YEAR_HEADERS, YEAR_WIDTHS, formats)
    write = sheet.sheet.write_string
    for key in sorted(cells.keys() & items.keys(), key=lambda key: items[key].order):
        item, months, row, notes = items[key], cells[key], sheet.row, []
        write(row, 0, item.category or m.TASK_KIND)
        write(row, 1, (m.OWN_MARK if item.own else "") + item.title)
        for month_number, (status, amount, note, reason) in months.items():
            write(row, 1 + month_number, m.STATUS_LABELS.get(status, m.UNANSWERED) + (f" {amount}" if amount else ""),
                  formats.get(status))
            notes += [(month_number, text) for text in (note, reason) if text]
        if item.target is not None:
            write(row, 14, item.tally(months))
        if notes:
            write(row, 15, "；".join(f"{n}月：{text}" for n, text in sorted(notes, key=lambda note: note[0])))
        sheet.row += 1
    sheet.close()
