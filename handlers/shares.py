"""What a share says: the question before it (plans), the card its audience gets, the line its org
is told, the year's list, and why one was not made. The org's name is never in what an anonymous
share's audience reads (the card says 某学院)."""
from __future__ import annotations

from handlers import messages as m
from handlers.replies import Card, Outgoing, Text
from handlers.report_views import month_label, quoted
from models import OutboxMessage, Person, Report
from models.shares import Audience, Plan, Problem, Refused, Share, counted, highlights

NAME = "分享"
WHAT_SHOWN = 30             # a highlight quoted in a line


def card_key(share: Share, userid: str) -> str:
    return f"share:{share.id}:{userid}"


def told_key(share: Share, userid: str) -> str:
    return f"share:{share.id}:told:{userid}"


def what(feedback, number: int | None) -> str:
    """月报, or 亮点2（…）."""
    if feedback is None:
        return m.SHARE_WHAT_REPORT
    return m.SHARE_WHAT_HIGHLIGHT.format(number=number, text=quoted(feedback.text, WHAT_SHOWN))


def number_of(share: Share) -> int | None:
    """The shared highlight's number in its report (亮点N), or None for the whole report."""
    if share.feedback_id is None:
        return None
    return next((n for n, f in enumerate(highlights(share.report), 1) if f.id == share.feedback_id), None)


def hider(report: Report, anonymous: bool):
    """For an anonymous share, what the org's people wrote with the org's name and code and their own
    names replaced (某单位); otherwise the text as it is."""
    if not anonymous:
        return str
    names = sorted({report.org.name, report.org.code, *(name for (name,) in Person.select(Person.name)
                                                         .where(Person.org == report.org).tuples() if name)},
                   key=len, reverse=True)

    def hide(text: str) -> str:
        for name in names:
            text = text.replace(name, m.SHARE_HIDDEN)
        return text
    return hide


def org_shown(report: Report, anonymous: bool) -> str:
    """The org as the audience reads it: its name, or 某学院."""
    return m.SHARE_SOMEONE.format(type=report.org.type) if anonymous else report.org.name


def audience_text(report: Report, audience: str) -> str:
    return (m.SHARE_AUDIENCE_ALL if audience == Audience.ALL
            else m.SHARE_AUDIENCE_TYPE.format(type=report.org.type))


def named_text(anonymous: bool) -> str:
    return m.SHARE_ANONYMOUS if anonymous else m.SHARE_NAMED


def plan_text(planned: Plan) -> str:
    report = planned.report
    return m.SHARE_PLAN.format(org=f"{report.org.name}（{report.org.code}）", month=month_label(report.period),
                               what=what(planned.feedback, planned.number),
                               audience=audience_text(report, planned.audience), people=len(planned.recipients),
                               named=named_text(planned.anonymous), told=len(planned.told))


def messages(share: Share, planned: Plan, ctx) -> list[Outgoing]:
    """The card to each secretary of the audience, and the line to the shared org's people."""
    report, number = planned.report, planned.number
    hide = hider(report, share.anonymous)
    card = Card(title=m.SHARE_CARD_TITLE.format(month=month_label(report.period)),
                description=m.SHARE_CARD_DESCRIPTION.format(org=org_shown(report, share.anonymous),
                                                            what=hide(what(planned.feedback, number))),
                url=ctx.page(f"shared/{share.id}"))
    told = Text(m.SHARE_TOLD.format(month=month_label(report.period), what=what(planned.feedback, number),
                                    audience=audience_text(report, share.audience),
                                    named=named_text(share.anonymous)))
    return ([Outgoing(to=person.userid, reply=card, key=card_key(share, person.userid))
             for person in planned.recipients]
            + [Outgoing(to=person.userid, reply=told, key=told_key(share, person.userid)) for person in planned.told])


def sent(share: Share) -> int:
    """How many of the audience were sent the card."""
    prefix = f"share:{share.id}:"
    return (OutboxMessage.select().where(OutboxMessage.key.startswith(prefix),
                                         ~OutboxMessage.key.startswith(prefix + "told:")).count())


def line(share: Share) -> str:
    """FX1 · 岭南学院 · 2026年12月 · 月报 · 学院类组织 · 已发 5 人 · 已撤回 (the admins' list)."""
    report = share.report
    org = m.SHARE_LINE_ANONYMOUS.format(org=report.org.name) if share.anonymous else report.org.name
    return m.SHARE_LINE.format(code=share.code, org=org, month=month_label(report.period),
                               what=what(share.feedback, number_of(share)),
                               audience=audience_text(report, share.audience), sent=sent(share),
                               withdrawn=m.SHARE_LINE_WITHDRAWN if share.withdrawn else "")


def withdraw_text(share: Share) -> str:
    report = share.report
    return m.SHARE_WITHDRAW_PLAN.format(code=share.code, org=report.org.name, month=month_label(report.period),
                                        what=what(share.feedback, number_of(share)), people=sent(share))


def problem_text(refused: Refused, typed: str = "", org: str = "", period: str = "", number: int | None = None,
                 count: int = 0) -> str:
    """The one line saying why nothing was shared or withdrawn."""
    if refused.problem == Problem.UNKNOWN_ORG:
        return m.NO_SUCH_ORGS.format(codes=quoted(typed, 32))
    share = refused.share
    return m.SHARE_PROBLEMS[refused.problem].format(
        org=org, month=month_label(period) if period else "", number=number, count=count,
        code=share.code if share else quoted(typed, 32),
        what=what(share.feedback, number_of(share)) if share else "")


def stats_line(year: int) -> str:
    """统计 over a year (and 工作台's 全年): the year's shares standing, or "" when none."""
    count = counted(year)
    return m.SHARE_STATS.format(year=year, count=count) if count else ""
