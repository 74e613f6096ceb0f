"""The admin commands' work that is longer than a callback (handlers/admin/, as Background replies).
Each job sends its result to the asker's 1:1 chat (`to`), once, whatever the retries."""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path

from rq import get_current_job

from bot import outbound
from handlers import messages as m, reviews
from handlers.replies import FileReply, Text
from handlers.report_views import month_label
from handlers.router import Context
from jobs import cycle, publish, runtime
from jobs.files import made_file
from models import Org, database
from models.rankings import ranking
from models.stats import OrgState, month_figures, progress, window_figures


def _send(services, to: str, *replies) -> None:
    job = get_current_job()
    name = job.id if job else hashlib.sha1(repr(replies).encode()).hexdigest()[:16]
    with database.atomic():
        rows = [outbound.enqueue(f"result:{name}:{i}", "app", to, reply, services.clock.utcnow())
                for i, reply in enumerate(replies, 1)]
    services.outbox.kick([row for row in rows if row is not None])


def _write(path: Path, write):
    """`write(part)` makes the file beside its place, then it is moved in at once: a download never
    gets half a file, and an earlier one stays whole until the new one is ready."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{os.getpid()}.{path.name}")      # the same suffix: it says the format
    try:
        made = write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return made


def run_step(period: str, step: str, to: str, by: str, force: bool = False) -> str:
    services = runtime.services()
    with database.connection_context():
        outcome = cycle.run_step(services, period, step, ran_by=by, force=force)
        names = {"month": month_label(period), "step": m.STEP_NAMES[step]}
        if outcome.state == "ran":
            counts = "，".join(f"{m.COUNT_NAMES.get(k, k)} {v}" for k, v in outcome.counts.items())
            text = m.STEP_DONE.format(counts=counts, **names)
        elif outcome.state == "skipped":
            text = m.STEP_SKIPPED.format(reason=outcome.note, **names)
        else:
            text = m.STEP_FAILED.format(**names)
        _send(services, to, Text(text))
    return outcome.state


def unpublish(period: str, to: str, by: str) -> dict:
    services = runtime.services()
    with database.connection_context():
        counts = publish.unpublish(services, period, by)
        _send(services, to, Text(m.UNPUBLISHED.format(month=month_label(period), **counts)))
    return counts


def chart(to: str, period: str | None = None, year: int | None = None) -> str:
    from jobs import charts  # matplotlib: a second of imports that only this job needs

    services = runtime.services()
    with database.connection_context():
        if year is not None:
            months = window_figures(f"{year}-01", f"{year}-12")
            what, title = f"{year}年", m.CHART_TITLE_YEAR.format(year=year)
            labels = [f"{int(f.period[5:])}月" for f in months]
            orgs, submitted = [f.orgs for f in months], [f.submitted for f in months]
            shares = [sum(f.shares.values()) / len(f.shares) if f.shares else 0 for f in months]
        else:
            what, title = month_label(period), m.CHART_TITLE_MONTH.format(month=month_label(period))
            labels, orgs, submitted, shares = _by_area(period)
        path = made_file(services.config, "chart", period or year)
        _write(path, lambda part: charts.bars_and_line(part, title, labels, orgs, submitted, shares))
        _send(services, to, Text(m.CHART_READY.format(what=what)), FileReply(str(path), "image"))
    return str(path)


def ranking_chart(to: str, period: str, label: str, org_type: str | None = None, area: str | None = None) -> str:
    """排名's chart: the ranked orgs' score rates, the bottom three in red."""
    from jobs import charts  # matplotlib: a second of imports that only the chart jobs need

    services = runtime.services()
    with database.connection_context():
        rows = ranking(period, services.clock.today(), org_type, area)
        scope = org_type or area or m.RANK_ALL
        path = made_file(services.config, "ranking", f"{label}（{scope}）")
        _write(path, lambda part: charts.ranking_bars(
            part, m.RANK_CHART_TITLE.format(what=label, scope=scope), [f"{row.place}. {row.org.name}" for row in rows],
            [row.rate for row in rows], [row.bottom for row in rows]))
        _send(services, to, Text(m.RANK_CHART_READY.format(what=label, scope=scope)), FileReply(str(path), "image"))
    return str(path)


def _by_area(period: str) -> tuple[list, list, list, list]:
    figures = month_figures(period)
    areas = dict(Org.select(Org.code, Org.area).tuples())
    submitted_codes = {row.org.code for row in progress(period) if row.state == OrgState.SUBMITTED}
    groups = defaultdict(lambda: [0, 0, []])
    for code, area in areas.items():
        if code in figures.shares or code in submitted_codes:
            group = groups[area or m.NO_AREA]
            group[0] += 1
            group[1] += code in submitted_codes
            group[2].append(figures.shares.get(code, 0))
    labels = sorted(groups)
    return (labels, [groups[a][0] for a in labels], [groups[a][1] for a in labels],
            [sum(groups[a][2]) / len(groups[a][2]) if groups[a][2] else 0 for a in labels])


def _file_job(to: str, named: tuple, write, said) -> str:
    """Make a file under the name made_file gives `named` (`write(part, services)` writes it), then send
    it to `to` after the line `said(its name, what write returned)`."""
    services = runtime.services()
    with database.connection_context():
        path = made_file(services.config, *named)
        made = _write(path, lambda part: write(part, services))
        _send(services, to, Text(said(path.name, made)), FileReply(str(path)))
    return str(path)


def _export_ready(name: str, rows: int) -> str:
    return m.EXPORT_READY.format(name=name, rows=rows)


def export_month(period: str, to: str, org: str | None = None) -> str:
    from jobs import exports  # xlsxwriter: imported by the export jobs only

    return _file_job(to, ("month", period, org),
                     lambda part, services: exports.month(period, part, org, services.clock.local), _export_ready)


def export_year(year: int, to: str, org: str | None = None) -> str:
    from jobs import exports  # xlsxwriter: imported by the export jobs only

    return _file_job(to, ("year", year, org),
                     lambda part, services: exports.year(year, part, org, services.clock), _export_ready)


def export_tasks(period: str, codes: list[str], name: str, to: str) -> str:
    """The month's answers to these tasks (a department's, checked by the command that queued it)."""
    from jobs import exports  # xlsxwriter: imported by the export jobs only

    return _file_job(to, ("tasks", period, name),
                     lambda part, services: exports.tasks(period, codes, part, services.clock.local), _export_ready)


def bulletin(word: str, to: str) -> str:
    """通报: the period's bulletin as a Word document (handlers.reviews words it)."""
    from jobs import bulletins  # python-docx: imported by this job only

    services = runtime.services()
    with database.connection_context():
        made = reviews.bulletin(word, Context(clock=services.clock))
        path = made_file(services.config, "bulletin", made.label)
        _write(path, lambda part: bulletins.write(part, made))
        _send(services, to, Text(m.BULLETIN_READY.format(name=path.name)), FileReply(str(path)))
    return str(path)


def year_review(year: int, to: str) -> str:
    """述职: the year-end workbook, a summary and a sheet per organisation."""
    from jobs import year_reviews  # xlsxwriter: imported by the export jobs only

    return _file_job(to, ("review", year),
                     lambda part, services: year_reviews.write(year, part, Context(clock=services.clock)),
                     lambda name, orgs: m.YEAR_REVIEW_READY.format(name=name, orgs=orgs))
