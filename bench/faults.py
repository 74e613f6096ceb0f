"""What the fault, fuzz and authorization tests observed, as figures beside what they expect.

    .venv/bin/python bench/faults.py
    YUEBAO_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/faults.py

Runs tests/faults/, tests/test_exactly_once.py and tests/test_authorization.py (on SQLite, and on
PostgreSQL when YUEBAO_TEST_PG_URL is set) with $YUEBAO_FIGURES pointing at a file where each test
writes what it counted (the `figures` fixture), then prints per kind and database: callbacks
retried / acted on twice; sends / duplicates / losses under kills and failing WeCom; fuzz cases /
5xx / database changes; authorization cells acting / expected. The expected column is the baseline:
what a correct run gives. The tests themselves pass or fail on the same counts.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/faults", "tests/test_exactly_once.py", "tests/test_authorization.py"]
# kind → (figure, what a correct run gives: a number, or the name of the figure it must equal)
EXPECTED = {
    "kills": [("callbacks", None), ("retried", None), ("answers", None), ("stored", "answers"),
              ("cards", None), ("sent", None), ("duplicates", 0), ("lost", 0)],
    "wecom faults": [("cards", None), ("sent", "cards"), ("retried", None), ("duplicates", 0), ("lost", 0)],
    "topology": [("cards", None), ("sent", "cards"), ("duplicates", 0), ("lost", 0), ("answers", None),
                 ("stored", "answers")],
    "concurrency": [("answers", None), ("stored", "answers"), ("failed_jobs", 0), ("resent", 0)],
    "fuzz": [("cases", None), ("server_errors", 0), ("database_changes", 0)],
    "authorization": [("cells", None), ("acting", "expected_acting"), ("as_expected", "cells")],
}


def run_tests(figures: Path) -> int:
    env = {**os.environ, "YUEBAO_FIGURES": str(figures)}
    command = [sys.executable, "-m", "pytest", "-q", "--all", "--show-capture=no", *TESTS]
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def totals(lines: list[dict]) -> dict:
    """(kind, database, what) → the figures summed over the tests that recorded them."""
    summed: dict = defaultdict(lambda: defaultdict(int))
    for line in lines:
        what = line.get("fault") or line.get("place") or line.get("test_of") or ""
        for name, value in line.items():
            if isinstance(value, int) and not isinstance(value, bool):
                summed[(line["kind"], line["database"], what)][name] += value
    return summed


def show(summed: dict) -> None:
    print(f"{'kind':<14}{'database':<12}{'case':<40}{'figure':<18}{'observed':>10}{'expected':>10}")
    for (kind, database, what), numbers in sorted(summed.items()):
        for name, wanted in EXPECTED.get(kind, []):
            if name not in numbers:
                continue
            expected = numbers.get(wanted, "") if isinstance(wanted, str) else ("" if wanted is None else wanted)
            mark = "" if expected == "" or expected == numbers[name] else "  <-- differs"
            print(f"{kind:<14}{database:<12}{what[:38]:<40}{name:<18}{numbers[name]:>10}{expected!s:>10}{mark}")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures.jsonl"
        status = run_tests(figures)
        lines = [json.loads(line) for line in figures.read_text(encoding="utf-8").splitlines()] \
            if figures.exists() else []
    show(totals(lines))
    print(f"\n{len(lines)} recordings; the tests {'passed' if status == 0 else 'FAILED'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
