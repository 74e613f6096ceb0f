"""考评指标: 编号, 上级编号, 名称, 分值, 周期, 计算方式, 参数, 适用类型.

The rules are one document: an import replaces the whole tree (indicators missing from the file are
deleted; the office's marks name indicators by code and are kept). Refused whole when the tree is
wrong: an unknown parent, a loop of parents, a code twice, children whose points do not add up to
their parent's (to 0.01), a branch with a computation or a leaf without one, an unknown computation,
cycle or org type (empty 适用类型: every org, 共性), a 点评 leaf whose 参数 is not "基础 N 每次 M"
(N at most its points, M above 0), or no indicator at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from models.indicators import COMPUTATION_LABELS, CYCLE_LABELS, Computation, Indicator, comment_params, tree
from models.lists_io.bulk import Counts, upsert
from models.lists_io.cells import RowError, RowReader, check_unique, join_list

LABEL = "考评指标"
HEADERS = ("编号", "上级编号", "名称", "分值", "周期", "计算方式", "参数", "适用类型")
POINTS = re.compile(r"^\d{1,4}(\.\d{1,2})?$")
TOLERANCE = 0.005               # points add up "to 0.01"


@dataclass
class Replaced(Counts):
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return super().changed or bool(self.deleted)

    def __str__(self) -> str:
        return f"整体替换:{super().__str__()},删除 {self.deleted}"


@dataclass
class IndicatorRow:
    number: int
    record: dict


def _read(reader: RowReader, position: int, org_types: list[str]) -> IndicatorRow:
    code = reader.text("编号", required=True, limit=32)
    points_text = reader.text("分值", required=True)
    points = float(points_text) if POINTS.match(points_text) and float(points_text) > 0 else None
    if points_text and points is None:
        reader.fail("分值", f"应为正数(最多两位小数),不是“{points_text}”")
    applies_to = reader.items("适用类型")
    for kind in applies_to:
        if kind not in org_types:
            reader.fail("适用类型", f"未知类型“{kind}”,可选:{join_list(org_types)}")
    record = {"code": code, "parent": reader.text("上级编号", limit=32) or None,
              "name": reader.text("名称", required=True, limit=64), "points": points,
              "cycle": reader.choice("周期", {label: cycle for cycle, label in CYCLE_LABELS.items()}, "周期", ""),
              "computation": reader.choice("计算方式", {label: c for c, label in COMPUTATION_LABELS.items()},
                                           "计算方式", ""),
              "params": reader.text("参数", limit=128), "applies_to": applies_to, "position": position}
    if record["computation"] == Computation.COMMENTS:
        _check_comment_params(reader, record)
    return IndicatorRow(reader.number, record)


def _check_comment_params(reader: RowReader, record: dict) -> None:
    """A 点评 leaf's 参数: 基础 N 每次 M, N within its points, M above 0."""
    params = comment_params(record["params"])
    if params is None and not record["params"]:
        reader.fail("参数", "点评须填“基础 N 每次 M”(无点评得基础分,每条表扬加、问题扣 M 分),如“基础 3 每次 1”")
    elif params is None:
        reader.fail("参数", f"点评的参数应写成“基础 3 每次 1”这样,不是“{record['params']}”")
    elif params.per <= 0:
        reader.fail("参数", "点评的每次分值应大于 0")
    elif record["points"] is not None and params.base > record["points"]:
        reader.fail("参数", f"点评的基础分 {params.base:g} 超过分值 {record['points']:g}")


def check(rows, directory, errors: list[RowError]) -> list[IndicatorRow]:
    plan = [_read(RowReader(number, cells, errors), position, list(directory.org_types))
            for position, (number, cells) in enumerate(rows, start=1)]
    if not plan:
        errors.append(RowError(1, "编号", "文件中没有任何指标"))
        return plan
    check_unique(plan, lambda row: row.record["code"], "编号", errors)
    _check_tree(plan, errors)
    return plan


def _check_tree(plan: list[IndicatorRow], errors: list[RowError]) -> None:
    by_code = {row.record["code"]: row for row in reversed(plan)}      # the first of a code twice
    children = {code: [row for row in plan if row.record["parent"] == code] for code in by_code}
    for row in plan:
        record = row.record
        parent = record["parent"]
        if parent is not None and parent not in by_code:
            errors.append(RowError(row.number, "上级编号", f"未知上级编号“{parent}”"))
        elif _in_loop(record["code"], by_code):
            errors.append(RowError(row.number, "上级编号", f"上级编号形成循环(“{record['code']}”是自己的上级)"))
        if children.get(record["code"]) and record["computation"]:
            errors.append(RowError(row.number, "计算方式", "有下级的指标不填计算方式"))
        if not children.get(record["code"]):
            if not record["computation"] and "计算方式" not in _failed(errors, row):
                errors.append(RowError(row.number, "计算方式", "没有下级的指标须填计算方式"))
            if not record["cycle"] and "周期" not in _failed(errors, row):
                errors.append(RowError(row.number, "周期", "没有下级的指标须填周期(月度或年度)"))
        points = [child.record["points"] for child in children.get(record["code"], [])]
        if points and record["points"] is not None and None not in points and \
                abs(sum(points) - record["points"]) > TOLERANCE:
            errors.append(RowError(row.number, "分值", f"下级分值之和 {round(sum(points), 2):g} "
                                                       f"不等于 {record['points']:g}"))


def _failed(errors: list[RowError], row: IndicatorRow) -> set[str]:
    return {error.column for error in errors if error.row == row.number}


def _in_loop(code: str, by_code: dict[str, IndicatorRow]) -> bool:
    seen, current = set(), code
    while current is not None and current in by_code:
        if current in seen:
            return current == code
        seen.add(current)
        current = by_code[current].record["parent"]
    return False


def apply(plan: list[IndicatorRow], advance) -> dict:
    existing = {indicator.code: indicator for indicator in Indicator.select()}
    counts = upsert(Indicator, lambda record: record["code"], [row.record for row in plan], existing, advance)
    gone = set(existing) - {row.record["code"] for row in plan}
    if gone:
        Indicator.delete().where(Indicator.code.in_(list(gone))).execute()
    return {LABEL: Replaced(counts.created, counts.updated, counts.unchanged, len(gone))}


def dump() -> list[list]:
    return [[i.code, i.parent or "", i.name, f"{i.points:g}", CYCLE_LABELS.get(i.cycle, ""),
             COMPUTATION_LABELS.get(i.computation, ""), i.params, join_list(i.applies_to)] for i in tree()]
