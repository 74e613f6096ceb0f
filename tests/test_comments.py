"""点评 (issue 22, point 1): an admin, or an area liaison for their area, comments on an org's month —
the whole report or one item — as 表扬, 提醒 or 问题; the org's secretary and deputies get a card; an
edit keeps what it replaced and is told; a withdrawal is kept and told; a 问题 becomes a
rectification once. Wrong months, unknown orgs, missing items: one line, nothing written."""
import datetime

import openpyxl
import pytest

from handlers import admin, messages as m
from handlers.checkin_steps import STEPS
from handlers.router import Context
from jobs import exports
from jobs.publish import publish_period
from models import AuditEntry, Comment, CommentEdit, Org, Person, Rectification, database
from models.comments import CommentKind, of
from models.demo import add_demo_comments
from tests.browser import pages_app, post, sign_in, text
from tests.conversation import Chat, seed_lists, show
from tests.setups import demo_month, run_worker, told

PERIOD = "2026-11"


def office(ctx, text: str, userid: str = "dangwei01") -> list[str]:
    """What an admin (or a liaison) reads back in the robot's chat (texts, and → whom a message goes to)."""
    return [show(reply) for reply in admin.run(text, Person.get(Person.userid == userid), ctx, "robot")]


def comments() -> list[tuple]:
    return [(c.code, c.org.code, c.period, c.position, c.kind, c.text, c.by, c.withdrawn)
            for c in Comment.select().order_by(Comment.id)]


def liaison(area: str = "广州南校园") -> Person:
    return Person.create(userid="pq-1", name="片区联络员", roles=["liaison"], area=area)


def test_an_admin_comments_on_the_whole_report_and_on_an_item_and_the_org_gets_cards(sec, ctx):
    assert office(ctx, "点评 ORG01 表扬 主题党日很有特色") == [
        "已点评 DP1：哲学学院 2026年11月 · 整体 · 【表扬】主题党日很有特色，已通知该组织2人。",
        "→dep01 卡片：党委办公室点评 · 表扬 · 点评人：王老师 · 事项：整体 · 编号：DP1",
        "→sec01 卡片：党委办公室点评 · 表扬 · 点评人：王老师 · 事项：整体 · 编号：DP1"]
    said = office(ctx, "点评 ORG01 2026-11 第2项 问题：学习记录不全")
    assert said[0] == "已点评 DP2：哲学学院 2026年11月 · 第2项 中心组集体学习 · 【问题】学习记录不全，已通知该组织2人。"
    assert office(ctx, "点评 orG01 3 提醒 请按季度检查")[0].startswith(
        "已点评 DP3：哲学学院 2026年11月 · 第3项 安全检查")
    assert comments() == [("DP1", "ORG01", PERIOD, None, "praise", "主题党日很有特色", "dangwei01", False),
                          ("DP2", "ORG01", PERIOD, 2, "problem", "学习记录不全", "dangwei01", False),
                          ("DP3", "ORG01", PERIOD, 3, "reminder", "请按季度检查", "dangwei01", False)]
    card = admin.run("点评 ORG01 5 表扬 按时报送", Person.get(Person.userid == "dangwei01"), ctx, "robot")[1]
    assert card.key == "comment:4:dep01" and card.reply.subtitle == "按时报送"
    assert card.reply.description == "哲学学院 2026年11月月报 · 第5项 毕业生就业帮扶"


def test_the_model_answers_by_org_period_kind_and_item(sec, ctx):
    for typed in ("点评 ORG01 表扬 好", "点评 ORG01 2 问题 缺", "点评 ORG01 3 问题 少", "点评 ORG01 3 提醒 注意"):
        office(ctx, typed)
    office(ctx, "点评 撤回 DP4")
    assert [c.code for c in of(orgs=[Org.get().id], periods=[PERIOD], kinds=[CommentKind.PROBLEM])] == ["DP2", "DP3"]
    assert [c.code for c in of(positions=[None, 3])] == ["DP1", "DP3"]
    assert [c.code for c in of(positions=[3], withdrawn=True)] == ["DP3", "DP4"]


def test_each_wrong_comment_is_one_line_and_nothing_is_written(sec, ctx):
    assert office(ctx, "点评 XX99 表扬 好") == ["没有这些组织编号：XX99。"]
    assert office(ctx, "点评 ORG01 2026-12 表扬 好") == [
        "哲学学院（ORG01）没有2026年12月的月报（该月尚未发布或该组织不在其中），未点评。"]
    assert office(ctx, "点评 ORG01 2026-13 表扬 好")[0].startswith("“2026-13”不是月份，请写成 2026-12 这样。")
    assert office(ctx, "点评 ORG01 9 问题 缺") == ["哲学学院（ORG01）2026年11月的月报没有第9项（共 5 项），未点评。"]
    assert office(ctx, "点评 ORG01 第2项 学习记录不全") == [m.COMMENT_NEED_KIND]
    assert office(ctx, "点评 ORG01 学习记录不全") == [m.COMMENT_NEED_KIND]
    assert office(ctx, "点评 ORG01 问题")[0].startswith("请写明点评内容。")
    assert office(ctx, "点评 ORG01 问题 " + "长" * 501) == ["点评内容请不超过 500 字。"]
    assert comments() == []


def test_an_area_liaison_comments_on_their_areas_orgs_only_and_a_secretary_not_at_all(sec, ctx):
    Org.update(area="广州南校园").execute()
    liaison()
    assert office(ctx, "点评 ORG01 提醒 请尽快提交", "pq-1")[0].startswith("已点评 DP1：")
    Org.update(area="珠海校区").execute()
    assert office(ctx, "点评 ORG01 提醒 再提醒", "pq-1") == ["哲学学院（ORG01）不是本片区的组织。"]
    assert office(ctx, "点评 ORG01 提醒 好", "sec01") == [
        "“点评”仅限党委办公室管理员和片区联络员使用，如需要请联系：王老师（dangwei01）。"]
    assert [c.by for c in Comment.select()] == ["pq-1"]


def test_listing_an_orgs_comments_of_a_month(sec, ctx):
    assert office(ctx, "点评 ORG01")[0].startswith("哲学学院（ORG01）2026年11月还没有点评。")
    office(ctx, "点评 ORG01 2 问题 学习记录不全")
    office(ctx, "点评 ORG01 表扬 及时")
    office(ctx, "点评 撤回 DP2")
    assert office(ctx, "点评 ORG01 2026-11") == ["\n".join([
        "哲学学院（ORG01）2026年11月的点评 2 条：",
        "DP2 【表扬】整体 · 及时 · 王老师 11-10 09:30 【已撤回】",
        "DP1 【问题】第2项 中心组集体学习 · 学习记录不全 · 王老师 11-10 09:30",
        m.COMMENT_ADMIN_HOW])]


def test_an_edit_keeps_the_history_and_tells_the_org_and_only_the_author_or_an_admin_edits(sec, ctx):
    Org.update(area="广州南校园").execute()
    liaison()
    office(ctx, "点评 ORG01 2 提醒 学习记录不全", "pq-1")
    clock_then = ctx.clock.utcnow()
    assert office(ctx, "点评 改 DP1 问题 学习记录缺两次", "pq-1") == [
        "已修改点评 DP1：【问题】学习记录缺两次，已通知该组织。",
        "→dep01 点评 DP1（2026年11月 · 第2项 中心组集体学习）已修改为：【问题】学习记录缺两次",
        "→sec01 点评 DP1（2026年11月 · 第2项 中心组集体学习）已修改为：【问题】学习记录缺两次"]
    assert office(ctx, "点评 改 dp1 学习记录缺三次")[0] == "已修改点评 DP1：【问题】学习记录缺三次，已通知该组织。"
    Person.create(userid="pq-2", name="另一联络员", roles=["liaison"], area="广州南校园")
    assert office(ctx, "点评 改 DP1 表扬 好", "pq-2") == ["点评 DP1 是片区联络员写的，只有本人或管理员可以修改、撤回。"]
    assert office(ctx, "点评 改 DP9 表扬 好") == ["没有编号为 DP9 的点评。"]
    assert [(e.old_kind, e.old_text, e.by, e.at) for e in CommentEdit.select().order_by(CommentEdit.id)] == [
        ("reminder", "学习记录不全", "pq-1", clock_then), ("problem", "学习记录缺两次", "dangwei01", clock_then)]
    assert comments() == [("DP1", "ORG01", PERIOD, 2, "problem", "学习记录缺三次", "pq-1", False)]


def test_a_withdrawal_is_kept_marked_and_told(sec, ctx):
    office(ctx, "点评 ORG01 问题 台账不全")
    assert office(ctx, "点评 撤回 DP1") == ["已撤回点评 DP1（哲学学院 2026年11月），已通知该组织。",
                                         "→dep01 点评 DP1（2026年11月 · 整体）已撤回。",
                                         "→sec01 点评 DP1（2026年11月 · 整体）已撤回。"]
    assert office(ctx, "点评 撤回 DP1") == ["点评 DP1 已撤回。"]
    assert office(ctx, "点评 改 DP1 问题 再改") == ["点评 DP1 已撤回。"]
    assert comments()[0][-1] is True
    assert Chat("sec01", ctx).send("点评") == ["2026年11月的月报还没有点评。"]


def test_a_problem_becomes_a_rectification_once_and_only_a_problem_and_only_by_an_admin(sec, ctx):
    Org.update(area="广州南校园").execute()
    liaison()
    office(ctx, "点评 ORG01 2 问题 学习记录不全")
    office(ctx, "点评 ORG01 表扬 及时")
    assert office(ctx, "点评 整改 DP1 补齐学习记录|张书记|2026-12-31", "pq-1") == [m.COMMENT_RECTIFY_ADMINS_ONLY]
    assert office(ctx, "点评 整改 DP2 补齐|张书记|2026-12-31") == ["点评 DP2 是表扬，只有“问题”可以转为整改。"]
    assert office(ctx, "点评 整改 DP1 补齐|张书记|2026-11-01") == ["整改时限不能早于发现问题的日期（2026-11-10）。"]
    assert office(ctx, "点评 整改 DP1 补齐学习记录|张书记|2026-12-31") == [
        "点评 DP1 已列入整改 ZG01：哲学学院 · 时限 2026-12-31。"]
    assert office(ctx, "点评 整改 DP1 补齐学习记录|张书记|2026-12-31") == ["点评 DP1 已列入整改 ZG01。"]
    r = Rectification.get()
    assert (r.source, r.problem, r.measures, r.responsible, r.org.code) == (
        "点评", "学习记录不全", "补齐学习记录", "张书记", "ORG01")
    assert Comment.get_by_id(1).rectification_id == r.id
    assert "→ 整改 ZG01" in office(ctx, "点评 ORG01")[0]


def test_the_orgs_people_read_the_comments_in_their_chat_in_every_step(sec, ctx):
    office(ctx, "点评 ORG01 2 问题 学习记录<script>不全**")
    office(ctx, "点评 ORG01 表扬 及时")
    wanted = ["2026年11月党委办公室对本组织月报的点评：\n"
              "【表扬】整体：及时（王老师 11-10）\n"
              "【问题】第2项 中心组集体学习：学习记录＜script＞不全＊＊（王老师 11-10）"]
    assert sec.send("点评") == wanted
    assert sec.send("点评 2026-10") == ["2026年10月的月报还没有点评。"]
    assert sec.send("点评 ORG01 表扬 好") == [m.COMMENT_ORG_ONLY_READ]
    assert all("点评" in row.commands for row in STEPS.values())
    assert Comment.select().count() == 2


def test_the_year_overview_export_has_the_comments(sec, ctx, tmp_path):
    office(ctx, "点评 ORG01 2 问题 学习记录=不全")
    office(ctx, "点评 ORG01 表扬 及时")
    office(ctx, "点评 改 DP2 表扬 及时、完整")
    office(ctx, "点评 撤回 DP1")
    path = tmp_path / "year.xlsx"
    exports.year(2026, path, clock=ctx.clock)
    sheet = openpyxl.load_workbook(path)[m.EXPORT_COMMENTS]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1:] == [
        ["ORG01", "哲学学院", "2026-11", "整体", "表扬", "及时、完整", "王老师", "2026-11-10 09:30",
         m.COMMENT_EDITED_STATE, ""],
        ["ORG01", "哲学学院", "2026-11", "第2项 中心组集体学习", "问题", "学习记录=不全", "王老师",
         "2026-11-10 09:30", m.COMMENT_WITHDRAWN_STATE, ""]]


# the pages: a comment box on an org's month (工作台), the comments on 我的月报 and the year page

@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 20, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture
def month(client, services, phone):
    phone.add_members(["sec01", "dep01", "dangwei01"])
    seed_lists(PERIOD)
    publish_period(services, PERIOD)
    run_worker(services)


def test_an_admin_comments_from_the_orgs_month_on_the_desk_as_the_groups_command(client, month):
    sign_in(client, "dangwei01")
    page = text(client.get(f"/h5/orgs/ORG01/{PERIOD}"))
    assert "还没有点评。" in page and "写点评（通知该组织书记）" in page
    sent = post(client, f"/h5/orgs/ORG01/{PERIOD}/comments", kind="problem", item="2",
                text="记录<script>alert(1)</script> **不全** [链接](http://x)")
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/h5/orgs/ORG01/{PERIOD}#comments")
    page = client.get(sent.headers["Location"])
    assert b"<script>alert" not in page.data and b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.data
    assert "已点评 DP1：哲学学院 2026年11月 · 第2项 中心组集体学习 · 【问题】" in text(page)
    assert "【问题】第2项 中心组集体学习 ：记录<script>alert(1)</script> **不全** [链接](http://x)" in text(page)
    wrong = post(client, f"/h5/orgs/ORG01/{PERIOD}/comments", kind="praise", item="9", text="好")
    said = "哲学学院（ORG01）2026年11月的月报没有第9项（共 5 项），未点评。"
    assert said in text(client.get(wrong.headers["Location"]))
    assert [(a.command, a.place, a.outcome) for a in AuditEntry.select()] == [("点评", "h5", "ok")] * 2
    assert Comment.select().count() == 1
    card = told("sec01", "comment")
    assert "党委办公室点评 · 问题" in card and "<script>" not in card and "**" not in card and "](" not in card


def test_my_report_shows_the_comments_in_a_section_and_beside_the_item(client, month, services):
    with database.atomic():
        ctx = Context(clock=services.clock, admin_userids=frozenset({"dangwei01"}))
        office(ctx, "点评 ORG01 表扬 按时提交")
        office(ctx, "点评 ORG01 2 提醒 请附学习记录<b>")
        office(ctx, "点评 ORG01 3 问题 撤回的")
        office(ctx, "点评 撤回 DP3")
    sign_in(client, "dep01")
    response = client.get(f"/h5/report/{PERIOD}")
    page = text(response)
    assert "【表扬】整体 ：按时提交" in page and "【提醒】第2项 中心组集体学习 ：请附学习记录<b>" in page
    assert "点评【提醒】请附学习记录<b>" in page and "撤回的" not in page and "DP1" not in page
    assert b"&lt;b&gt;" in response.data and "请附学习记录<b>".encode() not in response.data
    year = text(client.get("/h5/year/2026"))
    assert "2026-11 【表扬】整体 ：按时提交" in year and "请附学习记录<b>" in year and "撤回的" not in year


def test_the_demo_month_has_comments_of_each_kind_once_published(client, services, phone, clock):
    demo_month(services, phone, PERIOD)
    add_demo_comments(PERIOD, clock.utcnow())
    add_demo_comments(PERIOD, clock.utcnow())           # again: nothing more
    assert [(c.org.code, c.position, c.kind) for c in Comment.select().order_by(Comment.id)] == [
        ("XY01", None, "praise"), ("ZS01", 2, "problem"), ("XY02", None, "praise"), ("XY02", 1, "praise"),
        ("XY03", None, "reminder"), ("XY04", 3, "problem"), ("XY04", None, "problem")]
    sign_in(client, "sec-zs01")
    assert "中心组学习记录不全" in text(client.get(f"/h5/report/{PERIOD}"))


def test_with_no_report_open_the_org_still_reads_its_comments(ctx):
    seed_lists(PERIOD)          # nothing published: no report to fill in
    assert Chat("sec01", ctx).send("点评") == ["2026年11月的月报还没有点评。"]
    assert Chat("sec01", ctx).send("点评 2026-13") == ["“2026-13”不是月份，请写成 2026-12 这样。"]
