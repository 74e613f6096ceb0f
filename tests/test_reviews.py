"""通报 and 述职 (issue 22, point 5): the bulletin's Word document and the year-end workbook read back
with python-docx and openpyxl, their figures checked against a hand count on test_rankings' fixture
(test_scores' three orgs, two more, 2025's November) and what this file adds to it, today 10 December:

    items 1-4 of every report: 主题党日, 三会一课, 组织生活会, 理论学习中心组学习
    问题 comments: XY01 10月 item 4 学习记录不全; XY02 10月 item 4 未按计划学习; XY02 11月 whole 材料不齐;
                  XY02 11月 a withdrawn one; XY01 11月 a 表扬
    highlights:   XY01 10月 主题党日进社区 (shared by name); XY02 11月 外国语学院师生赴红色基地研学 (its report
                  shared 匿名); XY04's November report shared, then withdrawn
    difficulties: XY01 11月 经费紧张 (组织部), XY02 11月 场地不足 (组织部), XY03 11月 缺少辅导员 (none)

    2026Q4  orgs 5, reports 7 (10月 XY01 XY02, 11月 all five), submitted 6, on time 5 (XY01's 11月 late)
            items done 19 of 22 applicable (10月: XY01 2/3, XY02 1/3; 11月: 4/4 × 4, YY01 0/0)
            ZG01 closed late, ZG02 on time, ZG03 open and overdue, ZG04 open
"""
import datetime

import openpyxl
import pytest
from docx import Document

from handlers import admin, reviews
from handlers.replies import Background, Text
from jobs import bulletins, year_reviews
from models import Action, Comment, Department, Entry, Feedback, Org, Person, Report, Share
from tests.browser import pages_app, sign_in, text
from tests.test_rankings import five  # noqa: F401  (the fixture)
from tests.test_scores import office  # noqa: F401  (the fixture)

AT = datetime.datetime(2026, 12, 1, 2, 0)


def _report(code: str, period: str) -> Report:
    return Report.get(Report.org == Org.get(Org.code == code), Report.period == period)


@pytest.fixture
def reviewed(five):  # noqa: F811
    for position, title in enumerate(("主题党日", "三会一课", "组织生活会", "理论学习中心组学习"), 1):
        action = Action.create(code=f"A{position}", category="加强理论学习", title=title, frequency="monthly")
        Entry.update(action=action).where(Entry.position == position).execute()
    for code, period, position, kind, said, withdrawn in (
            ("XY01", "2026-10", 4, "problem", "学习记录不全", False),
            ("XY02", "2026-10", 4, "problem", "未按计划学习", False),
            ("XY02", "2026-11", None, "problem", "材料不齐", False),
            ("XY02", "2026-11", None, "problem", "撤回的", True),
            ("XY01", "2026-11", None, "praise", "按时完成", False)):
        Comment.create(org=Org.get(Org.code == code), period=period, position=position, kind=kind, text=said,
                       by="dangwei01", at=AT, withdrawn=withdrawn)
    organisation = Department.create(name="组织部")
    written = {}
    for code, period, kind, words, department in (
            ("XY01", "2026-10", "highlight", "主题党日进社区", None),
            ("XY02", "2026-11", "highlight", "外国语学院师生赴红色基地研学", None),
            ("XY01", "2026-11", "difficulty", "经费紧张", organisation),
            ("XY02", "2026-11", "difficulty", "场地不足", organisation),
            ("XY03", "2026-11", "difficulty", "缺少辅导员", None)):
        written[words] = Feedback.create(report=_report(code, period), kind=kind, text=words, department=department,
                                     created_at=AT)
    Share.create(report=_report("XY01", "2026-10"), feedback=written["主题党日进社区"], by="dangwei01", at=AT)
    Share.create(report=_report("XY02", "2026-11"), anonymous=True, by="dangwei01", at=AT)
    Share.create(report=_report("XY04", "2026-11"), by="dangwei01", at=AT, withdrawn_by="dangwei01", withdrawn_at=AT)
    return five


def paragraphs(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text]


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_bulletin_has_the_offices_sections_and_the_hand_counted_figures(reviewed, tmp_path):
    path = bulletins.write(tmp_path / "b.docx", reviews.bulletin("2026Q4", reviewed))
    assert paragraphs(path) == [
        "关于2026年第四季度党建月报工作情况的通报", "各二级党组织：", "现将2026年第四季度党建月报工作情况通报如下。",
        "一、总体情况",
        "2026年第四季度，共有 5 个党组织参加月报，应报月报 7 份，已提交 6 份（85.7%），其中按时提交 5 份（71.4%）；"
        "应完成事项 22 项，已完成 19 项，事项完成率 86.4%。",
        "各组织共填写履职亮点 2 条、困难 3 条、意见建议 0 条。",
        "二、排名情况", "按得分率排名，共 5 个组织；排名后三位的是：岭南学院、外国语学院。",
        "三、典型经验", "本期分享优秀月报 2 份，摘录如下：", "岭南学院（2026年10月）：主题党日进社区",
        "某学院（2026年11月）：某单位师生赴红色基地研学",
        "四、存在问题", "（一）点评指出的问题共 3 条，涉及 2 个组织：",
        "1. 理论学习中心组学习（2 条）：学习记录不全（岭南学院）；未按计划学习（外国语学院）",
        "2. 整体（1 条）：材料不齐（外国语学院）",
        "（二）各组织反映困难共 3 条：", "1. 组织部（2 条）：经费紧张（岭南学院）；场地不足（外国语学院）",
        "2. 未指定部门（1 条）：缺少辅导员（中文系）",
        "五、整改情况", "本期在办整改事项 4 项：已销号 2 项（按期 1 项、逾期销号 1 项），未销号 2 项，其中逾期 1 项。",
        "六、下一步工作", *reviews.m.BULLETIN_NEXT, "党委办公室", "2026年12月10日"]
    months, ranked, still_open = Document(str(path)).tables
    assert rows(months) == [["月份", "应报", "已提交", "按时提交", "平均完成率"],
                            ["2026年10月", "2", "1", "1", "50.0%"], ["2026年11月", "5", "5", "4", "100.0%"]]
    assert rows(ranked) == [["名次", "组织", "得分", "得分率", "备注"],
                            ["1", "中文系", "40/40", "100.0%", ""], ["1", "历史系", "40/40", "100.0%", ""],
                            ["1", "附属第一医院", "40/40", "100.0%", ""],
                            ["4", "岭南学院", "28.33/40", "70.8%", "后三位"],
                            ["5", "外国语学院", "24.17/40", "60.4%", "后三位"]]
    marked = [row.cells[1].paragraphs[0].runs[0].font.bold for row in ranked.rows[1:]]
    assert marked == [False, False, False, True, True]
    assert rows(still_open) == [["编号", "组织", "问题", "整改时限", "状态"],
                                ["ZG03", "外国语学院", "问题", "2026-11-30", "逾期"],
                                ["ZG04", "外国语学院", "问题", "2026-12-20", "整改中"]]


def test_the_bulletin_names_its_fonts_for_latin_and_chinese_text(reviewed, tmp_path):
    path = bulletins.write(tmp_path / "b.docx", reviews.bulletin("2026H2", reviewed))
    document = Document(str(path))
    title, body = document.paragraphs[0].runs[0], document.paragraphs[4].runs[0]
    assert title.text == "关于2026年下半年党建月报工作情况的通报"
    east_asian = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    assert (title.font.name, title.element.rPr.rFonts.get(east_asian)) == ("黑体", "黑体")
    assert (body.font.name, body.element.rPr.rFonts.get(east_asian)) == ("仿宋", "仿宋")
    defaults = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")[0]
    assert dict(defaults.rFonts.attrib) == {f"{{{defaults.rFonts.nsmap['w']}}}{script}": "仿宋"
                                           for script in ("ascii", "hAnsi", "eastAsia")}


def test_what_people_wrote_goes_in_as_text_without_characters_xml_refuses(reviewed, tmp_path):
    Feedback.update(text="主题党日<w:p/>&进社区\x07\x0b").where(Feedback.text == "主题党日进社区").execute()
    path = bulletins.write(tmp_path / "b.docx", reviews.bulletin("2026Q4", reviewed))
    assert "岭南学院（2026年10月）：主题党日<w:p/>&进社区" in paragraphs(path)


def test_without_indicators_there_is_no_ranking_and_no_shares_or_problems_are_said_so(office, tmp_path):  # noqa: F811
    from models import Indicator
    Indicator.delete().execute()
    path = bulletins.write(tmp_path / "b.docx", reviews.bulletin("2026-10", office))
    shown = paragraphs(path)
    assert shown[shown.index("二、排名情况") + 1] == "尚未导入考核指标，本期不排名。"
    assert shown[shown.index("三、典型经验") + 1] == "本期没有分享的优秀月报。"
    assert shown[shown.index("四、存在问题") + 1:shown.index("五、整改情况")] == ["（一）本期点评未指出问题。",
                                                                          "（二）本期各组织未反映困难。"]
    assert len(Document(str(path)).tables) == 1         # one month: no months' table; the open rectifications


def say(ctx, text: str, userid: str = "dangwei01") -> list:
    return admin.run(text, Person.get(Person.userid == userid), ctx, "robot")


def test_the_commands_queue_their_jobs_for_the_asker(reviewed):
    [queued] = say(reviewed, "通报 2026Q4")
    assert isinstance(queued, Background) and queued.note == "正在生成2026年第四季度通报（Word），完成后私聊发给您。"
    assert (queued.job, queued.kwargs) == ("jobs.admin.bulletin", {"word": "2026Q4", "to": "dangwei01"})
    assert say(reviewed, "通报")[0].kwargs["word"] == "2026H2"          # this half-year
    [queued] = say(reviewed, "述职")
    assert (queued.job, queued.kwargs, queued.note) == ("jobs.admin.year_review", {"year": 2026, "to": "dangwei01"},
                                                        "正在生成2026年述职评议表，完成后私聊发给您。")


@pytest.mark.parametrize("typed, said", [
    ("通报 2026H3", "“2026H3”不是月份、季度、半年或年份，例：通报 2026H2、通报 2026Q4、通报 2026、通报 2026-12。"),
    ("通报 abc", "“abc”不是月份、季度、半年或年份，例：通报 2026H2、通报 2026Q4、通报 2026、通报 2026-12。"),
    ("通报 近三个月", "“近三个月”不是月份、季度、半年或年份，例：通报 2026H2、通报 2026Q4、通报 2026、通报 2026-12。"),
    ("通报 2027", "2027年还没有到，不能生成。"),
    ("通报 2027Q1", "2027年第一季度还没有到，不能生成。"),
    ("通报 2026H1", "2026年上半年没有月报，未生成。"),
    ("通报 2026-12", "2026年12月没有月报，未生成。"),
    ("述职 2027", "2027年还没有到，不能生成。"),
    ("述职 2024", "2024年没有月报，未生成。"),
    ("述职 2026H2", "“2026H2”不是年份，例：述职 2026。"),
])
def test_a_wrong_or_empty_period_is_one_line_and_nothing_is_queued(reviewed, typed, said):
    assert [r.content for r in say(reviewed, typed) if isinstance(r, Text)] == [said]
    assert not [r for r in say(reviewed, typed) if isinstance(r, Background)]


def test_a_mistyped_command_gets_did_you_mean(reviewed):
    assert say(reviewed, "通宝 2026")[0].content.startswith("没有“通宝”这个命令")


def test_a_secretary_may_not_ask_for_either(reviewed):
    for typed in ("通报 2026", "述职 2026"):
        assert say(reviewed, typed, "sec-xy01")[0].content.startswith(f"“{typed[:2]}”仅限党委办公室管理员使用")


def test_the_year_review_has_a_summary_and_a_sheet_per_org(reviewed, tmp_path):
    Org.update(name="党委/办公室[综合]:科室*很长很长很长很长很长的名字").where(Org.code == "XY04").execute()
    assert year_reviews.write(2026, tmp_path / "r.xlsx", reviewed) == 5
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["汇总", "XY01 岭南学院", "XY02 外国语学院", "XY03 中文系",
                               "XY04 党委_办公室_综合__科室_很长很长很长很长很长的名", "YY01 附属第一医院"]
    assert all(len(name) <= 31 for name in book.sheetnames)
    summary = [[cell.value for cell in row] for row in book["汇总"].iter_rows()]
    assert summary[0] == list(reviews.m.YEAR_REVIEW_HEADERS)
    assert summary[1:3] == [
        ["XY01", "岭南学院", "学院", "南校园", 28.33, 100, 4, 1, 2, 2, 0, 1, 0, 1],
        ["XY02", "外国语学院", "学院", "南校园", 24.17, 100, 5, 1, 2, 0, 2, 0, 0, 2]]
    assert summary[5][:9] == ["YY01", "附属第一医院", "附属医院", "北校园", 40, 100, 1, 1, 1]


def test_an_orgs_sheet_has_its_score_record_problems_rectifications_and_comments(reviewed, tmp_path):
    year_reviews.write(2026, tmp_path / "r.xlsx", reviewed)
    sheet = [[cell for cell in row if cell not in (None, "")]
             for row in openpyxl.load_workbook(tmp_path / "r.xlsx")["XY02 外国语学院"].iter_rows(values_only=True)]
    sheet = [row for row in sheet if row]
    assert sheet[:3] == [["外国语学院（XY02）2026年述职评议"], ["年度得分", "24.17/100"],
                         ["外国语学院（XY02）2026年得分 24.17/100"]]
    start = sheet.index(["月报提交记录"])
    assert sheet[start:start + 4] == [["月报提交记录"], ["月份", "状态", "完成事项", "提交时间"],
                                      ["2026年10月", "未报", "1/3"], ["2026年11月", "已提交", "4/4"]]
    start = sheet.index(["履职亮点"])
    assert sheet[start + 2] == ["2026年11月", "外国语学院师生赴红色基地研学"]
    start = sheet.index(["存在问题"])
    assert sheet[start + 2:start + 5] == [
        ["2026年10月", "点评问题", "第4项 理论学习中心组学习", "未按计划学习"],
        ["2026年11月", "点评问题", "整体", "材料不齐"], ["2026年11月", "反映困难", "组织部", "场地不足"]]
    start = sheet.index(["整改"])
    assert sheet[start + 2:start + 4] == [["ZG03", "巡察", "问题", "2026-11-30", "整改中"],
                                          ["ZG04", "巡察", "问题", "2026-12-20", "整改中"]]
    start = sheet.index(["点评"])
    assert [row[:4] for row in sheet[start + 2:]] == [["2026-10", "问题", "第4项 理论学习中心组学习", "未按计划学习"],
                                                     ["2026-11", "问题", "整体", "材料不齐"]]


def test_sheet_names_are_unique_short_and_safe():
    taken = {"汇总"}
    names = [year_reviews.sheet_name(wanted, taken) for wanted in ("汇总", "A" * 40, "a" * 40, "x/y:z?", "'")]
    assert names == ["汇总~2", "A" * 31, "a" * 29 + "~2", "x_y_z_", "_"]


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 12, 10, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture
def signed(app, services, phone, reviewed):
    """The fixture's people members of the stand-in, and XY02's secretary."""
    Person.create(userid="sec-xy02", name="李书记", roles=["secretary"], org=Org.get(Org.code == "XY02"))
    phone.add_members(["sec-xy01", "sec-xy02", "dangwei01"])

    def as_(userid: str):
        client = app.test_client()
        sign_in(client, userid)
        return client
    return as_


def test_the_year_page_shows_the_orgs_review_to_its_own_people(signed):
    page = text(signed("sec-xy02").get("/h5/year/2026"))
    review = page[page.index("述职评议"):page.index("点评 ")]
    assert review.startswith("述职评议 外国语学院2026年得分 24.17/100 1 日常工作 24.17/40")
    for shown in ("· 1.2 按时提交 5/10",
                  "月报提交记录 2026年10月 · 未报 · 完成事项 1/3 2026年11月 · 已提交 · 完成事项 4/4",
                  "整改 ZG03【巡察】问题 时限 2026-11-30 · 整改中 ZG04【巡察】问题 时限 2026-12-20 · 整改中"):
        assert shown in review
    assert "【问题】整体 ：材料不齐" in page
    assert not [said for said in ("岭南学院", "28.33", "学习记录不全", "ZG01") if said in page]


def test_admins_open_any_orgs_year_and_secretaries_of_others_never(signed):
    admin_page = text(signed("dangwei01").get("/h5/orgs/XY02/year/2026"))
    assert "外国语学院（XY02）2026年得分 24.17/100" in admin_page and "ZG03【巡察】" in admin_page
    assert signed("dangwei01").get("/h5/year/2026").status_code == 403         # an admin has no org of their own
    assert signed("dangwei01").get("/h5/orgs/XX99/year/2026").status_code == 404
    other = signed("sec-xy01")
    refused = other.get("/h5/orgs/XY02/year/2026")
    assert refused.status_code == 403 and "24.17" not in text(refused)
    assert "岭南学院2026年得分 28.33/100" in text(other.get("/h5/year/2026"))
