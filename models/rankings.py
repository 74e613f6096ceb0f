"""Rankings from the scores (models/scores.py): the orgs of a period — of one type or one area, or
all — by their score rate (total over out of: orgs of different types may be scored out of
different points), ties sharing a place and the next place skipped (1, 2, 2, 4).

The bottom three (后三位) are the orgs placed among the last three places (place > count − 3): a tie
there marks every org that shares the place, so more than three may be marked; a tie that starts
above them marks none (1, 2, 2, 2, 5: only the fifth); none is marked when three or fewer are ranked.
Seed 002's talk (约谈) is for the orgs in the bottom three of the whole ranking two years running.

    ranking("2026", today)    [Ranked(org 岭南学院, place 1, score 92.5/100), …, Ranked(…, place 73, bottom)]
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from models.directory import Org
from models.scores import Score, scores

BOTTOM = 3
DIGITS = 6          # rates equal to this many decimals are a tie


@dataclass(frozen=True)
class Ranked:
    org: Org
    place: int
    score: Score
    bottom: bool

    @property
    def rate(self) -> float:
        return rate(self.score)


def rate(score: Score) -> float:
    return score.total / score.out_of if score.out_of else 0.0


def ranking(period: str, today: datetime.date, org_type: str | None = None,
            area: str | None = None) -> list[Ranked]:
    """The orgs scored in the period (of that type, of that area), best first, then by code."""
    query = Org.select()
    if org_type is not None:
        query = query.where(Org.type == org_type)
    if area is not None:
        query = query.where(Org.area == area)
    orgs = {org.id: org for org in query}
    found = scores(period, today, list(orgs) if org_type is not None or area is not None else None)
    return rank([(orgs[org_id], score) for org_id, score in found.items() if org_id in orgs])


def rank(scored: list[tuple[Org, Score]]) -> list[Ranked]:
    """These orgs' scores ranked, best first, then by code."""
    rows = sorted(((round(rate(score), DIGITS), org, score) for org, score in scored),
                  key=lambda row: (-row[0], row[1].code))
    ranked, place = [], 0
    for index, (value, org, score) in enumerate(rows):
        if index == 0 or value != rows[index - 1][0]:
            place = index + 1
        ranked.append(Ranked(org, place, score, len(rows) > BOTTOM and place > len(rows) - BOTTOM))
    return ranked


def talks(year: int, today: datetime.date) -> list[Org]:
    """The orgs in the bottom three of the whole ranking of `year` and of the year before, by code."""
    before = {row.org.id for row in ranking(str(year - 1), today) if row.bottom}
    return [row.org for row in sorted(ranking(str(year), today), key=lambda row: row.org.code)
            if row.bottom and row.org.id in before]
