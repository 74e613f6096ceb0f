"""整改清单: 编号, 组织编号, 来源, 问题, 整改措施, 责任人, 整改时限, and optionally 发现日期 (the problem's
date; else the day of the import). The export adds 状态 and 销号日期.

A rectification is identified by its 编号; 组织编号 must name a known org. An import lists new
problems and corrects the fields of known ones; it never moves one (状态 and 销号日期 are read by
no import: a rectification is closed by an admin's 销号, models.rectifications), so an exported file
imports back without a change. A new one gets the first line of its history, by IMPORTED_BY.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import Org
from models.items import natural_key
from models.lists_io.bulk import upsert
from models.lists_io.cells import RowError, RowReader, check_unique
from models.rectifications import (
    RESPONSIBLE_LIMIT,
    SOURCES,
    STATE_LABELS,
    TEXT_LIMIT,
    Move,
    Rectification,
    RectificationEvent,
    RectificationState,
)

LABEL = "整改清单"
HEADERS = ("编号", "组织编号", "来源", "问题", "整改措施", "责任人", "整改时限")
FOUND_ON = "发现日期"
EXPORT_HEADERS = (*HEADERS, "状态", "销号日期", FOUND_ON)
IMPORTED_BY = "import"          # the history's `by` of a rectification listed by an import


@dataclass
class RectificationRow:
    number: int
    record: dict
    new: bool


def _read(reader: RowReader, orgs: dict[str, int], existing: dict[str, Rectification], today) -> RectificationRow:
    code = reader.text("编号", required=True, limit=32).upper()
    org_code = reader.text("组织编号", required=True)
    if org_code and org_code not in orgs:
        reader.fail("组织编号", f"未知组织“{org_code}”")
    source = reader.text("来源", required=True)
    if source and source not in SOURCES:
        reader.fail("来源", f"未知来源“{source}”,可选:{'、'.join(SOURCES)}")
    known = existing.get(code)
    found_on = reader.date(FOUND_ON) or (known.found_on if known else today)
    deadline = reader.date("整改时限") if reader.text("整改时限", required=True) else None
    if deadline is not None and found_on and deadline < found_on:
        reader.fail("整改时限", f"{deadline.isoformat()} 早于发现问题的日期 {found_on.isoformat()}")
    record = {"code": code, "org": orgs.get(org_code), "source": source,
              "problem": reader.text("问题", required=True, limit=TEXT_LIMIT),
              "measures": reader.text("整改措施", limit=TEXT_LIMIT),
              "responsible": reader.text("责任人", required=True, limit=RESPONSIBLE_LIMIT),
              "deadline": deadline, "found_on": found_on}
    return RectificationRow(reader.number, record, known is None)


def check(rows, directory, errors: list[RowError], today) -> list[RectificationRow]:
    orgs = dict(Org.select(Org.code, Org.id).tuples())
    existing = {r.code: r for r in Rectification.select()}
    plan = [_read(RowReader(number, cells, errors), orgs, existing, today) for number, cells in rows]
    check_unique(plan, lambda row: row.record["code"], "编号", errors)
    return plan


def apply(plan: list[RectificationRow], advance, at) -> dict:
    existing = {r.code: r for r in Rectification.select()}
    counts = upsert(Rectification, lambda record: record["code"], [row.record for row in plan], existing, advance)
    new = [row.record["code"] for row in plan if row.new]
    if new:
        RectificationEvent.insert_many([
            {"rectification": r.id, "move": Move.CREATE, "before": "", "after": RectificationState.OPEN,
             "by": IMPORTED_BY, "at": at, "text": "", "media_ids": []}
            for r in Rectification.select().where(Rectification.code.in_(new))]).execute()
    return {LABEL: counts}


def dump(rows: list[Rectification] | None = None) -> list[list]:
    """EXPORT_HEADERS' values for each rectification (of `rows`, or all, by code)."""
    codes = dict(Org.select(Org.id, Org.code).tuples())
    rows = sorted(Rectification.select(), key=lambda r: natural_key(r.code)) if rows is None else rows
    return [[r.code, codes[r.org_id], r.source, r.problem, r.measures, r.responsible, r.deadline.isoformat(),
             STATE_LABELS[r.state], r.closed_on.isoformat() if r.closed_on else "", r.found_on.isoformat()]
            for r in rows]
