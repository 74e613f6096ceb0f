"""述职 as an Excel workbook: a summary sheet (每个组织一行: its year score and place, reports on time,
rectifications closed and open, the office's comments by kind), then a sheet per organisation with
its year as handlers.reviews.org_year words it: the score and its explanation, the reports month by
month, highlights, problems, rectifications, comments. Written with the exports' workbook and Sheet
(jobs/exports.py): every text a string cell, never a formula."""
from __future__ import annotations

import re
from pathlib import Path

from handlers import messages as m
from handlers.reviews import OrgYear, org_year
from jobs.exports import Sheet, workbook
from models.comments import CommentKind
from models.rankings import ranking
from models.reviews import orgs_reporting
from models.scores import shown

NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\']")     # what a sheet's name may not hold (Excel)
NAME_LIMIT = 31
SUMMARY_WIDTHS = (10, 24, 10, 12, 10, 8, 6, 10, 6, 10, 10, 8, 8, 8)
ORG_WIDTHS = (14, 14, 30, 60, 12, 18)


def write(year: int, path: Path, ctx) -> int:
    """The workbook of the orgs with a report in the year; returns how many."""
    orgs = orgs_reporting(year)
    places = {row.org.id: row.place for row in ranking(str(year), ctx.clock.today())}
    book, formats = workbook(path, len(orgs) + 1)
    summary = Sheet(book, m.YEAR_REVIEW_SUMMARY, m.YEAR_REVIEW_HEADERS, SUMMARY_WIDTHS, formats)
    years = [org_year(org, year, ctx) for org in orgs]
    for found in years:
        summary.write(_summary_row(found, places.get(found.org.id)))
    summary.close()
    taken = {m.YEAR_REVIEW_SUMMARY}
    for found in years:
        _org_sheet(book, formats, sheet_name(f"{found.org.code} {found.org.name}", taken), found)
    book.close()
    return len(orgs)


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A sheet's name Excel takes: without the characters it refuses, at most 31 long, not one taken
    already (Excel compares them without case); added to `taken`."""
    base = NOT_IN_NAMES.sub("_", wanted).strip() or "_"
    name, number = base[:NAME_LIMIT], 1
    while name.casefold() in {t.casefold() for t in taken}:
        number += 1
        suffix = f"~{number}"
        name = base[:NAME_LIMIT - len(suffix)] + suffix
    taken.add(name)
    return name


def _summary_row(found: OrgYear, place: int | None) -> list:
    org, score = found.org, found.score
    return [org.code, org.name, org.type, org.area, round(score.total, 2) if score else None,
            round(score.out_of, 2) if score else None, place, found.on_time, len(found.record),
            len(found.rectifications) - found.open_rectifications, found.open_rectifications,
            *(found.comment_kinds.get(kind, 0) for kind in CommentKind)]


def _org_sheet(book, formats, name: str, found: OrgYear) -> None:
    org = found.org
    sheet = Sheet(book, name, (m.YEAR_REVIEW_HEAD.format(org=org.name, code=org.code, year=found.year),),
                  ORG_WIDTHS, formats)
    head, wrap = formats["header"], formats["wrap"]
    score = found.score
    sheet.write([m.YEAR_REVIEW_SCORE, f"{shown(score.total)}/{shown(score.out_of)}" if score else ""], head)
    for line in found.score_lines:
        sheet.write([line])
    blocks = ((m.YEAR_REVIEW_RECORD, m.YEAR_REVIEW_RECORD_HEADERS, found.record),
              (m.YEAR_REVIEW_HIGHLIGHTS, m.YEAR_REVIEW_HIGHLIGHT_HEADERS, found.highlights),
              (m.YEAR_REVIEW_PROBLEMS, m.YEAR_REVIEW_PROBLEM_HEADERS, found.problems),
              (m.YEAR_REVIEW_RECTIFICATIONS, m.YEAR_REVIEW_RECTIFICATION_HEADERS, found.rectifications),
              (m.YEAR_REVIEW_COMMENTS, m.YEAR_REVIEW_COMMENT_HEADERS,
               [(c.period, c.label, c.where, c.text, c.by, c.at) for c in found.comments]))
    for title, headers, rows in blocks:
        sheet.row += 1
        sheet.write([title], head)
        sheet.write(list(headers), head)
        for row in rows or [(m.YEAR_REVIEW_NONE,)]:
            sheet.write(list(row), wrap)
