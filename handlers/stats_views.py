"""The statistics as text, in the words the office reports with (e.g. "73 个组织中，55 个完成了
12 项月度任务中的 9 项以上，占 75.3%")."""
from __future__ import annotations

from handlers import messages as m
from handlers.report_views import clip, month_label
from models.periods import split
from models.stats import FeedbackFigures, MonthFigures

SHARE_DONE = 0.75           # an org "完成" its month at three quarters of its applicable items


def percent(part: float, whole: float) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def task_sentence(figures: MonthFigures) -> str:
    if not figures.tasks:
        return m.STATS_NO_TASKS
    return m.STATS_TASKS.format(orgs=figures.orgs, over=figures.orgs_over_threshold, tasks=figures.tasks,
                                threshold=figures.task_threshold,
                                share=percent(figures.orgs_over_threshold, figures.orgs))


def month_text(figures: MonthFigures, feedback: FeedbackFigures) -> str:
    shares = list(figures.shares.values())
    lines = [m.STATS_MONTH.format(month=month_label(figures.period), orgs=figures.orgs,
                                  submitted=figures.submitted, late=figures.late, missing=figures.missing,
                                  share=percent(figures.submitted, figures.orgs)),
             m.STATS_SHARES.format(average=percent(sum(shares), len(shares)),
                                   done=sum(1 for s in shares if s >= SHARE_DONE), orgs=len(shares),
                                   deferred=sum(figures.deferred.values())),
             task_sentence(figures)]
    if figures.categories:
        lines.append(m.STATS_CATEGORIES + " · ".join(
            f"{m.SHORT_CATEGORY.get(name, name)} {percent(done, applicable)}"
            for name, (done, applicable) in figures.categories.items()))
    if figures.most_left:
        lines.append(m.STATS_LEFT + " · ".join(f"{clip(title, 12)} {n}" for title, n in figures.most_left))
    lines += [m.STATS_TARGET.format(title=clip(title, 12), reached=reached, orgs=orgs, target=target)
              for title, target, reached, orgs in figures.targets]
    lines.append(feedback_line(feedback))
    return "\n".join(lines)


def feedback_line(feedback: FeedbackFigures) -> str:
    kinds = {kind: feedback.kinds.get(kind, 0) for kind in m.FEEDBACK_KIND_LABELS}
    parts = [f"{m.FEEDBACK_KIND_LABELS[k]} {n}（{percent(n, feedback.entries)}）" for k, n in kinds.items()]
    answered = sum(a for a, _ in feedback.by_department.values())
    waiting = sum(o for _, o in feedback.by_department.values())
    line = m.STATS_FEEDBACK.format(entries=feedback.entries, kinds="，".join(parts), answered=answered, open=waiting)
    if feedback.by_department:
        line += "\n" + m.STATS_BY_DEPARTMENT + " · ".join(
            m.STATS_DEPARTMENT.format(name=name, answered=a, open=o) for name, (a, o) in feedback.by_department.items())
    return line


def year_text(year: int, months: list[MonthFigures], feedback: FeedbackFigures) -> str:
    lines = [m.STATS_YEAR.format(year=year)]
    for figures in months:
        shares = list(figures.shares.values())
        lines.append(m.STATS_YEAR_MONTH.format(month=split(figures.period)[1], submitted=figures.submitted,
                                               orgs=figures.orgs, share=percent(figures.submitted, figures.orgs),
                                               average=percent(sum(shares), len(shares)),
                                               over=figures.orgs_over_threshold, tasks=figures.tasks))
    lines.append(feedback_line(feedback))
    lines.append(m.STATS_TREND + _trends(months))
    return "\n".join(lines)


def _trends(months: list[MonthFigures]) -> str:
    """Orgs whose share went up or down from their first month to their last."""
    first, last = {}, {}
    for figures in months:
        for code, share in figures.shares.items():
            first.setdefault(code, share)
            last[code] = share
    up = sum(1 for code in last if last[code] > first[code])
    down = sum(1 for code in last if last[code] < first[code])
    return m.STATS_TREND_COUNTS.format(up=up, down=down, same=len(last) - up - down)
