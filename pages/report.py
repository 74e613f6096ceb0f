"""我的月报 (/h5/report): an org's report of a month for its secretary and deputies, its items by
category, part three, and 提交; the same page read-only for admins (/h5/orgs/<code>/<period>, from
工作台). Each change goes through the chat's own rules and writes
(models.checkin) and tells whom the chat tells (the handlers' Outgoing replies, queued in the same
transaction): the chat and the page read the same rows, so each sees the other's change at once.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from peewee import JOIN, fn

from handlers import (
    comments as comment_views,
    messages as m,
    own_items as own_chat,
    phrases,
    rectifications as rectification_views,
    report_views as views,
    score_views,
)
from handlers.checkin import MAX_TEXT
from handlers.checkin_commands import submitted_cards
from handlers.checkin_moves import report_changed
from handlers.checkin_questions import departments
from handlers.errors import Refusal
from handlers.feedback import route
from handlers.registry import ADMINS
from models import Department, Entry, Evidence, Feedback, Indicator, Org, Report, own_items, seen
from models.checkin import (
    NEEDS_REASON,
    Refused,
    add_feedback,
    amount_limit,
    answer as answer_entry,
    counted,
    deadline,
    entries,
    latest_report,
    report_of,
    submit as submit_report,
)
from models.comments import KIND_LABELS as COMMENT_KINDS, of as comments_of
from models.directory import CATEGORIES, FREQUENCIES, PeriodStatus
from models.fields import typed
from models.rectifications import RectificationState, listed
from models.report import ANSWERS, FeedbackKind, ReportStatus
from pages import texts
from pages.auth import FILLERS, bp, chat_context, current_person, message, page
from pages.changes import change

log = logging.getLogger(__name__)
AMOUNT_DIGITS = 6       # a longer number is no amount any item takes
NOT_A_NUMBER = -1       # typed as an amount but not one: counted items refuse it, the others drop it
FEEDBACK = "feedback"   # the anchor of part three, and where its form's error is shown
OWN = "own"             # the anchor of the org's own items (个性指标), and where their form's error is shown
CATEGORY_ORDER = {**{category: i for i, category in enumerate(CATEGORIES)}, m.TASK_KIND: len(CATEGORIES) + 1}


@dataclass(frozen=True)
class Item:
    """An entry as the page shows it."""

    entry: Entry
    category: str
    title: str
    detail: str                 # the requirement or the task's details, its department, the deadline
    tally: str | None           # 本年已完成 1/2 次
    photos: int
    counted: bool               # its answer takes a number, up to `limit` `unit`
    limit: int
    unit: str

    @property
    def label(self) -> str:
        return m.STATUS_LABELS.get(self.entry.status, m.UNANSWERED)


@bp.get("/report")
@page(who=FILLERS)
def this_month():
    """The report the chat goes to: the latest month started and still open, else the last closed."""
    found = latest_report(current_person().org_id, chat_context().clock.period())
    return show(found) if found else message(200, m.NO_REPORT)


@bp.get("/report/<period>")
@page(who=FILLERS)
def month(period: str):
    return show(own_report(period))


@bp.get("/orgs/<code>/<period>")
@page(who=ADMINS)
def org_month(code: str, period: str):
    """An org's month as its secretary sees it, without the forms: an admin's look from 工作台."""
    org = Org.get_or_none(Org.code == code[:32])
    return show(own_report(period, org.id), readonly=True) if org else message(404, texts.NO_SUCH_REPORT)


@bp.post("/report/<period>/answer")
@page(who=FILLERS)
def answer(period: str):
    """Answer or change one item (the form names its entry: only one of this report's is taken)."""
    report = _editable(period)
    entry = next((e for e in entries(report) if str(e.id) == request.form.get("entry")), None)
    if entry is None:
        log.warning("pages: %s sent an answer to an entry not of their report", current_person().userid)
        return message(403, texts.NOT_YOURS)
    given, failure = _answer_form(entry)
    if failure:
        return show(report, failed=(entry.id, failure))
    person = current_person()
    try:
        with change() as outgoing:
            answer_entry(entry, person, chat_context().clock.utcnow(), **given)
            outgoing += report_changed(report, person, entry)
    except Refused as refused:
        text = m.ASK_REASON.format(position=entry.position) if refused.needs == NEEDS_REASON else (
            m.HINT_AMOUNT.format(limit=refused.limit))
        return show(report, failed=(entry.id, text))
    flash(m.CHANGED.format(position=entry.position, label=m.STATUS_LABELS[entry.status]))
    return back_to(report, f"e{entry.id}")


@bp.post("/report/<period>/feedback")
@page(who=FILLERS)
def feedback(period: str):
    """A highlight, difficulty or suggestion; the last two may go to a department, as in the chat."""
    report = _editable(period)
    if report.status == ReportStatus.SUBMITTED:
        return message(403, texts.FEEDBACK_AFTER_SUBMIT)
    kind, text = request.form.get("kind", ""), form_text("text") or ""
    failure = (texts.CHOOSE_KIND if kind not in tuple(FeedbackKind)
               else m.HINT_TOO_LONG.format(limit=MAX_TEXT) if len(text) > MAX_TEXT else None)
    if failure:
        return show(report, failed=(FEEDBACK, failure))
    person = current_person()
    try:
        with change() as outgoing:
            added = add_feedback(report, kind, "" if phrases.normal(text) in phrases.NO_MORE else text, person,
                                 chat_context().clock.utcnow(), _department(request.form.get("department", "")))
            if added.department_id:
                outgoing += route(added, person.org.name, report.period, chat_context())
    except Refused:
        return show(report, failed=(FEEDBACK, m.HINT_EMPTY))
    flash(texts.FEEDBACK_SENT.format(department=added.department.name) if added.department_id
          else texts.FEEDBACK_ADDED)
    return back_to(report, FEEDBACK)


@bp.post("/report/<period>/own-items")
@page(who=FILLERS)
def own_item(period: str):
    """自选 添加 on the page: a proposal of the org's own item (any month, closed ones too)."""
    report, form = own_report(period), request.form
    target = form.get("target", "").strip()
    frequency = form.get("frequency", "") + (target + form.get("unit", "").strip() if target else "")
    person = current_person()
    try:
        given = own_items.proposal(form.get("title", ""), form.get("category", ""), frequency, form_text("why") or "")
        with change():
            added = own_items.propose(person.org, person, given, chat_context().clock.utcnow())
    except own_items.Refused as refused:
        log.info("pages: own item proposal by %s not taken: %s", person.userid, refused.problem)
        return show(report, failed=(OWN, own_chat.problem_text(refused)))
    flash(own_chat.proposed_text(added))
    return back_to(report, OWN)


@bp.post("/report/<period>/submit")
@page(who=FILLERS)
def submit(period: str):
    """提交: with items unanswered, once more to confirm (they become 未完成), as in the chat."""
    report = _editable(period)
    month_, until = views.month_label(report.period), views.day_label(report.period_row.close_on)
    if report.status == ReportStatus.SUBMITTED:
        flash(texts.ALREADY_SUBMITTED.format(month=month_, until=until))
        return back_to(report, "submit")
    items = entries(report)
    left = [e.position for e in items if e.status is None]
    if left and not request.form.get("confirm"):
        return show(report, confirm=texts.CONFIRM_SUBMIT.format(count=len(left), positions=views.positions_text(left)))
    clock = chat_context().clock
    with change() as outgoing:
        submit_report(report, report.period_row, items, current_person(), clock.utcnow(), clock.today())
        outgoing += submitted_cards(report)
    flash(texts.JUST_SUBMITTED.format(month=month_, late=m.LATE if report.late else "", until=until))
    return back_to(report, "submit")


def show(report: Report, failed: tuple | None = None, confirm: str = "", readonly: bool = False):
    """The report's page; `failed` (an entry id or FEEDBACK, and why) keeps what was typed there;
    `readonly` (an admin's look) shows no forms and leads back to 工作台."""
    period, items = report.period_row, entries(report)
    closed, due = period.status == PeriodStatus.CLOSED, deadline(report, period)
    if not (closed or readonly):        # the person's visit: a sign they saw the month (models.seen)
        seen.record(current_person(), report.period, seen.SeenHow.PAGE, chat_context().clock.utcnow())
    photos = dict(Evidence.select(Evidence.entry, fn.COUNT(Evidence.id)).join(Entry)
                  .where(Entry.report == report).group_by(Evidence.entry).tuples())
    notes = list(Feedback.select(Feedback, Department).join(Department, JOIN.LEFT_OUTER)
                 .where(Feedback.report == report).order_by(Feedback.id))
    month_ = views.month_label(report.period)
    comments = comment_views.shown(comments_of(orgs=[report.org_id], periods=[report.period], withdrawn=readonly),
                                   chat_context())
    return render_template(
        "report.html", report=report, org=report.org, month=month_, readonly=readonly,
        editable=not (closed or readonly),
        state=views.report_state(report, items, closed), progress=views.progress_text(items).splitlines(),
        due=texts.DEADLINE.format(day=views.day_label(due)),
        closed=texts.MONTH_CLOSED.format(month=month_) if closed else "",
        groups=_groups([_item(entry, photos.get(entry.id, 0), due) for entry in items]), feedback=notes,
        departments=departments(), answers=m.CHOICES, kinds=m.FEEDBACK_KIND_LABELS, carried=m.CARRIED_OVER,
        submitted=_submitted_line(report), failed=failed, form=request.form, confirm=confirm, longest=MAX_TEXT,
        own_items=[own_chat.line(item) for item in own_items.of_org(report.org_id)], categories=CATEGORIES,
        frequencies=FREQUENCIES, rectifications=_rectifications(report.org_id), texts=texts,
        comments=comments, item_comments=_by_item(comments), comment_kinds=COMMENT_KINDS,
        score=_score(report, own=not readonly))


def _by_item(comments: list[comment_views.Shown]) -> dict[int, list[comment_views.Shown]]:
    """The comments on single items, by the item's position (shown beside it)."""
    found = defaultdict(list)
    for comment in comments:
        if comment.position is not None:
            found[comment.position].append(comment)
    return dict(found)


def _score(report: Report, own: bool) -> list[str]:
    """The month's score as the chat's 得分 gives it (the org's own people: without its code); the
    one line saying why there is none; nothing before indicators are imported."""
    if not Indicator.select().exists():
        return []
    ctx = chat_context()
    try:
        return score_views.lines(score_views.explained(report.org, report.period, ctx), ctx, own)
    except Refusal as exc:
        return [str(exc)]


def _rectifications(org_id: int) -> list[tuple[str, str, bool]]:
    """(code, line, whether the org may move it now) of the org's rectifications not closed, as the
    chat's 整改 lists them."""
    today = chat_context().clock.today()
    return [(r.code, rectification_views.line(r, today, with_org=False), r.state == RectificationState.OPEN)
            for r in listed(orgs=[org_id], states=(RectificationState.OPEN, RectificationState.SUBMITTED),
                            today=today)]


def own_report(period: str, org_id: int | None = None) -> Report:
    """The report of `period` of the person's org (or of `org_id`), a month published and started
    (404 otherwise)."""
    found = report_of(org_id or current_person().org_id, chat_context().clock.period(), period)
    if found is None:
        abort(make_response(message(404, texts.NO_SUCH_REPORT)))
    return found


def _editable(period: str) -> Report:
    """The report, while its month is open: a closed month is read-only (403), as in the chat."""
    report = own_report(period)
    if report.period_row.status == PeriodStatus.CLOSED:
        abort(make_response(message(403, texts.MONTH_CLOSED.format(month=views.month_label(report.period)))))
    return report


def back_to(report: Report, anchor: str):
    """After a change, the report again (a reload does not post the form twice)."""
    return redirect(url_for(".month", period=report.period) + "#" + anchor, 303)


def form_text(name: str) -> str | None:
    value = request.form.get(name)
    return None if value is None else typed(value.replace("\r\n", "\n"))


def _answer_form(entry: Entry) -> tuple[dict, str | None]:
    """The answer the form gives (for models.checkin.answer), or why it is none."""
    status, reason, note = request.form.get("status", ""), form_text("reason") or "", form_text("note")
    typed = request.form.get("amount", "").strip()
    amount = None if not typed else int(typed) if typed.isdecimal() and len(typed) <= AMOUNT_DIGITS else NOT_A_NUMBER
    given = {"status": status, "amount": amount, "reason": reason, "note": note}
    if status not in ANSWERS:
        return given, texts.CHOOSE_STATUS.format(position=entry.position)
    if len(reason) > MAX_TEXT or (note is not None and note != entry.note and len(note) > MAX_TEXT):
        return given, m.HINT_TOO_LONG.format(limit=MAX_TEXT)
    return given, None


def _department(typed: str) -> Department | None:
    return Department.get_or_none(Department.id == int(typed)) if typed.isdecimal() and len(typed) < 10 else None


def _item(entry: Entry, photos: int, due) -> Item:
    if entry.action_id:
        category, detail, unit = entry.action.category, [entry.action.requirement], entry.action.unit
    else:
        task = entry.task
        category, detail, unit = m.TASK_KIND, [task.details, task.department.name if task.department_id else ""], ""
        due = task.due_date or due
    detail.append(m.ITEM_DUE.format(day=views.day_label(due)))
    title = (m.OWN_MARK if entry.action_id and entry.action.own else "") + views.item_title(entry)
    return Item(entry, category, title, " · ".join(filter(None, detail)), views.tally_line(entry),
                photos, counted(entry), amount_limit(entry), unit or m.DEFAULT_UNIT)


def _groups(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """The items by category, in the responsibility list's order, the monthly tasks last."""
    grouped = defaultdict(list)
    for item in items:
        grouped[item.category].append(item)
    return sorted(grouped.items(), key=lambda group: CATEGORY_ORDER.get(group[0], len(CATEGORIES)))


def _submitted_line(report: Report) -> str:
    if report.status != ReportStatus.SUBMITTED:
        return ""
    when = chat_context().clock.local(report.submitted_at)
    return texts.SUBMITTED_BY.format(name=report.submitted_by.name if report.submitted_by_id else "",
                                     when=f"{when:%m-%d %H:%M}", late=m.LATE if report.late else "")
