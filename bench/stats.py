"""How long the office waits for 统计 and the exports on a year of 5,000 organisations.

    .venv/bin/python bench/stats.py
    YUEBAO_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/stats.py

Builds a synthetic 2026 on SQLite (and PostgreSQL when YUEBAO_TEST_PG_URL is set, in a schema of its
own): the demo's departments, actions and monthly tasks, 5,000 organisations, a report per org and
month with 38 baseline actions and 12 monthly tasks each (3 M entries), notes on one entry in ten,
feedback on most reports. Then prints, beside a plain query that reads the same rows:
- 统计 of a month and of the year as the group gets it at once (figures and text; median of 3 runs),
  and the chart the worker sends after it;
- `flask export-month` and `flask export-year` as separate processes: wall time and peak memory
  (its resident size, sampled every 50 ms), medians of 3 runs.
Targets: month under 2 s, year under 5 s, year export under 60 s and 500 MB.
"""
from __future__ import annotations

import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers import stats_views  # noqa: E402
from jobs import admin, charts  # noqa: E402
from models import Action, Department, Org, Person, Task, bind, database, migrate  # noqa: E402
from models.db import in_schema  # noqa: E402
from models.demo import load_demo_data  # noqa: E402
from models.directory import ROLE_SECRETARY  # noqa: E402
from models.report import Entry, EntryStatus, Feedback, Report, ReportStatus  # noqa: E402
from models.stats import feedback_figures, month_figures, window_figures  # noqa: E402

YEAR, ORGS, ACTIONS, RUNS = 2026, 5000, 38, 3
MONTH = f"{YEAR}-12"
BENCH_SCHEMA = "yuebao_bench"
CHUNK = 1000                                # rows per INSERT
STATUS_WEIGHTS = ((EntryStatus.DONE, 70), (EntryStatus.IN_PROGRESS, 12), (EntryStatus.NOT_APPLICABLE, 8),
                  (EntryStatus.DEFERRED, 6), (EntryStatus.NOT_DONE, 4))
TARGETS = {"统计 month": 2.0, "统计 year": 5.0, "export-year": 60.0}


def fresh_database(url: str, folder: Path) -> str:
    """Bind an empty, migrated database; returns the URL other processes use to reach it."""
    if url.startswith("sqlite"):
        url = f"sqlite:///{folder / 'stats.db'}"
        bind(url)
    else:
        url = in_schema(url, BENCH_SCHEMA)
        bind(url)
        database.execute_sql(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE; CREATE SCHEMA {BENCH_SCHEMA}")
    migrate()
    return url


def insert(model, fields, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK], fields=fields).execute()


def build_year() -> int:
    """The synthetic year; returns how many entries it holds."""
    rng = random.Random(2026)
    for month in range(1, 13):
        load_demo_data(f"{YEAR}-{month:02d}")
    with database.atomic():
        demo = list(Action.select())
        insert(Action, [Action.code, Action.category, Action.title, Action.frequency, Action.target, Action.unit],
               [(f"{a.code}-{n}", a.category, f"{a.title}（{n}）", a.frequency, a.target, a.unit)
                for n in range(2, 4) for a in demo][:ACTIONS - len(demo)])
        first = Org.select().count()
        insert(Org, [Org.code, Org.name, Org.type, Org.area],
               [(f"S{n:05d}", f"第{n}党组织", ("学院", "直属系", "附属医院", "机关部门")[n % 4], f"片区{n % 50:02d}")
                for n in range(first, ORGS)])
        insert(Person, [Person.userid, Person.name, Person.roles, Person.org],
               [(f"bench-{org_id}", f"书记{org_id}", [ROLE_SECRETARY], org_id)
                for (org_id,) in Org.select(Org.id).where(Org.code.startswith("S")).tuples()])
    orgs = [org_id for (org_id,) in Org.select(Org.id).order_by(Org.id).tuples()]
    secretary = dict(Person.select(Person.org, Person.id).where(Person.org.is_null(False)).tuples())
    actions = [(a.id, a.target) for a in Action.select().order_by(Action.id)]
    departments = [d for (d,) in Department.select(Department.id).tuples()]
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    entries, report_id = 0, 0
    for month in range(1, 13):
        period = f"{YEAR}-{month:02d}"
        tasks = [t for (t,) in Task.select(Task.id).where(Task.period == period).tuples()]
        answered_at = datetime.datetime(YEAR, month, 20, 2, 0)
        reports, rows, feedback = [], [], []
        for org_id in orgs:
            report_id += 1
            state = rng.choices((ReportStatus.SUBMITTED, ReportStatus.MISSING), (92, 8))[0]
            reports.append((report_id, org_id, period, state, state == ReportStatus.SUBMITTED and rng.random() < 0.1,
                            answered_at if state == ReportStatus.SUBMITTED else None, answered_at))
            items = [(a, None, target) for a, target in actions] + [(None, t, None) for t in tasks]
            for position, (action, task, target) in enumerate(items, 1):
                status = rng.choices(statuses, weights)[0]
                note = f"第{position}项：按计划完成，已留存材料。" if rng.random() < 0.1 else ""
                reason = "本单位不涉及此项工作" if status == EntryStatus.NOT_APPLICABLE else ""
                amount = rng.randint(0, 2) if target and status == EntryStatus.DONE else None
                rows.append((report_id, position, action, task, status, amount, note, reason,
                             secretary.get(org_id), answered_at))
            for kind in rng.sample(("highlight", "difficulty", "suggestion"), rng.randint(0, 3)):
                feedback.append((report_id, kind, f"{kind} of report {report_id}",
                                 rng.choice(departments) if kind != "highlight" else None, answered_at))
        with database.atomic():
            insert(Report, [Report.id, Report.org, Report.period, Report.status, Report.late, Report.submitted_at,
                            Report.created_at], reports)
            insert(Entry, [Entry.report, Entry.position, Entry.action, Entry.task, Entry.status, Entry.amount,
                           Entry.note, Entry.reason, Entry.answered_by, Entry.answered_at], rows)
            insert(Feedback, [Feedback.report, Feedback.kind, Feedback.text, Feedback.department,
                              Feedback.created_at], feedback)
        entries += len(rows)
    if not database.__class__.__name__.lower().startswith("sqlite"):
        database.execute_sql("ANALYZE")
    return entries


def month_stats() -> str:
    figures = month_figures(MONTH)
    return stats_views.month_text(figures, feedback_figures([MONTH]))


def year_stats() -> str:
    year = stats_views.window(str(YEAR), MONTH)
    months = window_figures(year.first, year.last)
    return stats_views.window_text(year, months, feedback_figures([f.period for f in months]))


PLAIN = ("SELECT e.report_id, e.status, e.amount, e.prior_amount, e.action_id, e.task_id "
         "FROM entry e JOIN report r ON r.id = e.report_id WHERE r.period {}")


def plain_read(where: str, value: str) -> int:
    return len(database.execute_sql(PLAIN.format(where), (value,)).fetchall())


def median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli(url: str, *args: str) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, sampled) of one `flask --app app …` process."""
    env = {**os.environ, "YUEBAO_DATABASE_URL": url, "YUEBAO_CONFIG": str(ROOT / "config.demo.toml"),
           "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL)
    watched, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    if process.wait():
        raise SystemExit(f"flask {' '.join(args)} failed with {process.returncode}")
    return time.perf_counter() - start, peak / 2**20


def verdict(name: str, seconds: float) -> str:
    return "" if name not in TARGETS else ("  ok" if seconds < TARGETS[name] else f"  OVER {TARGETS[name]:.0f} s")


def bench(label: str, url: str, folder: Path) -> None:
    url = fresh_database(url, folder)
    start = time.perf_counter()
    entries = build_year()
    print(f"{label}: {entries:,} entries of {ORGS} organisations × 12 months built in "
          f"{time.perf_counter() - start:.0f} s")
    month_where, year_where = ("= %s", "LIKE %s") if "postgres" in url else ("= ?", "LIKE ?")
    figures = {
        "统计 month": (median_seconds(month_stats), median_seconds(lambda: plain_read(month_where, MONTH)),
                      plain_read(month_where, MONTH)),
        "统计 year": (median_seconds(year_stats), median_seconds(lambda: plain_read(year_where, f"{YEAR}-%")),
                     plain_read(year_where, f"{YEAR}-%")),
    }
    chart = median_seconds(lambda: charts.bars_and_line(folder / "chart.png", "bench", *admin._by_area(MONTH)))
    for name, (seconds, plain, rows) in figures.items():
        print(f"  {name:<12} {seconds:6.2f} s   plain query of its {rows:>9,} entries {plain:6.2f} s   "
              f"ratio {seconds / plain:4.1f}{verdict(name, seconds)}")
    print(f"  chart of the month by area {chart:5.2f} s (sent by the worker after the text)")
    database.close()
    for name, args in (("export-month", ("export-month", MONTH, str(folder / "month.xlsx"))),
                       ("export-year", ("export-year", str(YEAR), str(folder / "year.xlsx")))):
        runs = [cli(url, *args) for _ in range(RUNS)]
        seconds, memory = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        size = Path(args[-1]).stat().st_size / 2**20
        memory_verdict = "" if name != "export-year" else ("  ok" if memory < 500 else "  OVER 500 MB")
        print(f"  {name:<12} {seconds:6.2f} s{verdict(name, seconds)}   peak memory {memory:5.0f} MB"
              f"{memory_verdict}   file {size:5.1f} MB")


def each_database(bench) -> None:
    """bench(label, url, folder) on SQLite, and on PostgreSQL too when YUEBAO_TEST_PG_URL is set."""
    targets = [("SQLite", "sqlite")]
    if os.environ.get("YUEBAO_TEST_PG_URL"):
        targets.append(("PostgreSQL", os.environ["YUEBAO_TEST_PG_URL"]))
    with tempfile.TemporaryDirectory() as folder:
        for label, url in targets:
            bench(label, url, Path(folder))


def main() -> None:
    each_database(bench)


if __name__ == "__main__":
    main()
