"""Where the admin jobs put the files they make, a name per kind and month or year: the jobs write
there (jobs.admin) and 工作台 offers them for download from there (pages/desk.py), without the
chart and spreadsheet code the jobs import."""
from __future__ import annotations

from pathlib import Path

from handlers import messages as m
from handlers.report_views import month_label


def made_file(config, kind: str, key: str | int, org: str | None = None) -> Path:
    """Where a job puts a file: kind "month" or "tasks" (key a period), "year" (a year), "chart"
    (either), "ranking" (key what the ranking is of, as its head names it), "bulletin" (key the period
    as 通报 names it: 2026年下半年) or "review" (述职, a year); an org's own export adds its code, a task's
    progress the task's code or department."""
    suffix = f"_{org}" if org else ""
    if kind == "bulletin":
        name = m.BULLETIN_FILE.format(what=key)
    elif kind == "review":
        name = m.YEAR_REVIEW_FILE.format(year=key)
    elif kind == "ranking":
        name = m.RANK_CHART_FILE.format(what=key)
    elif kind == "month":
        name = m.EXPORT_FILE_MONTH.format(month=month_label(key), org=suffix)
    elif kind == "tasks":
        name = m.EXPORT_FILE_TASKS.format(month=month_label(key), org=suffix)
    elif kind == "year":
        name = m.EXPORT_FILE_YEAR.format(year=key, org=suffix)
    else:
        name = m.CHART_FILE.format(what=month_label(key) if isinstance(key, str) else f"{key}年")
    return Path(config.app.files_dir) / name
