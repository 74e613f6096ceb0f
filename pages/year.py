"""我的年度 (/h5/year): an org's year overview, its items × the twelve months coloured by answer, from
the same query as the year's Excel export (models.overview); below it the year's 述职 (the score and
its explanation, the reports month by month, the rectifications: handlers.reviews.org_year, as 述职's
workbook has them) and the office's comments (点评) on the year's months, as the export's 点评 sheet
lists them. Only the org's own people open it; admins open any org's at /h5/orgs/<code>/year/<year>."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for

from handlers import comments as comment_views, messages as m
from handlers.registry import ADMINS
from handlers.reviews import org_year
from models import Org, overview
from models.comments import in_year
from models.periods import make
from models.report import ReportStatus
from pages import texts
from pages.auth import FILLERS, bp, chat_context, current_person, message, page

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
    year = chat_context().clock.today().year if year is None else year
    return _year(current_person().org, year, own=True)


@bp.get("/orgs/<code>/year/<int:year>")
@page(who=ADMINS)
def org_year_page(code: str, year: int):
    """An org's year as its people see it: an admin's look (from the org's month)."""
    org = Org.get_or_none(Org.code == code[:32])
    return _year(org, year, own=False) if org else message(404, texts.NO_SUCH_YEAR)


def _year(org: Org, year: int, own: bool):
    states = overview.report_states(year, [org.id]).get(org.id, {})
    groups = _groups(overview.items(), overview.cells(year, [org.id]).get(org.id, {}), states)
    comments = comment_views.shown(in_year(year, [org.id], withdrawn=False), chat_context())
    link = (lambda y: url_for("pages.my_year", year=y)) if own else (
        lambda y: url_for("pages.org_year_page", code=org.code, year=y))
    return render_template("year.html", org=org, year=year, months=_heads(year, states), groups=groups,
                           labels=m.STATUS_LABELS, unanswered=m.UNANSWERED, nothing=texts.NO_SUCH_YEAR,
                           comments=comments, review=org_year(org, year, chat_context(), own), link=link,
                           own=own, texts=texts)


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
