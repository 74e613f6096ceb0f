"""点评 in the scores (issue 22: "comments (表扬 +, 问题 −, with caps)"): a 点评 leaf scores its base,
plus `每次` per 表扬 and minus it per 问题 on the span's months, within 0 and its points; an edited
comment counts as it is now, a withdrawn one not; every comment explained with the day it was
written. Checked against a hand count:

    tree   1 日常工作 5  = 1.1 月度点评 5 (月度, 基础 3 每次 1)
           2 年终评议 5  = 2.1 年度点评 5 (年度, 基础 2 每次 1.5)
    XY01   10月: 表扬 11-02, 11-03, 11-04, 提醒 11-05   → 3 + 3 = 6, capped at 5
           11月: 表扬 12-01, 问题 12-02                 → 3
    XY02   10月: 问题 11-02 … 11-05                     → 3 − 4 = −1, floored at 0
           11月: 问题 12-01 withdrawn; 表扬 12-02 edited 12-03 into a 问题 → 2
    year   1.1 averages the months: XY01 (5 + 3) / 2 = 4, XY02 (0 + 2) / 2 = 1
           2.1 the year at once: XY01 2 + 1.5 × (4 − 1) = 6.5 → 5; XY02 2 − 1.5 × 5 = −5.5 → 0
"""
import datetime

import pytest

import settings
from handlers import admin
from handlers.router import Context
from models import Comment, Indicator, Org, Period, Person, Report
from models.clock import Clock
from models.directory import PeriodStatus
from models.lists_io import import_rows
from models.scores import scores, shown

HEADERS = ("编号", "上级编号", "名称", "分值", "周期", "计算方式", "参数", "适用类型")
TREE = [dict(zip(HEADERS, row, strict=True)) for row in (
    ("1", "", "日常工作", "5", "月度", "", "", ""),
    ("1.1", "1", "月度点评", "5", "月度", "点评", "基础 3 每次 1", ""),
    ("2", "", "年终评议", "5", "年度", "", "", ""),
    ("2.1", "2", "年度点评", "5", "年度", "点评", "基础 2，每次 1.5", ""))]
TODAY = datetime.datetime(2026, 12, 10, 9, 30)


def at(month: int, day: int) -> Context:
    return Context(clock=Clock("Asia/Shanghai", at=datetime.datetime(2026, month, day, 10, 0)),
                   admin_userids=frozenset({"dangwei01"}))


def say(ctx: Context, text: str) -> str:
    return "\n".join(r.content for r in admin.run(text, Person.get(Person.userid == "dangwei01"), ctx, "robot"))


@pytest.fixture
def office(db):
    """The fixture above, the comments written through the office's chat on their days."""
    Person.create(userid="dangwei01", name="王老师", roles=["admin"])
    for number, code in enumerate(("XY01", "XY02"), 1):
        org = Org.create(code=code, name=("岭南学院", "外国语学院")[number - 1], type="学院", area="南校园")
        for month in (10, 11):
            Report.create(org=org, period=f"2026-{month}", status="submitted", deadline=datetime.date(2026, month, 25),
                          created_at=datetime.datetime(2026, month, 5))
    for period in ("2026-10", "2026-11"):
        Period.create(key=period, status=PeriodStatus.CLOSED)
    assert import_rows("indicators", list(enumerate(TREE, 2)), settings.DirectorySection()).ok
    for day, kind in ((2, "表扬"), (3, "表扬"), (4, "表扬"), (5, "提醒")):
        assert say(at(11, day), f"点评 XY01 2026-10 {kind} 第{day}条").startswith("已点评 DP")
    for day in (2, 3, 4, 5):
        say(at(11, day), f"点评 XY02 2026-10 问题 第{day}条")
    say(at(12, 1), "点评 XY01 2026-11 表扬 好")
    say(at(12, 2), "点评 XY01 2026-11 问题 不好")
    withdrawn = say(at(12, 1), "点评 XY02 2026-11 问题 撤回的").split("DP")[1].split("：")[0]
    edited = say(at(12, 2), "点评 XY02 2026-11 表扬 改成问题").split("DP")[1].split("：")[0]
    assert say(at(12, 3), f"点评 撤回 DP{withdrawn}").startswith("已撤回")
    assert say(at(12, 3), f"点评 改 DP{edited} 问题 材料不全").startswith("已修改")
    return at(12, 10)


def totals(period: str) -> dict[str, tuple[str, dict[str, str]]]:
    codes = dict(Org.select(Org.id, Org.code).tuples())
    return {codes[org]: (shown(s.total), {code: shown(v) for code, v in s.values.items()})
            for org, s in scores(period, TODAY.date()).items()}


def test_comments_add_and_take_within_the_leafs_points(office):
    assert Comment.select().count() == 12
    assert totals("2026-10") == {"XY01": ("5", {"1.1": "5"}), "XY02": ("0", {"1.1": "0"})}
    assert totals("2026-11") == {"XY01": ("3", {"1.1": "3"}), "XY02": ("2", {"1.1": "2"})}
    assert totals("2026") == {"XY01": ("9", {"1.1": "4", "2.1": "5"}), "XY02": ("1", {"1.1": "1", "2.1": "0"})}


def test_each_comment_is_explained_with_its_day_and_what_a_cap_kept_out(office):
    assert say(office, "得分 XY01 2026-10") == "\n".join([
        "岭南学院（XY01）2026年10月得分 5/5", "1 日常工作 5/5", "· 1.1 月度点评 5/5",
        "　基础 3 分，每条表扬加 1 分、问题扣 1 分",
        "　加 1 分：点评 表扬 2026-11-02", "　加 1 分：点评 表扬 2026-11-03", "　加 1 分：点评 表扬 2026-11-04",
        "　已达上限 5 分，多加的 1 分不计"])
    assert say(office, "得分 XY02 2026-10").splitlines()[-2:] == [
        "　扣 1 分：点评 问题 2026-11-05", "　已扣至 0 分，多扣的 1 分不计"]


def test_an_edited_comment_counts_as_it_is_now_and_a_withdrawn_one_not_at_all(office):
    assert say(office, "得分 XY02 2026-11").splitlines()[2:] == [
        "· 1.1 月度点评 2/5", "　基础 3 分，每条表扬加 1 分、问题扣 1 分", "　扣 1 分：点评 问题 2026-12-02"]


def test_a_years_explanation_weights_the_months_and_keeps_the_base(office):
    lines = say(office, "得分 XY01 2026").splitlines()
    assert lines[:8] == [
        "岭南学院（XY01）2026年得分 9/10", "1 日常工作 4/5", "· 1.1 月度点评 4/5",
        "　基础 3 分，每条表扬加 1 分、问题扣 1 分", "　加 0.5 分：2026-10 点评 表扬 2026-11-02",
        "　加 0.5 分：2026-10 点评 表扬 2026-11-03", "　加 0.5 分：2026-10 点评 表扬 2026-11-04",
        "　2026-10 已达上限 5 分，多加的 0.5 分不计"]
    assert lines[9:12] == ["2 年终评议 5/5", "· 2.1 年度点评 5/5", "　基础 2 分，每条表扬加 1.5 分、问题扣 1.5 分"]
    assert say(office, "得分 XY02 2026").splitlines()[-1] == "　等 2 项"


@pytest.mark.parametrize("params, error", [
    ("", "第 3 行「参数」:点评须填“基础 N 每次 M”(无点评得基础分,每条表扬加、问题扣 M 分),如“基础 3 每次 1”"),
    ("每次 1", "第 3 行「参数」:点评的参数应写成“基础 3 每次 1”这样,不是“每次 1”"),
    ("基础 6 每次 1", "第 3 行「参数」:点评的基础分 6 超过分值 5"),
    ("基础 3 每次 0", "第 3 行「参数」:点评的每次分值应大于 0"),
])
def test_a_malformed_comment_rule_is_refused_in_one_line_and_nothing_changes(office, params, error):
    before = [(i.code, i.points, i.params) for i in Indicator.select().order_by(Indicator.position)]
    rows = [dict(row) for row in TREE]
    rows[1]["参数"] = params
    rows[1]["名称"] = "改名的点评"
    result = import_rows("indicators", list(enumerate(rows, 2)), settings.DirectorySection())
    assert [str(e) for e in result.errors] == [error]
    assert [(i.code, i.points, i.params) for i in Indicator.select().order_by(Indicator.position)] == before
    assert Indicator.get(Indicator.code == "1.1").name == "月度点评"
