"""The month from the group: 进度, 催办, 发布, 撤回发布."""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from handlers import cycle_views, messages as m, plans
from handlers.admin import GROUP, Call, task_progress
from handlers.errors import Refusal, UserError
from handlers.registry import ADMINS, LIAISONS
from handlers.replies import Outgoing, Text
from handlers.report_views import month_label, plain
from handlers.stats_views import seen_line, sms_line
from models import Entry, Feedback, Org, OutboxMessage, Period, Report, Task
from models.checkin import deadline
from models.cycle import fillers, open_reports
from models.directory import PeriodStatus
from models.periods import publishable, shift
from models.report import ANSWERS, ReportStatus
from models.schedule import MonthStep
from models.seen import SeenState
from models.separators import split_words
from models.stats import OrgState, progress

NAMES_SHOWN = 10            # unsubmitted orgs named in 进度, furthest behind first (all: 工作台, the export)


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def _month_and_filter(call: Call) -> tuple[str, str]:
    words = call.words
    period = call.period(words.pop(0)) if words and words[0][:1].isdigit() else call.ctx.clock.period()
    return period, " ".join(words)


@GROUP.command("进度", aliases=("status",), who=LIAISONS)
def status_command(call: Call):
    """进度 [月份] [片区或类型] — 已提交、填报中、未开始、逾期，按片区和类型；未提交、未查看的组织
    例：进度 2026-12 学院（片区联络员看本片区，部门联络人看本部门的月度任务）
    进度 T3 [月份]：一项月度任务各组织的完成情况（部门联络人：本部门的任务）"""
    if call.words and task_progress.is_task_code(call.words[0]):
        return task_progress.progress(call)
    period, wanted = _month_and_filter(call)
    if not call.is_admin and call.person.department_id and not call.person.area:
        return call.answer(_department_tasks(period, call.person.department))
    rows = progress(period)
    if not rows:
        return call.answer(m.STATUS_NONE.format(month=month_label(period)))
    if not call.is_admin:
        wanted = call.person.area
    if wanted:
        rows = [r for r in rows if wanted in (r.org.area, r.org.type)]
        if not rows:
            raise UserError(m.STATUS_NO_SUCH_GROUP.format(name=plain(wanted)))
    text = _status_text(period, rows, wanted, call.ctx.clock.today())
    return call.answer(text, f"desk/{period}" if call.is_admin else "")       # 工作台 is the admins'



def _status_text(period: str, rows: list, wanted: str, today) -> str:
    states = Counter(r.state for r in rows)
    submitted = states[OrgState.SUBMITTED]
    late = sum(1 for r in rows if r.state == OrgState.SUBMITTED and r.report.late)
    month = Period.get(Period.key == period)
    dues = [deadline(r.report, month) for r in rows if r.state != OrgState.SUBMITTED]
    overdue = sum(1 for due in dues if due and today > due)
    lines = [m.STATUS_HEAD.format(month=month_label(period), scope=f"（{wanted}）" if wanted else "",
                                  submitted=submitted, orgs=len(rows), share=percent(submitted, len(rows)),
                                  late=late, in_progress=states[OrgState.IN_PROGRESS],
                                  not_started=states[OrgState.NOT_STARTED], missing=states[OrgState.MISSING],
                                  overdue=overdue),
             seen_line(Counter(r.seen_state for r in rows))]
    for what, key in ((m.STATUS_BY_AREA, lambda r: r.org.area or m.NO_AREA), (m.STATUS_BY_TYPE, lambda r: r.org.type)):
        groups = defaultdict(list)
        for row in rows:
            groups[key(row)].append(row)
        if len(groups) > 1:
            lines.append(what + " · ".join(
                m.STATUS_GROUP.format(name=name, submitted=sum(1 for r in group if r.state == OrgState.SUBMITTED),
                                      orgs=len(group)) for name, group in sorted(groups.items())))
    left = sorted((r for r in rows if r.state != OrgState.SUBMITTED),
                  key=lambda r: (r.answered / r.items if r.items else 0, r.org.code))
    if left:
        lines.append(_named(m.STATUS_LEFT, [f"{r.org.name}（{r.answered}/{r.items}）" for r in left]))
    unseen = [r.org.name for r in rows if r.seen_state == SeenState.UNSEEN]
    if unseen:
        lines.append(_named(m.STATUS_UNSEEN, unseen))
    if not wanted:                          # the month's SMS are counted for all its orgs
        lines += [line for line in [sms_line(period)] if line]
    return "\n".join(lines)


def _named(template: str, names: list[str]) -> str:
    """The first NAMES_SHOWN of these orgs by name, and how many more."""
    more = m.STATUS_LEFT_MORE.format(count=len(names) - NAMES_SHOWN) if len(names) > NAMES_SHOWN else ""
    return template.format(count=len(names), names="、".join(names[:NAMES_SHOWN]) + more)


def _department_tasks(period: str, department) -> str:
    tasks = list(Task.select().where(Task.period == period, Task.department == department).order_by(Task.code))
    if not tasks:
        return m.STATUS_NO_TASKS.format(department=department.name, month=month_label(period))
    lines = [m.STATUS_TASKS_HEAD.format(department=department.name, month=month_label(period))]
    for task in tasks:
        counts = Counter(status for (status,) in Entry.select(Entry.status).where(Entry.task == task).tuples())
        parts = [f"{m.STATUS_LABELS[s]} {counts[s]}" for s in ANSWERS if counts[s]]
        parts += [f"{m.UNANSWERED} {counts[None]}"] if counts[None] else []
        lines.append(f"· {task.title}：" + ("，".join(parts) or m.STATUS_NOT_YET))
    return "\n".join(lines)


@GROUP.command("催办", aliases=("remind",), who=ADMINS)
def remind_command(call: Call):
    """催办 [组织编号… 或 全部] — 现在提醒未提交的组织（每个组织每天至多一次；多个组织需确认）
    例：催办 XY01 XY02"""
    period = call.ctx.clock.period()
    month = Period.get_or_none(Period.key == period)
    if month is None or month.status != PeriodStatus.PUBLISHED:
        raise Refusal(m.NUDGE_NOT_OPEN.format(period=period))
    codes = [w.upper() for w in split_words(call.args) if w not in ("全部", "all")]
    if codes:
        known = {code for (code,) in Org.select(Org.code).where(Org.code.in_(codes)).tuples()}
        if set(codes) - known:
            raise UserError(m.NO_SUCH_ORGS.format(codes=plain("、".join(sorted(set(codes) - known)))))
    cards, already = _reminders(call, period, month, codes)
    orgs = len({org for org, _ in cards})
    why = _why_not(period, codes, {org for org, _ in cards}) if codes else []
    if not cards:
        return call.answer("\n".join(why) if codes else _nobody_left(period, already))
    if orgs > 1 and not call.confirmed:
        return call.ask(m.REMIND_PLAN.format(month=month_label(period), orgs=orgs, people=len(cards),
                                             already=already))
    done = m.REMINDED.format(people=len(cards), orgs=orgs, already=already)
    return call.answer("\n".join([done, *why])) + [card for _, card in cards]


def _reminders(call: Call, period: str, month: Period, codes: list[str]) -> tuple[list[tuple[str, Outgoing]], int]:
    """The cards to send now, each with its org's code, and how many people were reminded today already."""
    reports = [r for r in open_reports(period) if not codes or r.org.code in codes]
    today = call.ctx.clock.today()
    people = fillers([r.org_id for r in reports])
    wanted = {f"remind-now:{period}:{today:%Y%m%d}:{p.userid}": (report, p)
              for report in reports for p in people.get(report.org_id, [])}
    done = {key for (key,) in OutboxMessage.select(OutboxMessage.key).where(OutboxMessage.key.in_(list(wanted)))
            .tuples()}
    cards = [(report.org.code, Outgoing(to=person.userid, key=key, reply=cycle_views.nudge_card(
        MonthStep.REMIND, period, report.left, deadline(report, month), month.close_on,
        "remind-now-" + hashlib.sha1(key.encode()).hexdigest()[:20], call.ctx.page(f"report/{period}"))))
        for key, (report, person) in wanted.items() if key not in done]
    return cards, len(done)


def _why_not(period: str, codes: list[str], reminded: set[str]) -> list[str]:
    """For each org named that gets no reminder, why: submitted, no report, nobody to tell, or told today."""
    reports = {r.org.code: r for r in Report.select(Report, Org).join(Org)
               .where(Report.period == period, Org.code.in_(codes))}
    people = fillers([r.org_id for r in reports.values()])
    reasons = []
    for code in dict.fromkeys(codes):
        report = reports.get(code)
        if code in reminded:
            continue
        if report is None:
            reasons.append(m.NUDGE_NO_REPORT.format(code=code, month=month_label(period)))
        elif report.status != ReportStatus.OPEN:
            reasons.append(m.NUDGE_SUBMITTED.format(code=code))
        else:
            reasons.append((m.NUDGE_ALREADY if people.get(report.org_id) else m.NUDGE_NOBODY).format(code=code))
    return reasons


def _nobody_left(period: str, already: int) -> str:
    left = open_reports(period)
    if not left:
        return m.NUDGE_ALL_SUBMITTED.format(month=month_label(period))
    return m.NUDGE_ALL_ALREADY.format(orgs=len(left), people=already)


@GROUP.command("发布", aliases=("publish",), who=ADMINS)
def publish_command(call: Call):
    """发布 [月份] [强制] — 说明将发给谁，确认后发布（可重复，不会重复发卡片）；本月和下月以外需加“强制”
    例：发布 2026-12"""
    words = call.words
    force = any(w in ("强制", "force") for w in words)
    months = [w for w in words if w not in ("强制", "force")]
    period = call.period(months[0] if months else None)
    this = call.ctx.clock.period()
    if not publishable(this, period) and not force:
        raise Refusal(m.PUBLISH_OUT_OF_RANGE.format(this=this, next=shift(this, 1), period=period))
    month = Period.get_or_none(Period.key == period)
    if month is not None and month.status == PeriodStatus.CLOSED:
        raise Refusal(m.PUBLISH_CLOSED.format(period=period))
    if not call.confirmed:
        plan = plans.publish(period, call.ctx.sms)
        return call.ask(plan) if plan else [Text(m.PUBLISH_NOTHING_LEFT.format(month=month_label(period)))]
    return call.background("jobs.admin.run_step", m.PUBLISHING.format(month=month_label(period)),
                           period=period, step=MonthStep.PUBLISH, force=force, by=call.person.userid)


@GROUP.command("撤回发布", aliases=("unpublish",), who=ADMINS)
def unpublish_command(call: Call):
    """撤回发布 月份 — 撤回误发的月报（只在还没有人填报时；需确认），收到卡片的人会被告知
    例：撤回发布 2026-12"""
    if not call.words:
        raise UserError(m.NEED_MONTH)
    period = call.period(call.words[0])
    month = Period.get_or_none(Period.key == period)
    if month is None or month.status != PeriodStatus.PUBLISHED:
        raise Refusal(m.UNPUBLISH_NOT_PUBLISHED.format(month=month_label(period)))
    started = (Report.select().join(Entry).where(Report.period == period, Entry.status.is_null(False))
               .distinct().count())
    submitted = Report.select().where(Report.period == period, Report.status == ReportStatus.SUBMITTED).count()
    feedback = Feedback.select().join(Report).where(Report.period == period).count()
    if started or submitted or feedback:
        raise Refusal(m.UNPUBLISH_STARTED.format(month=month_label(period), orgs=max(started, submitted),
                                                 feedback=feedback))
    if not call.confirmed:
        return call.ask(plans.unpublish(period))
    return call.background("jobs.admin.unpublish", m.UNPUBLISHING.format(month=month_label(period)),
                           period=period, by=call.person.userid)
