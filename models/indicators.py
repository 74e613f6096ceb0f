"""考评指标: the office's scoring rules as data — a tree of indicators with points — and the office's
own marks on it: a manual mark (手工评分) per org, period and indicator, and a correction (更正) of an
org's score with its reason. models/scores.py computes the scores from them.

    年度考评 100
    ├─ 1 日常工作 40            branch: its points are its children's sum (an import checks it)
    │   ├─ 1.1 完成率 25        月度 leaf: computed per month; its year value averages the months
    │   └─ …
    └─ 2 年终述职评议 60         年度 leaf: in the year score only

Marks and corrections name their indicator by code, not by row: the tree is one document that an
import replaces whole, and the office's marks outlive a re-import of the same rules.
"""
from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField

from models.db import BaseModel
from models.directory import Org
from models.fields import ListField

YEAR_PATTERN = re.compile(r"^\d{4}$")
REASON_LIMIT = 200


class Cycle(StrEnum):
    MONTHLY = "monthly"         # 月度
    YEARLY = "yearly"           # 年度


CYCLE_LABELS = {Cycle.MONTHLY: "月度", Cycle.YEARLY: "年度"}


class Computation(StrEnum):
    """How a leaf's points are computed from what the system holds (models/scores.py has one
    function each)."""

    DONE_SHARE = "done_share"                   # 完成率: share of applicable items done
    ON_TIME = "on_time"                         # 按时提交: reports submitted and not late
    RECTIFIED_ON_TIME = "rectified_on_time"     # 整改按期销号: rectifications due, closed by the deadline
    MANUAL = "manual"                           # 手工评分: the office's mark
    COMMENTS = "comments"                       # 点评: a base, + per 表扬, − per 问题, within 0..points


COMPUTATION_LABELS = {Computation.DONE_SHARE: "完成率", Computation.ON_TIME: "按时提交",
                      Computation.RECTIFIED_ON_TIME: "整改按期销号", Computation.MANUAL: "手工评分",
                      Computation.COMMENTS: "点评"}


COMMENT_PARAMS = re.compile(r"^基础\s*(\d{1,4}(?:\.\d{1,2})?)\s*[,，;；、]?\s*每次\s*(\d{1,4}(?:\.\d{1,2})?)$")


class CommentParams(NamedTuple):
    """A 点评 leaf's 参数 "基础 3 每次 1": its points with no comment, and what each 表扬 adds and
    each 问题 takes; the leaf stays within 0..its points, so at most (points − base) is added and at
    most the base taken."""

    base: float
    per: float


def comment_params(text: str) -> CommentParams | None:
    """"基础 3 每次 1" (or "基础3，每次0.5") → CommentParams; None when it is not written so."""
    found = COMMENT_PARAMS.match(text.strip())
    return CommentParams(float(found.group(1)), float(found.group(2))) if found else None


class Indicator(BaseModel):
    """One node of the tree: a branch (no computation) or a leaf (a computation and a cycle)."""

    code = CharField(max_length=32, unique=True)         # "1", "1.2"
    parent = CharField(max_length=32, null=True)         # the parent's code; None at the top
    name = CharField(max_length=64)
    points = FloatField()
    cycle = CharField(max_length=16, default="")         # a Cycle; "" for a branch
    computation = CharField(max_length=32, default="")   # a Computation; "" for a branch
    params = CharField(max_length=128, default="")       # for a computation that takes some
    applies_to = ListField(default=list)                 # org types; empty = every org (共性)
    position = IntegerField()                            # the order of the file

    @property
    def leaf(self) -> bool:
        return bool(self.computation)

    def applies(self, org_type: str) -> bool:
        return not self.applies_to or org_type in self.applies_to


class ScoreMark(BaseModel):
    """The office's mark for a 手工评分 indicator: one per org, period ("2026-12" or "2026") and
    indicator; a new mark replaces the old one."""

    org = ForeignKeyField(Org, on_delete="CASCADE")
    period = CharField(max_length=7)
    indicator = CharField(max_length=32)                 # the indicator's code
    value = FloatField()
    reason = TextField(default="")
    by = CharField(max_length=64)                        # the userid
    at = DateTimeField()

    class Meta:
        indexes = ((("org", "period", "indicator"), True),)


class ScoreCorrection(BaseModel):
    """The office corrects an org's score for a period with a reason: kept, added to the total and
    shown in its explanation."""

    org = ForeignKeyField(Org, on_delete="CASCADE")
    period = CharField(max_length=7, index=True)
    delta = FloatField()
    reason = TextField()
    by = CharField(max_length=64)
    at = DateTimeField()


def tree() -> list[Indicator]:
    """Every indicator, in the order of the file."""
    return list(Indicator.select().order_by(Indicator.position))


def cycle_of(period: str) -> Cycle:
    """A year ("2026") scores every indicator; a month only the 月度 ones."""
    return Cycle.YEARLY if YEAR_PATTERN.match(period) else Cycle.MONTHLY
