"""Baseline actions (责任清单): 编号, 类别, 名称, 要求, 频次, 目标, 单位, 适用类型.

适用类型 lists org types, size classes or tags; "非X" excludes X; empty means every org.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import CATEGORIES, FREQUENCIES, Action, Org
from models.items import action_order
from models.lists_io.bulk import upsert
from models.lists_io.cells import RowError, RowReader, applicability_text, check_unique

LABEL = "基础动作"
HEADERS = ("编号", "类别", "名称", "要求", "频次", "目标", "单位", "适用类型")
FREQUENCY_LABELS = {frequency: label for label, frequency in FREQUENCIES.items()}


@dataclass
class ActionRow:
    number: int
    record: dict


def known_traits(directory) -> set[str]:
    """What 适用类型 may name: the configured org types and size classes, and the orgs' tags."""
    tags = {tag for (org_tags,) in Org.select(Org.tags).tuples() for tag in org_tags}
    return set(directory.org_types) | set(directory.size_classes) | tags


def _read(reader: RowReader, known: set[str]) -> ActionRow:
    applies_to, excludes = reader.applicability("适用类型", known)
    record = {
        "code": reader.text("编号", required=True, limit=32),
        "category": reader.choice("类别", {category: category for category in CATEGORIES}, "类别"),
        "title": reader.text("名称", required=True, limit=128),
        "requirement": reader.text("要求"),
        "frequency": reader.choice("频次", FREQUENCIES, "频次"),
        "target": reader.positive_integer("目标"),
        "unit": reader.text("单位", limit=16),
        "applies_to": applies_to,
        "excludes": excludes,
    }
    return ActionRow(reader.number, record)


def check(rows, directory, errors: list[RowError]) -> list[ActionRow]:
    known = known_traits(directory)
    action_rows = [_read(RowReader(number, cells, errors), known) for number, cells in rows]
    check_unique(action_rows, lambda row: row.record["code"], "编号", errors)
    return action_rows


def apply(action_rows: list[ActionRow], advance) -> dict:
    existing = {action.code: action for action in Action.select()}
    counts = upsert(Action, lambda record: record["code"], [row.record for row in action_rows],
                    existing, advance)
    return {LABEL: counts}


def dump() -> list[list]:
    actions = sorted(Action.select().where(Action.active, Action.org.is_null()), key=action_order)  # 共性 only
    return [
        [action.code, action.category, action.title, action.requirement,
         FREQUENCY_LABELS.get(action.frequency, action.frequency), action.target, action.unit,
         applicability_text(action.applies_to, action.excludes)]
        for action in actions
    ]
