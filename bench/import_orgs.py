"""How long importing 5,000 organisations takes (target: under 10 s).

    .venv/bin/python bench/import_orgs.py
    YUEBAO_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_orgs.py

For .xlsx and .csv, on SQLite (and PostgreSQL when YUEBAO_TEST_PG_URL is set, in a schema of
its own), prints the median of 3 runs of: a fresh import (5,000 orgs, 5,000 secretaries, 50 area
liaisons), a re-import that changes nothing, and two baselines — reading the file alone, and a
plain insert_many of the same org rows without any checks.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import settings  # noqa: E402
from models import Org, bind, database, migrate  # noqa: E402
from models.db import in_schema  # noqa: E402
from models.lists_io import import_file  # noqa: E402
from models.lists_io.orgs import HEADERS  # noqa: E402
from models.lists_io.tables import read_table, write_table  # noqa: E402

ORGS = 5000
RUNS = 3
BENCH_SCHEMA = "yuebao_bench"
DIRECTORY = settings.DirectorySection()


def org_rows() -> list[list]:
    types, sizes = DIRECTORY.org_types, DIRECTORY.size_classes
    return [[f"ORG{n:05d}", f"第{n}党组织", types[n % len(types)], sizes[n % len(sizes)],
             "新建院系、无毕业年级" if n % 10 == 0 else "", f"片区{n % 50:02d}",
             f"sec-{n:05d}", f"书记{n}", f"pq-{n % 50:02d}", f"联络员{n % 50}"]
            for n in range(ORGS)]


def fresh_database(url: str) -> None:
    """Bind an empty, migrated database."""
    if database.obj is not None and not database.is_closed():
        database.close()
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        bind(url)
    else:
        bind(in_schema(url, BENCH_SCHEMA))
        database.execute_sql(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE; CREATE SCHEMA {BENCH_SCHEMA}")
    migrate()


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def plain_insert(path: Path) -> None:
    _, rows = read_table(path)
    records = [{"code": cells["编号"], "name": cells["名称"], "type": cells["类型"],
                "size_class": cells["规模"], "tags": cells["标签"].split("、") if cells["标签"] else [],
                "area": cells["片区"]} for _, cells in rows]
    with database.atomic():
        for start in range(0, len(records), 500):
            Org.insert_many(records[start:start + 500]).execute()


def run_once(url: str, path: Path) -> dict[str, float]:
    fresh_database(url)
    fresh = timed(lambda: import_file("orgs", path, DIRECTORY, progress=False))
    again = timed(lambda: import_file("orgs", path, DIRECTORY, progress=False))
    read = timed(lambda: read_table(path))
    fresh_database(url)
    insert = timed(lambda: plain_insert(path))
    database.close()
    return {"import": fresh, "re-import": again, "read only": read, "plain insert": insert}


def bench(label: str, url: str, path: Path) -> None:
    runs = [run_once(url, path) for _ in range(RUNS)]
    median = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    verdict = "ok" if median["import"] < 10 else "TOO SLOW"
    print(f"{label:<18} import {median['import']:6.2f} s   re-import {median['re-import']:6.2f} s   "
          f"read only {median['read only']:5.2f} s   plain insert {median['plain insert']:5.2f} s   "
          f"import/plain insert {median['import'] / median['plain insert']:4.1f}x   {verdict}")


def main() -> None:
    rows = org_rows()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = {suffix: folder / f"orgs{suffix}" for suffix in (".xlsx", ".csv")}
        for path in files.values():
            write_table(path, HEADERS, rows)
        targets = [("sqlite", f"sqlite:///{folder / 'bench.db'}")]
        if os.environ.get("YUEBAO_TEST_PG_URL"):
            targets.append(("postgresql", os.environ["YUEBAO_TEST_PG_URL"]))
        print(f"{ORGS} organisations, median of {RUNS} runs")
        for name, url in targets:
            for suffix, path in files.items():
                bench(f"{name} {suffix}", url, path)


if __name__ == "__main__":
    main()
