"""Scores from rules kept as data (issue 22, point 2): the indicators imported as a tree, each leaf
computed from what the system holds, a month's and a year's score per org explained line by line,
the office's marks and corrections; checked against a hand count on a small fixture.

    two months (October, November 2026), both closed; today 10 December
    XY01  10月 submitted on time, items 1 2 done, 3 不涉及, 4 推进中   11月 submitted late, all 4 done
          ZG01 due 10-20, closed 10-25 (late)                       ZG02 due 11-15, closed 11-10
    XY02  10月 missing (未报), 1 done, 2 3 unanswered, 4 不涉及       11月 on time, all done
                                                                    ZG03 due 11-30, still open
    YY01  (附属医院, another area)                                   11月 on time, its 2 items 不涉及
"""
import datetime

import openpyxl
import pytest

import settings
from handlers import admin, messages as m
from handlers.router import Context
from models import Entry, Indicator, Org, Period, Person, Rectification, Report, ScoreCorrection, ScoreMark
from models.clock import Clock
from models.directory import PeriodStatus
from models.lists_io import import_rows
from models.scores import scores, shown
from tests.conversation import Chat

D = datetime.date
HEADERS = ("编号", "上级编号", "名称", "分值", "周期", "计算方式", "参数", "适用类型")
TREE = [dict(zip(HEADERS, row, strict=True)) for row in (     # seed 004's 40 points of daily work, without 点评
    ("1", "", "日常工作", "40", "月度", "", "", ""),          # (tests/test_score_comments.py has those)
    ("1.1", "1", "完成率", "25", "月度", "完成率", "", ""),
    ("1.2", "1", "按时提交", "10", "月度", "按时提交", "", ""),
    ("1.3", "1", "整改按期销号", "5", "月度", "整改按期销号", "", ""),
    ("2", "", "年终述职评议", "60", "年度", "", "", ""),
    ("2.1", "2", "述职评议", "50", "年度", "手工评分", "", ""),
    ("2.2", "2", "党建工作特色", "10", "年度", "手工评分", "", ""))]


def _report(org, period, status, late, statuses):
    report = Report.create(org=org, period=period, status=status, late=late, deadline=D(2026, int(period[5:]), 25),
                           created_at=datetime.datetime(2026, int(period[5:]), 5))
    for position, status_ in enumerate(statuses, 1):
        Entry.create(report=report, position=position, status=status_)


@pytest.fixture
def office(db):
    """The fixture above; the indicators imported; the office's context on 10 December."""
    xy01 = Org.create(code="XY01", name="岭南学院", type="学院", area="南校园")
    xy02 = Org.create(code="XY02", name="外国语学院", type="学院", area="南校园")
    yy01 = Org.create(code="YY01", name="附属第一医院", type="附属医院", area="北校园")
    Person.create(userid="dangwei01", name="王老师", roles=["admin"])
    Person.create(userid="pq-nan", name="黄联络员", roles=["liaison"], area="南校园")
    Person.create(userid="sec-xy01", name="张书记", roles=["secretary"], org=xy01)
    for period in ("2026-10", "2026-11"):
        Period.create(key=period, status=PeriodStatus.CLOSED)
    done, na, going = "done", "not_applicable", "in_progress"
    _report(xy01, "2026-10", "submitted", False, [done, done, na, going])
    _report(xy01, "2026-11", "submitted", True, [done] * 4)
    _report(xy02, "2026-10", "missing", False, [done, None, None, na])
    _report(xy02, "2026-11", "submitted", False, [done] * 4)
    _report(yy01, "2026-11", "submitted", False, [na, na])
    for code, org, deadline, closed_on in (("ZG01", xy01, D(2026, 10, 20), D(2026, 10, 25)),
                                           ("ZG02", xy01, D(2026, 11, 15), D(2026, 11, 10)),
                                           ("ZG03", xy02, D(2026, 11, 30), None),
                                           ("ZG04", xy02, D(2026, 12, 20), None)):
        Rectification.create(code=code, org=org, source="巡察", problem="问题", found_on=D(2026, 9, 1),
                             deadline=deadline, state="closed" if closed_on else "open", closed_on=closed_on)
    assert import_rows("indicators", list(enumerate(TREE, 2)), settings.DirectorySection()).ok
    return Context(clock=Clock("Asia/Shanghai", at=datetime.datetime(2026, 12, 10, 9, 30)),
                   admin_userids=frozenset({"dangwei01"}))


def say(ctx, text: str, userid: str = "dangwei01") -> str:
    return "\n".join(r.content for r in admin.run(text, Person.get(Person.userid == userid), ctx, "robot"))


def totals(period: str, ctx) -> dict[str, tuple[str, dict[str, str]]]:
    codes = dict(Org.select(Org.id, Org.code).tuples())
    return {codes[org]: (shown(s.total), {code: shown(v) for code, v in s.values.items()})
            for org, s in scores(period, ctx.clock.today()).items()}


def test_each_orgs_month_score_is_the_hand_count(office):
    assert totals("2026-10", office) == {
        "XY01": ("26.67", {"1.1": "16.67", "1.2": "10", "1.3": "0"}),      # 2 of 3 applicable; ZG01 late
        "XY02": ("13.33", {"1.1": "8.33", "1.2": "0", "1.3": "5"})}        # 1 of 3; 未报; nothing due
    assert totals("2026-11", office) == {
        "XY01": ("30", {"1.1": "25", "1.2": "0", "1.3": "5"}),
        "XY02": ("35", {"1.1": "25", "1.2": "10", "1.3": "0"}),             # ZG03 overdue, open
        "YY01": ("40", {"1.1": "25", "1.2": "10", "1.3": "5"})}             # nothing applicable: full


def test_a_months_score_is_explained_to_the_point(office):
    assert say(office, "得分 XY01 2026-10") == "\n".join([
        "岭南学院（XY01）2026年10月得分 26.67/40",
        "1 日常工作 26.67/40",
        "· 1.1 完成率 16.67/25", "　扣 8.33 分：第 4 项未完成",
        "· 1.2 按时提交 10/10",
        "· 1.3 整改按期销号 0/5", "　扣 5 分：整改 ZG01 逾期销号"])
    assert say(office, "得分 xy02 2026-10").splitlines()[2:6] == [
        "· 1.1 完成率 8.33/25", "　扣 8.33 分：第 2 项未完成", "　扣 8.33 分：第 3 项未完成",
        "· 1.2 按时提交 0/10"]
    assert say(office, "得分 XY02 2026-10").splitlines()[6] == "　扣 10 分：未报"
    assert say(office, "得分 XY02 2026-11").splitlines()[-1] == "　扣 5 分：整改 ZG03 逾期未销号"


def test_the_year_averages_the_months_and_adds_the_marks_and_corrections(office):
    assert say(office, "评分 XY01 2026 2.1 45 述职良好") == (
        "已评分 岭南学院（XY01）2026年 2.1 述职评议：45/50（述职良好）")
    assert say(office, "得分 更正 XY02 2026-11 +2 补报材料已核实").startswith(
        "已更正 外国语学院（XY02）2026年11月得分 +2 分：补报材料已核实\n现得分 37/40")
    assert say(office, "得分 更正 XY02 2026 -1.5 述职材料迟交").endswith("现得分 23.67/100")
    assert say(office, "得分 XY01 2026") == "\n".join([
        "岭南学院（XY01）2026年得分 73.33/100",
        "1 日常工作 28.33/40",
        "· 1.1 完成率 20.83/25", "　扣 4.17 分：2026-10 第 4 项未完成",
        "· 1.2 按时提交 5/10", "　扣 5 分：1 个月未按时提交（2026-11 逾期提交）",
        "· 1.3 整改按期销号 2.5/5", "　扣 2.5 分：整改 ZG01 逾期销号",
        "2 年终述职评议 45/60",
        "· 2.1 述职评议 45/50", "　手工评分 45/50：述职良好",
        "· 2.2 党建工作特色 0/10", "　未评分"])
    assert say(office, "得分 XY02 2026").splitlines()[0] == "外国语学院（XY02）2026年得分 23.67/100"
    assert say(office, "得分 XY02 2026").splitlines()[-2:] == [
        "2026-11 更正 +2 分：补报材料已核实（王老师 2026-12-10）", "更正 -1.5 分：述职材料迟交（王老师 2026-12-10）"]
    assert totals("2026", office)["XY02"][0] == "23.67"     # 16.67 + 5 + 2.5 + 2 / 2 months − 1.5
    assert totals("2026", office)["YY01"] == ("40", {"1.1": "25", "1.2": "10", "1.3": "5", "2.1": "0", "2.2": "0"})


@pytest.mark.parametrize("typed, said", [
    ("得分 XX99 2026-10", "没有编号为“XX99”的组织。"),
    ("得分 XY01 2026-13", "“2026-13”不是月份，请写成 2026-12 这样。"),
    ("得分 XY01 2026-12", "2026年12月尚未发布，没有得分。"),
    ("得分 YY01 2026-10", "附属第一医院（YY01）2026年10月没有月报，没有得分。"),
    ("评分 XY01 2026 1.1 20 好", "指标 1.1 完成率 按完成率计算，不能手工评分。"),
    ("评分 XY01 2026-10 2.1 20 好", "指标 2.1 述职评议 是年度指标，请写年份，如 2026。"),
    ("评分 XY01 2026 2.1 51 好", "分值应在 0 到 50 之间，不是“51”。"),
    ("评分 XY01 2026 9.9 5 好", "没有编号为“9.9”的指标。"),
    ("评分 XY01 2026 2.1 40", "请写明原因。"),
    ("得分 更正 XY01 2026-10 2分 好", "更正分值应写成 +2 或 -1.5，不是“2分”。"),
    ("得分 更正 XY01 2026-10 +2", "请写明原因。"),
    ("得分", "请写明组织编号（和月份或年份）。\n" + admin.GROUP.find("得分")[0].usage.split("\n", 1)[1]),
])
def test_bad_input_is_one_line_and_changes_nothing(office, typed, said):
    assert say(office, typed) == said
    assert ScoreMark.select().count() == ScoreCorrection.select().count() == 0


def test_no_indicators_yet_says_to_import_them(office):
    Indicator.delete().execute()
    assert say(office, "得分 XY01 2026-10") == m.SCORE_NO_INDICATORS
    assert say(office, "评分 XY01 2026 2.1 40 好") == m.SCORE_NO_INDICATORS
    assert Chat("sec-xy01", office).send("得分") == [m.SCORE_NO_INDICATORS_ORG]


def test_an_area_liaison_reads_their_areas_orgs_only_and_cannot_mark(office):
    assert say(office, "得分 XY02 2026-11", "pq-nan").startswith("外国语学院（XY02）2026年11月得分 35/40")
    assert say(office, "得分 YY01 2026-11", "pq-nan") == "YY01 不是本片区（南校园）的组织。"
    assert say(office, "得分 更正 XY02 2026-11 +2 好", "pq-nan") == m.SCORE_ADMINS_ONLY
    assert say(office, "评分 XY01 2026 2.1 40 好", "pq-nan").startswith("“评分”仅限党委办公室管理员使用")
    assert ScoreMark.select().count() == ScoreCorrection.select().count() == 0


def test_a_secretary_sees_their_own_score_and_never_anothers(office):
    chat = Chat("sec-xy01", office)
    assert chat.send("得分 2026-10")[0].startswith("岭南学院2026年10月得分 26.67/40\n")
    assert chat.send("得分 XY01 2026-11")[0].startswith("岭南学院2026年11月得分 30/40\n")
    assert chat.send("得分 2026")[0].startswith("岭南学院2026年得分 28.33/100\n")
    assert chat.send("得分 XY02 2026-11") == [m.SCORE_OWN_ONLY]
    assert chat.send("得分") == ["2026年12月尚未发布，没有得分。"]


def _rows(*changes):
    """The demo tree with rows changed: (row index, column, value), a None row index appends."""
    rows = [dict(row) for row in TREE]
    for index, column, value in changes:
        if index is None:
            rows.append(value)
        else:
            rows[index][column] = value
    return rows


def _leaf(code, parent, points, computation="手工评分", cycle="年度", kinds=""):
    return {"编号": code, "上级编号": parent, "名称": "新指标", "分值": points, "周期": cycle, "计算方式": computation,
            "参数": "", "适用类型": kinds}


@pytest.mark.parametrize("changes, errors", [
    ([(1, "上级编号", "9")], ["第 2 行「分值」:下级分值之和 15 不等于 40",
                             "第 3 行「上级编号」:未知上级编号“9”"]),
    ([(0, "上级编号", "1.1"), (1, "计算方式", "")], ["第 2 行「上级编号」:上级编号形成循环(“1”是自己的上级)",
                                                  "第 3 行「上级编号」:上级编号形成循环(“1.1”是自己的上级)",
                                                  "第 3 行「分值」:下级分值之和 40 不等于 25"]),
    ([(None, None, _leaf("2.1", "2", "10"))], ["第 6 行「分值」:下级分值之和 70 不等于 60",
                                               "第 9 行「编号」:与第 7 行重复"]),
    ([(5, "分值", "45")], ["第 6 行「分值」:下级分值之和 55 不等于 60"]),
    ([(1, "计算方式", "评议")],
     ["第 3 行「计算方式」:未知计算方式“评议”,可选:完成率、按时提交、整改按期销号、手工评分、点评"]),
    ([(0, "计算方式", "完成率")], ["第 2 行「计算方式」:有下级的指标不填计算方式"]),
    ([(6, "计算方式", "")], ["第 8 行「计算方式」:没有下级的指标须填计算方式"]),
    ([(6, "适用类型", "学院、党校")],
     ["第 8 行「适用类型」:未知类型“党校”,可选:学院、直属系、附属医院、机关部门、直属单位"]),
    ([(6, "周期", "季度")], ["第 8 行「周期」:未知周期“季度”,可选:月度、年度"]),
    ([(6, "分值", "十")], ["第 8 行「分值」:应为正数(最多两位小数),不是“十”"]),
])
def test_a_wrong_tree_is_refused_whole_each_problem_on_its_line(office, changes, errors):
    before = [(i.code, i.points) for i in Indicator.select().order_by(Indicator.position)]
    result = import_rows("indicators", list(enumerate(_rows(*changes), 2)), settings.DirectorySection())
    assert [str(error) for error in result.errors] == errors
    assert [(i.code, i.points) for i in Indicator.select().order_by(Indicator.position)] == before


def test_an_empty_file_is_refused(office):
    result = import_rows("indicators", [], settings.DirectorySection())
    assert [str(error) for error in result.errors] == ["第 1 行「编号」:文件中没有任何指标"]
    assert Indicator.select().count() == 7


def test_an_import_replaces_the_whole_tree_and_keeps_the_marks(office):
    say(office, "评分 XY01 2026 2.1 45 述职良好")
    rows = _rows((5, "分值", "60"))[:6]                       # 2.2 gone: 2.1 is the whole of 2's 60
    result = import_rows("indicators", list(enumerate(rows, 2)), settings.DirectorySection())
    assert result.summary() == "考评指标:整体替换:新增 0,更新 1,未变 5,删除 1"
    assert [i.code for i in Indicator.select().order_by(Indicator.position)] == ["1", "1.1", "1.2", "1.3", "2", "2.1"]
    assert say(office, "得分 XY01 2026").splitlines()[-2:] == ["· 2.1 述职评议 45/60", "　手工评分 45/60：述职良好"]


def test_the_year_export_has_a_row_of_scores_per_org(office, tmp_path):
    from jobs import exports

    say(office, "评分 XY01 2026 2.1 45 述职良好")
    exports.year(2026, tmp_path / "year.xlsx", clock=office.clock)
    sheet = openpyxl.load_workbook(tmp_path / "year.xlsx", read_only=True)["得分"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["组织编号", "组织", "片区", "类型", "得分", "满分", "更正", "名次", "类型内名次", "1.1 完成率（25）",
         "1.2 按时提交（10）", "1.3 整改按期销号（5）", "2.1 述职评议（50）", "2.2 党建工作特色（10）"],
        ["XY01", "岭南学院", "南校园", "学院", 73.33, 100, 0, 1, 1, 20.83, 5, 2.5, 45, 0],
        ["XY02", "外国语学院", "南校园", "学院", 24.17, 100, 0, 3, 2, 16.67, 5, 2.5, 0, 0],
        ["YY01", "附属第一医院", "北校园", "附属医院", 40, 100, 0, 2, 1, 25, 10, 5, 0, 0]]


def test_a_quarter_averages_its_months_monthly_indicators_only(office):
    say(office, "评分 XY01 2026 2.1 45 述职良好")
    assert totals("2026Q4", office)["XY01"] == ("28.33", {"1.1": "20.83", "1.2": "5", "1.3": "2.5"})
    assert totals("2026H2", office) == totals("2026Q4", office)
    assert totals("2026Q3", office) == {}
