"""What the office reports upward, from the group: 统计 (a text now, a chart after), 导出 (Excel);
and 审计, the admin commands run lately (工作台 shows the same lines)."""
from __future__ import annotations

from handlers import messages as m, shares, stats_views
from handlers.admin import GROUP, YEAR, Call, rectifications, task_progress
from handlers.errors import UserError
from handlers.registry import ADMINS, DEPARTMENTS
from handlers.report_views import month_label, plain
from models import AuditEntry, Person, Rectification
from models.audit import GROUP_PLACE

AUDIT_SHOWN = 20
AUDIT_MAX = 100


def _month_or_year(call: Call) -> tuple[str | None, int | None, list[str]]:
    """(period, year, the other words) from "2026-12" or "2026" (default: this month)."""
    words = call.words
    if words and YEAR.match(words[0]):
        return None, int(words[0]), words[1:]
    if words and words[0][:1].isdigit():
        return call.period(words[0]), None, words[1:]
    return call.ctx.clock.period(), None, words


@GROUP.command("统计", aliases=("stats",), who=ADMINS)
def stats_command(call: Call):
    """统计 [月份 或 时段] — 提交、完成率、月度任务达标、类别、目标、反馈内容；随后发图表（月、年）
    例：统计 2026-12　或　统计 近三个月、统计 2026Q4、统计 2026H2、统计 2026、统计 2026-10..2026-12"""
    span = stats_views.window(call.args.strip(), call.ctx.clock.period())
    text = stats_views.text_of(span)
    if not text:
        raise UserError(m.STATS_NOTHING.format(what=span.label))
    if Rectification.select().exists():                 # the rectifications as of today, whatever the window
        text += "\n" + rectifications.figures_head(call.ctx.clock.today())
        if span.year:
            text += "\n" + rectifications.letters_line(span.year, call.ctx.clock.zone)
    if span.year and shares.stats_line(span.year):
        text += "\n" + shares.stats_line(span.year)
    if span.single:
        return call.answer(text, f"desk/{span.first}") + call.background("jobs.admin.chart", m.CHART_COMING,
                                                                          period=span.first)
    replies = call.answer(text, f"desk/{span.last}?stats={span.word}")
    if span.year:                                   # the chart is drawn for a month or a year
        replies += call.background("jobs.admin.chart", m.CHART_COMING, year=span.year)
    return replies


@GROUP.command("导出", aliases=("export",), who=DEPARTMENTS)
def export_command(call: Call):
    """导出 [月份 或 年份] [组织编号] — 本月的回答，或年度工作一览表，作为 Excel 文件发给您
    例：导出 2026-12　或　导出 2026 XY01
    导出 T3 [月份]：一项月度任务各组织的完成情况（部门联络人发“导出”：本部门本月的任务）"""
    if not call.is_admin or (call.words and task_progress.is_task_code(call.words[0])):
        return task_progress.export(call)
    period, year, rest = _month_or_year(call)
    org = rest[0].upper() if rest else None
    if year is not None:
        return call.background("jobs.admin.export_year", m.EXPORTING.format(what=f"{year}年度工作一览表"),
                               year=year, org=org)
    return call.background("jobs.admin.export_month", m.EXPORTING.format(what=f"{month_label(period)}月报"),
                           period=period, org=org)


@GROUP.command("审计", aliases=("audit",), args=r"\d{1,3}", who=ADMINS)
def audit_command(call: Call):
    """审计 [条数] — 最近运行的管理命令：时间、谁、在哪、什么、结果
    例：审计 30"""
    count = min(int(call.args or AUDIT_SHOWN), AUDIT_MAX)
    lines = [plain(" · ".join(line)) for line in audit_lines(call.ctx.clock, count)]
    return call.answer("\n".join([m.AUDIT_HEAD.format(count=len(lines)), *lines]) if lines else m.AUDIT_NONE)


def audit_lines(clock, count: int) -> list[tuple[str, str, str, str, str]]:
    """The last `count` commands run, anywhere: when, who, where, what, and how it went."""
    rows = AuditEntry.latest(count)
    names = dict(Person.select(Person.userid, Person.name).where(Person.userid.in_([r.userid for r in rows])).tuples())
    return [(f"{clock.local(row.at):%m-%d %H:%M}", names.get(row.userid, row.userid), _place(row.place),
             row.text, m.AUDIT_OUTCOMES.get(row.outcome, row.outcome)) for row in rows]


def _place(place: str) -> str:
    return m.AUDIT_GROUP_PLACE if place.startswith(GROUP_PLACE) else m.AUDIT_PLACES.get(place, place)
