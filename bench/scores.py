"""How long a ranking or the year export waits for a year's scores of 5,000 organisations.

    .venv/bin/python bench/scores.py
    YUEBAO_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/scores.py

Builds bench/stats.py's synthetic 2026 (5,000 organisations, a report per org and month, 3 M
entries) and adds the demo's indicators (seed 004: 40 points of daily work by the month, the office's
点评 among them, 60 of the year-end review marked by hand), a rectification in one org of three with a
deadline in the year, closed on time, late or not at all, a comment (表扬, 提醒 or 问题) on every
other org's month, and a year-end mark for every org. Then prints, beside a plain
query that reads the same entries, the medians of 3 runs of:
- every org's month score (models.scores.scores("2026-12"));
- every org's year score (scores("2026"): each 月度 leaf month by month, averaged);
- one org's year score explained (what 得分 XY01 2026 computes).
Target: the year under 5 s.
"""
from __future__ import annotations

import datetime
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.stats  # noqa: E402
from bench.stats import MONTH, ORGS, YEAR, build_year, each_database, fresh_database, insert, median_seconds, plain_read  # noqa: E402
from models import Comment, Org, Rectification, ScoreMark, database  # noqa: E402
from models.scores import explain, scores  # noqa: E402

TODAY = datetime.date(YEAR + 1, 1, 10)
TARGET = 5.0
bench.stats.BENCH_SCHEMA = "yuebao_bench_scores"       # not bench/stats.py's own, should both run at once


def add_scoring() -> None:
    """Rectifications, comments and year-end marks on top of the synthetic year (the indicators are the
    demo's, loaded with it)."""
    rng = random.Random(2027)
    orgs = [org_id for (org_id,) in Org.select(Org.id).order_by(Org.id).tuples()]
    rows, marks = [], []
    at = datetime.datetime(YEAR, 12, 30)
    comments = [(org_id, f"{YEAR}-{month:02d}", rng.choice(("praise", "reminder", "problem")), "点评", "dangwei01", at)
                for org_id in orgs[::2] for month in range(1, 13)]
    for number, org_id in enumerate(orgs[::3]):
        deadline = datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
        closed_on = rng.choice((deadline - datetime.timedelta(days=3), deadline + datetime.timedelta(days=9), None))
        rows.append((f"B{number:05d}", org_id, "巡察", "问题", deadline - datetime.timedelta(days=60), deadline,
                     "closed" if closed_on else "open", closed_on))
    for org_id in orgs:
        marks.append((org_id, str(YEAR), "2.1", rng.randint(30, 50), "述职评议", "dangwei01", at))
        marks.append((org_id, str(YEAR), "2.2", rng.randint(0, 10), "特色", "dangwei01", at))
    with database.atomic():
        insert(Rectification, [Rectification.code, Rectification.org, Rectification.source, Rectification.problem,
                               Rectification.found_on, Rectification.deadline, Rectification.state,
                               Rectification.closed_on], rows)
        insert(Comment, [Comment.org, Comment.period, Comment.kind, Comment.text, Comment.by, Comment.at], comments)
        insert(ScoreMark, [ScoreMark.org, ScoreMark.period, ScoreMark.indicator, ScoreMark.value, ScoreMark.reason,
                           ScoreMark.by, ScoreMark.at], marks)


def bench(label: str, url: str, folder: Path) -> None:
    url = fresh_database(url, folder)
    start = time.perf_counter()
    entries = build_year()
    add_scoring()
    print(f"{label}: {entries:,} entries of {ORGS} organisations × 12 months built in "
          f"{time.perf_counter() - start:.0f} s")
    month_where, year_where = ("= %s", "LIKE %s") if "postgres" in url else ("= ?", "LIKE ?")
    org = Org.get(Org.code == "XY01")
    figures = (
        ("month scores", scores(MONTH, TODAY), lambda: scores(MONTH, TODAY),
         lambda: plain_read(month_where, MONTH)),
        ("year scores", scores(str(YEAR), TODAY), lambda: scores(str(YEAR), TODAY),
         lambda: plain_read(year_where, f"{YEAR}-%")),
    )
    for name, result, action, plain in figures:
        seconds, baseline = median_seconds(action), median_seconds(plain)
        verdict = "" if name != "year scores" else ("  ok" if seconds < TARGET else f"  OVER {TARGET:.0f} s")
        print(f"  {name:<13} {seconds:6.2f} s for {len(result):,} orgs   plain query of the same entries "
              f"{baseline:6.2f} s   ratio {seconds / baseline:4.1f}{verdict}")
    one = median_seconds(lambda: explain(org, str(YEAR), TODAY))
    print(f"  one org's year explained {one:6.2f} s")
    database.close()


def main() -> None:
    each_database(bench)


if __name__ == "__main__":
    main()
