"""工作台 (/h5/desk): an admin's month at once — progress by area and by type, how many orgs were seen
(未查看 / 已查看未提交 / 已提交, models.seen), the orgs not submitted,
the statistics, the last audit entries — from the queries the group's commands use (models.stats,
handlers.stats_views). Its buttons (催办, 导出, the chart) run the group's commands themselves
(handlers.admin.run, audited with place "h5"): the command's answer is the page's notice, its
messages go through the outbox in the page's transaction, and its Background jobs are queued as the
chat's edge queues them, so the file or chart arrives in the admin's chat with the app.
"""
from __future__ import annotations

import datetime
import logging
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from redis.exceptions import RedisError

from bot.dispatch import queue_background
from handlers import admin, messages as m, rectifications as rectification_views, shares as share_views, stats_views
from handlers.admin import own_items as admin_own_items, reports
from handlers.admin.rectifications import figures_head as rectification_figures
from handlers.checkin import MAX_TEXT
from handlers.errors import UserError
from handlers.registry import ADMINS
from handlers.replies import Background, Outgoing, Text
from handlers.report_views import month_label
from jobs.files import made_file
from models import Org, confirmation, shares
from models.audit import PAGE_PLACE
from models.periods import check, shift, split
from models.rectifications import SOURCES, RectificationState, evidence, listed
from models.stats import OrgProgress, OrgState, progress
from pages import texts
from pages.auth import bp, chat_context, current_person, message, page
from pages.changes import change
from pages.home import progress_line

log = logging.getLogger(__name__)
AUDIT_SHOWN = 30
STATES = (OrgState.SUBMITTED, OrgState.IN_PROGRESS, OrgState.NOT_STARTED, OrgState.MISSING)
FILES = ("month", "year", "chart", "bulletin", "review")    # what 工作台 offers once a job made it (made_file)


@dataclass(frozen=True)
class Tally:
    """One row of a progress table: how many orgs of a group are in each of STATES."""

    name: str
    counts: tuple[int, ...]
    orgs: int


@bp.get("/desk", defaults={"period": None})
@bp.get("/desk/<period>")
@page(who=ADMINS)
def desk(period: str | None):
    this = chat_context().clock.period()
    period = _period(period or this)
    rows = progress(period)
    left = [row for row in rows if row.state != OrgState.SUBMITTED]
    return render_template(
        "desk.html", texts=texts, month=month_label(period), period=period, this=this,
        states=[m.ORG_STATES[state] for state in STATES],
        head=progress_line(rows) or texts.DESK_NOTHING.format(month=month_label(period)),
        seen=stats_views.seen_line(Counter(row.seen_state for row in rows)) if rows else "", seen_labels=m.SEEN_STATES,
        tables=[(texts.DESK_BY_AREA, _tallies(rows, lambda row: row.org.area or m.NO_AREA)),
                (texts.DESK_BY_TYPE, _tallies(rows, lambda row: row.org.type))] if rows else [],
        left=left, labels=m.ORG_STATES, remind=period == this, stats=_stats(period, request.args.get("stats", "")),
        windows=_windows(period, request.args.get("stats", "")), audit=_audit(), files=_made(period),
        own_items=admin_own_items.waiting_lines(), rectifications=_rectifications(), sources=SOURCES,
        shares=_shares(split(period)[0]), confirming=confirmation.waiting(current_person().userid, PAGE_PLACE),
        earlier=shift(period, -1), later=shift(period, 1) if period < this else None)


def _rectifications() -> tuple[str, list[tuple[str, str, str]]]:
    """整改 统计's first line, and (code, line, the evidence given: "" unless it waits for acceptance)
    of the rectifications not closed, the overdue first."""
    today = chat_context().clock.today()
    open_ones = listed(states=(RectificationState.OPEN, RectificationState.SUBMITTED), today=today)
    return rectification_figures(today), [(r.code, rectification_views.line(r, today), _evidence(r))
                                          for r in open_ones]


def _evidence(r) -> str:
    if r.state != RectificationState.SUBMITTED:
        return ""
    said, photos = evidence(r)
    return texts.DESK_EVIDENCE.format(text=said, photos=texts.DESK_PHOTOS.format(count=photos) if photos else "")


@bp.get("/desk/<period>/files/<kind>")
@page(who=ADMINS)
def download(period: str, kind: str):
    """A file a job made for the month (FILES): the Excel files as downloads, the chart as a picture."""
    path = _file(_period(period), kind) if kind in FILES else None
    if path is None or not path.is_file():
        return message(404, texts.DESK_NOT_MADE)
    return send_file(path, as_attachment=kind != "chart", download_name=path.name, max_age=0)


@bp.post("/desk/remind")
@page(who=ADMINS)
def remind():
    """催办 one org, as the group's 催办 does (this month only, once a day per person)."""
    code = request.form.get("org", "").strip()
    if not code or Org.get_or_none(Org.code == code) is None:
        return message(400, texts.DESK_NO_ORG)
    return _run(f"催办 {code}", chat_context().clock.period())


@bp.post("/desk/<period>/export")
@page(who=ADMINS)
def export(period: str):
    """导出 the month, or its year's overview (what="year"); 通报 of the month's half (what="bulletin") or
    述职 of its year (what="review"): the group's commands, the file comes in chat."""
    period = _period(period)
    commands = {"year": f"导出 {split(period)[0]}", "bulletin": f"通报 {_half(period)}",
                "review": f"述职 {split(period)[0]}"}
    return _run(commands.get(request.form.get("what", ""), f"导出 {period}"), period)


@bp.post("/desk/<period>/chart")
@page(who=ADMINS)
def chart(period: str):
    """统计 the month: its answer, and the chart it sends to the chat."""
    period = _period(period)
    return _run(f"统计 {period}", period)


@bp.post("/desk/own-items/<int:number>/<verb>")
@page(who=ADMINS)
def own_item_decide(number: int, verb: str):
    """自选 通过 N or 自选 退回 N 原因 (verb approve or return): the group's command, the proposer told."""
    words = {"approve": admin_own_items.APPROVE, "return": admin_own_items.SEND_BACK}
    if verb not in words:
        abort(404)
    reason = " ".join(request.form.get("reason", "").split())[:MAX_TEXT]
    return _run(f"自选 {words[verb]} {number} {reason}".strip(), chat_context().clock.period())


def _run(command: str, period: str):
    """Run an admin command as the person, from the page; its answer is flashed, the desk shown again."""
    return run_command(command, url_for(".desk", period=period) + "#notice")


def run_command(command: str, back: str):
    """Run an admin command as the person, from a page; its answer is flashed, `back` shown again."""
    with change() as outgoing:
        replies = admin.run(command, current_person(), chat_context(), PAGE_PLACE)
        outgoing += [reply for reply in replies if isinstance(reply, Outgoing)]
    work = [reply for reply in replies if isinstance(reply, Background)]
    notice = [reply.note if isinstance(reply, Background) else reply.content for reply in replies
              if isinstance(reply, (Text, Background))]
    if work and not _start(work):
        notice = [m.JOB_NOT_STARTED]
    for line in notice:
        flash(line)
    return redirect(back, 303)


def _start(work: list[Background]) -> bool:
    """Queue the command's Background jobs as the chat's edge does (bot.dispatch); False when Redis
    will not take them."""
    once = secrets.token_hex(8)
    try:
        for index, item in enumerate(work, 1):
            queue_background(current_app.extensions["yuebao"], item, f"background-h5-{once}-{index}")
    except RedisError as exc:
        log.warning("pages: could not start %s for %s (%s)", [item.job for item in work], current_person().userid,
                    type(exc).__name__)
        return False
    return True


def _file(period: str, kind: str):
    config = current_app.config["YUEBAO"]
    if kind == "bulletin":
        return made_file(config, kind, stats_views.window(_half(period), period).label)
    return made_file(config, kind, split(period)[0] if kind in ("year", "review") else period)


def _half(period: str) -> str:
    """The half-year of the month, as 通报 takes it: 2026H2."""
    year, month = split(period)
    return f"{year}H{(month - 1) // 6 + 1}"


def _made(period: str) -> dict[str, tuple[str, str]]:
    """The month's files made so far, by kind: (name, when made)."""
    clock, made = chat_context().clock, {}
    for kind in FILES:
        path = _file(period, kind)
        if path.is_file():
            when = clock.local(datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc))
            made[kind] = (path.name, f"{when:%m-%d %H:%M}")
    return made


def _period(key: str) -> str:
    try:
        return check(key)
    except ValueError:
        abort(make_response(message(404, m.BAD_MONTH.format(word=key[:20]))))


def _tallies(rows: list[OrgProgress], key) -> list[Tally]:
    """The orgs by `key`, each group's count in each state."""
    groups: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        groups[key(row)][row.state] += 1
    return [Tally(name, tuple(counts[state] for state in STATES), sum(counts.values()))
            for name, counts in sorted(groups.items())]


def _stats(period: str, word: str) -> list[str]:
    """统计's text for the month, or for the window `word` names (as 统计 reads it, 近三个月 ending
    with the month shown), line by line; none before anything is published."""
    try:
        span = stats_views.window(word or period, period)
    except UserError as exc:
        abort(make_response(message(404, str(exc))))
    lines = stats_views.text_of(span).splitlines()
    shared = share_views.stats_line(span.year) if lines and span.year else ""
    return lines + ([shared] if shared else [])


def _shares(year: int) -> tuple[str, list[tuple[str, str, bool]]]:
    """分享's first line for the year, and (code, line, withdrawn) of each share."""
    rows = shares.of_year(year)
    withdrawn = sum(share.withdrawn for share in rows)
    head = m.SHARE_HEAD.format(year=year, count=len(rows) - withdrawn, withdrawn=withdrawn) if rows else ""
    return head, [(share.code, share_views.line(share), share.withdrawn) for share in rows]


def _windows(period: str, word: str) -> list[tuple[str, str, bool]]:
    """The windows 统计 can be read over from this month: (name, the word in the address, shown now)."""
    year, month = split(period)
    words = (period, "近三个月", f"{year}Q{(month - 1) // 3 + 1}", f"{year}H{(month - 1) // 6 + 1}", str(year))
    return [(name, typed, typed == (word or period)) for name, typed in zip(texts.DESK_WINDOWS, words, strict=True)]


def _audit() -> list[tuple[str, str, str, str, str]]:
    """The last commands run, as the group's 审计 shows them."""
    return reports.audit_lines(chat_context().clock, AUDIT_SHOWN)
