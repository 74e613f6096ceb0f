"""Scores from the indicators (models/indicators.py), for a month ("2026-12": the 月度 leaves), a
quarter or a half ("2026Q4", "2026H2": the 月度 leaves, each the average of the org's months that had
a report) or a year ("2026": those, and the 年度 leaves), and the office's corrections added (a
month's counts in a longer window averaged as the 月度 leaves are). `scores` gives every org's in a
few grouped queries (what a ranking or an export reads); `explain` gives one org's with the notes
that explain each leaf's points.

    scores("2026", today)   org id → Score(total 87.5, out_of 100, values {"1.1": 23.75, …}, corrected 2)

An org is scored for a period only if it had a report in it. A leaf counts for an org when it and
every indicator above it apply to the org's type (empty applies_to: every type); `out_of` is the
sum of those leaves' points.
"""
from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import fn

from models import periods
from models.directory import Org
from models.indicators import Cycle, Indicator, ScoreCorrection, cycle_of, tree
from models.report import Report
from models.score_rules import RULES, Base, Note, Span, Why


@dataclass
class Score:
    org_id: int
    total: float = 0.0
    out_of: float = 0.0
    values: dict[str, float] = field(default_factory=dict)       # leaf code → points
    corrected: float = 0.0                                       # the corrections, as counted in the total


@dataclass
class Explained:
    """One org's score: each indicator that counts for it (branches too) with its points and out of
    what, each leaf's notes, and the corrections (each with what it adds to this period's total)."""

    org: Org
    period: str
    score: Score
    indicators: list[Indicator]
    points: dict[str, tuple[float, float]]                        # code → (points, out of)
    notes: dict[str, list[Note]]
    corrections: list[tuple[ScoreCorrection, float]]


WINDOW = re.compile(r"^(\d{4})([QH])([1-4])$")
WINDOW_MONTHS = {"Q": 3, "H": 6}


def months_of(period: str) -> tuple[str, ...]:
    """The months of "2026-12", "2026Q4", "2026H2" or "2026"; ValueError for anything else."""
    if cycle_of(period) == Cycle.YEARLY:
        return tuple(periods.make(int(period), month) for month in range(1, 13))
    found = WINDOW.match(period)
    if found is None:
        return (periods.check(period),)
    size, number = WINDOW_MONTHS[found.group(2)], int(found.group(3))
    if number > 12 // size:
        raise ValueError(f"not a window: {period!r}")
    return tuple(periods.make(int(found.group(1)), (number - 1) * size + n) for n in range(1, size + 1))


def _spans(leaf: Indicator, period: str, months: tuple[str, ...]) -> list[Span]:
    if leaf.cycle == Cycle.MONTHLY:
        return [Span(month, (month,)) for month in months]
    return [Span(period, months)]


def _scored(indicators: list[Indicator], period: str) -> list[Indicator]:
    """The leaves a period scores: a month, quarter or half its 月度 ones, a year all."""
    yearly = cycle_of(period) == Cycle.YEARLY
    return [i for i in indicators if i.leaf and (yearly or i.cycle == Cycle.MONTHLY)]


def counting(indicators: list[Indicator], org_type: str) -> set[str]:
    """The codes of the indicators that apply to an org of this type, with all above them."""
    by_code = {i.code: i for i in indicators}

    def applies(indicator: Indicator) -> bool:
        while indicator is not None:
            if not indicator.applies(org_type):
                return False
            indicator = by_code.get(indicator.parent)
        return True

    return {i.code for i in indicators if applies(i)}


def scores(period: str, today: datetime.date, org_ids: list[int] | None = None,
           indicators: list[Indicator] | None = None) -> dict[int, Score]:
    """Every org's score for the period (of these org ids, or all), by org id."""
    indicators = tree() if indicators is None else indicators
    months = months_of(period)
    base = Base(months, today, org_ids)
    leaves = _scored(indicators, period)
    values = {leaf.code: RULES[leaf.computation].points(leaf, _spans(leaf, period, months), base) for leaf in leaves}
    had = defaultdict(set)
    for org, month in base.had_report:
        had[org].add(month)
    types = dict(Org.select(Org.id, Org.type).where(Org.id.in_(Report.select(Report.org).where(base.which())))
                 .tuples())
    counted_by_type = {kind: counting(indicators, kind) for kind in set(types.values())}
    corrections = _corrections(period, base)
    result = {}
    sums = {code: defaultdict(float) for code in values}      # a 月度 leaf's months added up, then averaged
    for code, found in values.items():
        for (org, _), value in found.items():
            sums[code][org] += value
    for org, kind in types.items():
        score = result[org] = Score(org)
        for leaf in leaves:
            if leaf.code in counted_by_type[kind]:
                spans = len(had[org]) if leaf.cycle == Cycle.MONTHLY else 1
                score.values[leaf.code] = sums[leaf.code][org] / spans
                score.out_of += leaf.points
        score.corrected = sum(delta if key == period else delta / len(had[org])
                              for key, delta in corrections.get(org, ()))
        score.total = sum(score.values.values()) + score.corrected
    return result


def _corrections(period: str, base: Base) -> dict[int, list[tuple[str, float]]]:
    """Org id → (period, sum of its corrections) of the period and, for a year, of its months."""
    keys = [period, *months_of(period)]
    query = (ScoreCorrection.select(ScoreCorrection.org, ScoreCorrection.period, fn.SUM(ScoreCorrection.delta))
             .where(ScoreCorrection.period.in_(keys)).group_by(ScoreCorrection.org, ScoreCorrection.period))
    if base.org_ids is not None:
        query = query.where(ScoreCorrection.org.in_(base.org_ids))
    found = defaultdict(list)
    for org, key, delta in query.tuples():
        found[org].append((key, delta))
    return found


def explain(org: Org, period: str, today: datetime.date) -> Explained | None:
    """The org's score for the period with its notes; None if it had no report in it."""
    indicators = tree()
    score = scores(period, today, [org.id], indicators).get(org.id)
    if score is None:
        return None
    months = months_of(period)
    base = Base(months, today, [org.id])
    had = len({month for _, month in base.had_report})
    notes = {}
    for leaf in _scored(indicators, period):
        if leaf.code in score.values:
            weight = 1 / had if leaf.cycle == Cycle.MONTHLY and len(months) > 1 else 1
            found = RULES[leaf.computation].notes(leaf, _spans(leaf, period, months), base, org.id)
            notes[leaf.code] = _merged([_weighted(note, weight) for note in found])
    shown = [i for i in indicators if i.code in counting(indicators, org.type) and _has_leaf(i, indicators, score)]
    return Explained(org, period, score, shown, _points(shown, score), notes, _listed_corrections(org, period, had))


def _weighted(note: Note, weight: float) -> Note:
    """A month's deduction as it counts in a longer window (a mark and a base are shown as given)."""
    if note.why in (Why.MARK, Why.UNMARKED, Why.COMMENT_BASE):
        return note
    return Note(note.why, note.points * weight, note.span, note.what)


def _merged(notes: list[Note]) -> list[Note]:
    """A year's reports not on time in one note."""
    reports = [n for n in notes if n.why == Why.REPORTS]
    if len(reports) < 2:
        return notes
    merged = Note(Why.REPORTS, sum(n.points for n in reports), reports[0].span,
                  tuple(month for n in reports for month in n.what))
    return [merged, *(n for n in notes if n.why != Why.REPORTS)]


def _has_leaf(indicator: Indicator, indicators: list[Indicator], score: Score) -> bool:
    if indicator.leaf:
        return indicator.code in score.values
    return any(_has_leaf(child, indicators, score) for child in indicators if child.parent == indicator.code)


def _points(shown: list[Indicator], score: Score) -> dict[str, tuple[float, float]]:
    """Each shown indicator's points and out of what: a branch adds up its shown leaves."""
    def of(indicator: Indicator) -> tuple[float, float]:
        if indicator.leaf:
            return score.values[indicator.code], indicator.points
        children = [of(child) for child in shown if child.parent == indicator.code]
        return sum(c[0] for c in children), sum(c[1] for c in children)

    return {i.code: of(i) for i in shown}


def _listed_corrections(org: Org, period: str, had: int) -> list[tuple[ScoreCorrection, float]]:
    keys = [period, *months_of(period)]
    rows = (ScoreCorrection.select().where(ScoreCorrection.org == org, ScoreCorrection.period.in_(keys))
            .order_by(ScoreCorrection.at, ScoreCorrection.id))
    return [(row, row.delta if row.period == period else row.delta / had) for row in rows]


def shown(value: float) -> str:
    """Points as shown: at most two decimals, no trailing zeros (23.75, 8, 1.67)."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
