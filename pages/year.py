"""我的年度 (/h5/year): an org's year overview, its items × the twelve months coloured by answer, from
the same query as the year's Excel export (models.overview); below it the office's comments (点评) on
the year's months, as the export's 点评 sheet lists them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from handlers import comments as comment_views, messages as m
from models import overview
from models.comments import in_year
from models.periods import make
from models.report import ReportStatus
from pages import texts
from pages.auth import FILLERS, bp, chat_context, current_person, page

MONTHS = range(1, 13)
NOT_IN_REPORT = "blank"     # the item was not in that month's report (or there was none)
UNANSWERED = "open"         # unanswered in a month still open
MISSED = "missing"          # unanswered in a report the close marked 未报


@dataclass(frozen=True)
class Cell:
    kind: str       # the answer's status, or NOT_IN_REPORT, UNANSWERED, MISSED
    text: str       # the number given
    title: str      # 11月：已完成 2


@dataclass(frozen=True)
class Row:
    title: str
    tally: str | None
    cells: list[Cell]


@bp.get("/year", defaults={"year": None})
@bp.get("/year/<int:year>")
@page(who=FILLERS)
def my_year(year: int | None):
    org = current_person().org
    year = chat_context().clock.today().year if year is None else year
    states = overview.report_states(year, [org.id]).get(org.id, {})
    groups = _groups(overview.items(), overview.cells(year, [org.id]).get(org.id, {}), states)
    comments = comment_views.shown(in_year(year, [org.id], withdrawn=False), chat_context())
    return render_template("year.html", org=org, year=year, months=_heads(year, states), groups=groups,
                           labels=m.STATUS_LABELS, unanswered=m.UNANSWERED, nothing=texts.NO_SUCH_YEAR,
                           comments=comments, texts=texts)


def _heads(year: int, states: dict) -> list[tuple[int, str | None, str]]:
    """Each month's column: its number, its report's month (a link) and the Excel summary's mark."""
    heads = []
    for n in MONTHS:
        status, late = states.get(n, (None, False))
        heads.append((n, make(year, n), m.YEAR_MARKS["late" if late else status]) if status else (n, None, ""))
    return heads


def _groups(items: dict, cells: dict, states: dict) -> list[tuple[str, list[Row]]]:
    """The org's rows by category, in the export's order: (category, rows)."""
    groups: dict[str, list[Row]] = {}
    for key in sorted(cells.keys() & items.keys(), key=lambda key: items[key].order):
        item, months = items[key], cells[key]
        title = (m.OWN_MARK if item.own else "") + item.title
        row = Row(title, item.tally(months), [_cell(n, months.get(n), states.get(n)) for n in MONTHS])
        groups.setdefault(item.category or m.TASK_KIND, []).append(row)
    return list(groups.items())


def _cell(month: int, answer, state) -> Cell:
    """One month of an item: its answer (status, amount, note, reason) and its report's (status, late)."""
    if answer is None:
        return Cell(NOT_IN_REPORT, "", "")
    status, amount = answer[0], answer[1]
    kind = status or (MISSED if state and state[0] == ReportStatus.MISSING else UNANSWERED)
    label = m.STATUS_LABELS.get(status, m.UNANSWERED) + ("" if amount is None else f" {amount}")
    return Cell(kind, "" if amount is None else str(amount), f"{month}月：{label}")
