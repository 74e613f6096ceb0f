"""Import and export of the lists admins keep in Excel: orgs, people, departments, actions, tasks,
rectifications, indicators (考评指标: the one list an import replaces whole).

An import reads every row first and reports every problem (row as the admin sees it, column,
reason in Chinese); only a file without any problem is written, in one transaction, with bulk
statements. Rows are matched by their code (departments by name, people by account, tasks by
month and code), so importing a file twice changes nothing the second time, and an exported
file imports back without a change. Imports never delete (but the indicators' import, which
replaces the whole tree) and never change `active`; exports list active orgs and actions only.

Files refer to each other, so a fresh directory is loaded in IMPORT_ORDER.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from models.clock import Clock
from models.db import database
from models.lists_io import actions, departments, indicators, orgs, people, rectifications, tasks
from models.lists_io.bulk import Counts
from models.lists_io.cells import RowError
from models.lists_io.tables import Row, TableError, read_table, write_table

KINDS = {"orgs": orgs, "people": people, "departments": departments, "actions": actions, "tasks": tasks,
         "rectifications": rectifications, "indicators": indicators}
IMPORT_ORDER = ("departments", "orgs", "people", "actions", "tasks", "rectifications", "indicators")

__all__ = ["IMPORT_ORDER", "KINDS", "Counts", "ImportResult", "RowError", "TableError",
           "export_file", "export_rows", "import_file", "import_rows"]


@dataclass
class ImportResult:
    kind: str
    rows: int
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)     # written all the same (tasks.late)
    counts: dict[str, Counts] = field(default_factory=dict)   # Chinese label → counts

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.counts.values())

    def summary(self) -> str:
        label = KINDS[self.kind].LABEL
        if self.errors:
            return f"{label}:{self.rows} 行中发现 {len(self.errors)} 处错误,未做任何更改"
        return ";".join(f"{name}:{counts}" for name, counts in self.counts.items())


def _module(kind: str):
    if kind not in KINDS:
        raise ValueError(f"unknown list kind {kind!r}; one of {', '.join(KINDS)}")
    return KINDS[kind]


def _bar(total: int, description: str, progress: bool | None) -> tqdm:
    """A progress bar on stderr; progress=None shows it only on a terminal."""
    return tqdm(total=total, desc=description, unit="行", leave=False,
                disable=None if progress is None else not progress)


def import_rows(kind: str, rows: list[Row], directory, progress: bool | None = False,
                headers: list[str] | None = None, deadline=None, clock: Clock | None = None) -> ImportResult:
    """Check and, when nothing is wrong, write these rows. `directory` is the settings'
    directory section (org types, size classes); `deadline(period)`, the month's deadline, if
    tasks due after it should be warned about; `clock`, the day a rectification without its
    发现日期 was found and when it was listed (the services' clock)."""
    clock = clock or Clock()
    dated = {"today": clock.today()} if kind == "rectifications" else {}
    module = _module(kind)
    result = ImportResult(kind, len(rows))
    if headers is not None:
        result.errors += [RowError(1, header, "缺少此列") for header in module.HEADERS if header not in headers]
        if result.errors:
            return result
    with _bar(len(rows), "检查", progress) as bar:
        plan = module.check(list(_counting(rows, bar)), directory, result.errors, **dated)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    if kind == "tasks" and deadline is not None:
        result.warnings = tasks.late(plan, deadline)
    with _bar(len(rows), "写入", progress) as bar, database.atomic():
        result.counts = module.apply(plan, bar.update, *([clock.utcnow()] if dated else []))
    return result


def _counting(rows, bar):
    for row in rows:
        yield row
        bar.update(1)


def import_file(kind: str, path: Path, directory, progress: bool | None = None, deadline=None,
                clock: Clock | None = None) -> ImportResult:
    """Import a .xlsx or .csv file; TableError when it cannot be read at all."""
    _module(kind)
    headers, rows = read_table(path)
    return import_rows(kind, rows, directory, progress, headers, deadline, clock)


def export_rows(kind: str) -> list[list]:
    return _module(kind).dump()


def export_file(kind: str, path: Path) -> int:
    """Write the list to .xlsx or .csv with the import headers (and what only an export shows, as a
    rectification's state); returns the number of rows."""
    rows = export_rows(kind)
    module = _module(kind)
    write_table(path, getattr(module, "EXPORT_HEADERS", module.HEADERS), rows)
    return len(rows)
