"""整改清单 (issue 21, point 1): a problem found in an organisation is listed by the office (整改 添加),
the org reports progress and says it is done (整改 N 进展 / 已完成), the office accepts it (销号),
returns it or reopens it; every move is kept with who, when and what was said, and the people
concerned are told."""
import datetime

import openpyxl
import pytest

from handlers import admin, messages as m
from handlers.checkin_steps import STEPS
from jobs import exports
from models import Conversation, Org, Period, Person, Rectification, RectificationEvent
from models.demo import load_demo_data
from models.directory import PeriodStatus
from models.rectifications import MOVES, Move, Problem, RectificationState, Refused, create, figures, move
from tests.conversation import Chat, seed_lists, show, walk_to

ADD = "整改 添加 ORG01 巡察|理论学习不深入|制定学习计划|张书记|2026-12-31"
D = datetime.date


def office(ctx, text: str, userid: str = "dangwei01") -> list[str]:
    """What an admin (or a liaison) reads back in the robot's chat (texts, and → whom a message goes to)."""
    return [show(reply) for reply in admin.run(text, Person.get(Person.userid == userid), ctx, "robot")]


def other_org() -> Org:
    org = Org.create(code="ORG02", name="化学学院", type="学院", area="珠海校区")
    Person.create(userid="sec02", name="赵书记", roles=["secretary"], org=org)
    return org


def states() -> list[tuple]:
    return [(r.code, r.org.code, r.state, r.closed_on) for r in Rectification.select().order_by(Rectification.id)]


def moves() -> list[tuple]:
    return [(e.rectification.code, e.move, e.before, e.after, e.by, e.text)
            for e in RectificationEvent.select().order_by(RectificationEvent.id)]


# the model: one table of moves, one function applying them

def _one(org, deadline: datetime.date | None = None, found_on: datetime.date | None = None):
    return create(org, {"source": "巡察", "problem": "理论学习不深入", "measures": "制定学习计划",
                        "responsible": "张书记", "found_on": found_on or D(2026, 11, 10),
                        "deadline": deadline or D(2026, 12, 31)},
                  "dangwei01", datetime.datetime(2026, 11, 10, 1, 0))


def test_every_allowed_move_and_only_those_change_the_state_each_kept_in_the_history(db):
    org = seed_lists()
    at, today = datetime.datetime(2026, 11, 12, 2, 0), D(2026, 11, 12)
    for state in RectificationState:
        for step in Move:
            r = _one(org)
            Rectification.update(state=state).where(Rectification.id == r.id).execute()
            events = RectificationEvent.select().count()
            if (state, step) in MOVES:
                moved = move(r.code, step, "sec01", at, today, "说明")
                assert moved.state == MOVES[state, step]
                assert moved.closed_on == (today if moved.state == RectificationState.CLOSED else None)
                assert RectificationEvent.select().count() == events + 1
            else:
                with pytest.raises(Refused) as refused:
                    move(r.code, step, "sec01", at, today, "说明")
                assert refused.value.problem == Problem.NOT_ALLOWED
                assert Rectification.get_by_id(r.id).state == state
                assert RectificationEvent.select().count() == events


@pytest.mark.parametrize("fields, problem", [
    ({"deadline": D(2026, 11, 9)}, Problem.DEADLINE_BEFORE),
    ({"source": "检查"}, Problem.BAD_SOURCE),
    ({"problem": " "}, Problem.NO_PROBLEM),
    ({"responsible": ""}, Problem.NO_RESPONSIBLE),
])
def test_a_rectification_that_is_not_one_is_refused_and_nothing_is_written(db, fields, problem):
    org = seed_lists()
    given = {"source": "巡察", "problem": "问题", "measures": "", "responsible": "张书记",
             "found_on": D(2026, 11, 10), "deadline": D(2026, 12, 31), **fields}
    with pytest.raises(Refused) as refused:
        create(org, given, "dangwei01", datetime.datetime(2026, 11, 10))
    assert refused.value.problem == problem
    assert Rectification.select().count() == RectificationEvent.select().count() == 0


# the chat: the office's side

def test_the_office_adds_one_and_the_org_sees_it_in_any_step(sec, ctx):
    assert office(ctx, ADD) == ["已列入整改 ZG01：哲学学院 · 巡察 · 理论学习不深入，时限 2026-12-31。"]
    assert sec.send("开始") == ["卡片：第 1/5 项 · 主体责任 · 进度：本年已完成 0/2 次"]
    assert sec.send("整改") == ["整改清单（哲学学院）：\nZG01 巡察 · 理论学习不深入 · 整改中 · 时限2026-12-31\n"
                              + m.RECT_ORG_HOW]
    assert sec.send("1 1") == ["卡片：第 2/5 项 · 理论学习"]        # the item asked before is answered as usual
    assert states() == [("ZG01", "ORG01", "open", None)]
    assert moves() == [("ZG01", "create", "", "open", "dangwei01", "")]


@pytest.mark.parametrize("typed, said", [
    ("整改 添加 ORG01 巡察|问题|措施|张书记|2026-11-09", "整改时限不能早于发现问题的日期（2026-11-10）。"),
    ("整改 添加 ORG01 巡察|问题|措施|张书记|12月20日", "整改时限“12月20日”不是日期，请写成 2027-01-20 这样。"),
    ("整改 添加 ORG01 检查|问题|措施|张书记|2026-12-31", m.RECT_PROBLEMS["bad source"]),
    ("整改 添加 ORG01 巡察||措施|张书记|2026-12-31", m.RECT_PROBLEMS["no problem"]),
    ("整改 添加 ZZ99 巡察|问题|措施|张书记|2026-12-31", "没有这些组织编号：ZZ99。"),
    ("整改 销号 ZG07", "没有编号为 ZG07 的整改事项。"),
    ("整改 销号 ZG01", "整改 ZG01 整改中，不能销号。"),
    ("整改 重开 ZG01 复查", "整改 ZG01 整改中，不能重开。"),
])
def test_an_office_command_that_cannot_be_taken_is_one_line_and_changes_nothing(sec, ctx, typed, said):
    office(ctx, ADD)
    before, history = states(), moves()
    assert office(ctx, typed) == [said]
    assert "\n" not in said and states() == before and moves() == history


def test_the_org_reports_progress_and_done_the_office_returns_accepts_and_reopens_each_told(sec, ctx):
    office(ctx, ADD)
    assert sec.send("整改 zg01 进展 已制定学习计划") == [
        "已记为整改 ZG01 的本月进展：「已制定学习计划」。发“撤销”可撤回。"]
    assert sec.send("整改 ZG01 已完成 学习记录已报送") == [
        "整改 ZG01 已报请验收：「学习记录已报送」，验收后会通知您。可再发照片作佐证。发“撤销”可撤回。",
        "→dangwei01 哲学学院 报请验收整改 ZG01（理论学习不深入）：学习记录已报送\n"
        "销号：整改 销号 ZG01；退回：整改 退回 ZG01 原因"]
    assert office(ctx, "整改 退回 ZG01 缺少会议记录") == [
        "整改 ZG01（哲学学院）已退回整改，已通知该组织。",
        "→sec01 整改 ZG01（理论学习不深入）被退回：缺少会议记录。请继续整改，完成后再报：整改 ZG01 已完成 …",
        "→dep01 整改 ZG01（理论学习不深入）被退回：缺少会议记录。请继续整改，完成后再报：整改 ZG01 已完成 …"]
    Chat("dep01", ctx).send("整改 ZG01 已完成 会议记录已补")
    ctx.clock.set(datetime.datetime(2026, 11, 20, 9, 0))
    assert office(ctx, "整改 销号 ZG01") == ["整改 ZG01（哲学学院）已销号。",
                                           "→sec01 整改 ZG01（理论学习不深入）已验收销号。",
                                           "→dep01 整改 ZG01（理论学习不深入）已验收销号。"]
    assert states() == [("ZG01", "ORG01", "closed", D(2026, 11, 20))]
    assert sec.send("整改") == ["整改清单（哲学学院）：暂无未销号的整改事项。"]
    assert office(ctx, "整改 重开 ZG01 复查发现反弹")[0] == "整改 ZG01（哲学学院）已重开，已通知该组织。"
    assert states() == [("ZG01", "ORG01", "open", None)]
    assert [(step, by, text) for _, step, _, _, by, text in moves()] == [
        ("create", "dangwei01", ""), ("progress", "sec01", "已制定学习计划"), ("submit", "sec01", "学习记录已报送"),
        ("send_back", "dangwei01", "缺少会议记录"), ("submit", "dep01", "会议记录已补"), ("accept", "dangwei01", ""),
        ("reopen", "dangwei01", "复查发现反弹")]
    assert sec.send("整改 ZG01") == ["\n".join([
        "整改 ZG01：哲学学院（ORG01）· 巡察 · 整改中", "问题：理论学习不深入", "措施：制定学习计划",
        "责任人：张书记 · 发现 2026-11-10 · 时限 2026-12-31", "记录：",
        "2026-11-10 09:30 列入整改 · 王老师", "2026-11-10 09:30 进展 · 张书记：已制定学习计划",
        "2026-11-10 09:30 报请验收 · 张书记：学习记录已报送", "2026-11-10 09:30 退回 · 王老师：缺少会议记录",
        "2026-11-10 09:30 报请验收 · 李副书记：会议记录已补", "2026-11-20 09:00 销号 · 王老师",
        "2026-11-20 09:00 重开 · 王老师：复查发现反弹"])]


@pytest.mark.parametrize("typed, said", [
    ("整改 ZG01 已完成", "请写明内容，例：整改 ZG01 已完成 学习计划和记录已报送"),
    ("整改 ZG01 进展", "请写明内容，例：整改 ZG01 进展 已制定学习计划"),
    ("整改 ZG02 进展 开会了", "整改 ZG02 不是本组织的。"),
    ("整改 ZG02", "整改 ZG02 不是本组织的。"),
    ("整改 ZG09", "没有编号为 ZG09 的整改事项。"),
    ("整改 销号 ZG01", m.RECT_ADMINS_ONLY),
    ("整改 ZG01 进展 " + "长" * 501, m.RECT_PROBLEMS["too long"]),
])
def test_an_orgs_move_that_cannot_be_taken_is_one_line_and_changes_nothing(sec, ctx, typed, said):
    other_org()
    office(ctx, ADD)
    office(ctx, "整改 添加 ORG02 督查|台账不全|补齐台账|赵书记|2026-12-31")
    before, history = states(), moves()
    assert sec.send(typed) == [said]
    assert states() == before and moves() == history


def test_a_submitted_one_cannot_be_submitted_again_nor_returned_without_a_reason(sec, ctx):
    office(ctx, ADD)
    sec.send("整改 ZG01 已完成 材料已报送")
    assert sec.send("整改 ZG01 已完成 再报一次") == ["整改 ZG01 待验收，不能报请验收。"]
    assert office(ctx, "整改 退回 ZG01") == ["请写明内容，例：整改 退回 ZG01 佐证材料不全"]
    assert office(ctx, "整改 退回") == [m.RECT_ADMIN_HOW + "\n" + "\n".join(
        admin.GROUP.find("整改")[0].usage.splitlines()[1:])]
    assert len(moves()) == 2 and states()[0][2] == "submitted"


def test_with_no_report_open_the_org_still_sees_and_moves_its_rectifications(ctx):
    seed_lists()
    office(ctx, ADD)
    chat = Chat("dep01", ctx)
    assert chat.send("整改")[0].startswith("整改清单（哲学学院）：\nZG01 ")
    assert chat.send("整改 ZG01 进展 已开会")[0] == "已记录整改 ZG01 的进展。"
    assert chat.send("填报") == [m.NO_REPORT]


@pytest.mark.parametrize("step", list(STEPS))
def test_rectifications_answer_in_every_step_and_leave_the_person_there(sec, ctx, step):
    office(ctx, ADD)
    walk_to(step, sec.send, lambda: Conversation.get().step)
    assert sec.send("整改")[0].startswith("整改清单（哲学学院）：")
    assert sec.send("整改 ZG01 进展 已开会") == ["已记为整改 ZG01 的本月进展：「已开会」。发“撤销”可撤回。"]
    assert Conversation.get().step == step


def test_rectifications_answer_in_a_closed_month(sec, ctx):
    office(ctx, ADD)
    Period.update(status=PeriodStatus.CLOSED).execute()
    assert sec.send("整改 ZG01 已完成 材料已报送")[0].startswith("整改 ZG01 已报请验收")


def test_the_list_shows_the_overdue_first_and_an_area_liaison_sees_their_area_only(sec, ctx):
    other_org()
    Person.create(userid="pq-zh", name="珠海联络员", roles=["liaison"], area="珠海校区")
    office(ctx, ADD)
    office(ctx, "整改 添加 ORG02 督查|台账不全|补齐台账|赵书记|2026-11-15")
    ctx.clock.set(datetime.datetime(2026, 11, 20, 9, 0))
    assert office(ctx, "整改") == ["\n".join([
        "整改清单 2 条（逾期 1 条）：", "【逾期】ZG02 化学学院 · 督查 · 台账不全 · 整改中 · 时限2026-11-15",
        "ZG01 哲学学院 · 巡察 · 理论学习不深入 · 整改中 · 时限2026-12-31", m.RECT_ADMIN_HOW])]
    assert office(ctx, "整改", "pq-zh")[0].splitlines()[:2] == [
        "整改清单 · 珠海校区 1 条（逾期 1 条）：", "【逾期】ZG02 化学学院 · 督查 · 台账不全 · 整改中 · 时限2026-11-15"]
    assert office(ctx, "整改 ZG01", "pq-zh") == ["整改 ZG01 不是本片区组织的。"]
    assert office(ctx, "整改 销号 ZG02", "pq-zh") == [m.RECT_ADMINS_ONLY]
    assert office(ctx, "整改 待验收") == [m.RECT_NONE]


def test_figures_count_open_overdue_on_time_and_late_by_area_and_type(sec, ctx):
    other_org()
    at = datetime.datetime(2026, 11, 1)
    org1, org2 = Org.get(Org.code == "ORG01"), Org.get(Org.code == "ORG02")
    for org, deadline, closed_on in ((org1, D(2026, 11, 30), None), (org1, D(2026, 11, 15), None),
                                     (org2, D(2026, 11, 15), D(2026, 11, 14)),
                                     (org2, D(2026, 11, 15), D(2026, 11, 18))):
        r = _one(org, deadline=deadline, found_on=D(2026, 11, 1))
        if closed_on:
            move(r.code, Move.SUBMIT, "sec", at, closed_on, "完成")
            move(r.code, Move.ACCEPT, "dangwei01", at, closed_on)
    total, by_area, by_type = figures(D(2026, 11, 20))
    assert vars(total) == {"open": 2, "overdue": 1, "on_time": 1, "late": 1}
    assert {area: vars(t) for area, t in by_area.items()} == {
        "": {"open": 2, "overdue": 1, "on_time": 0, "late": 0},
        "珠海校区": {"open": 0, "overdue": 0, "on_time": 1, "late": 1}}
    assert list(by_type) == ["学院"]
    assert office(ctx, "整改 统计")[0].splitlines()[:3] == [
        "整改情况（2026-11-10）：未销号 2 条，其中逾期 0 条；已销号 2 条，按期 1 条、逾期销号 1 条",
        "按片区：", "未分片区：未销号 2 · 逾期 0 · 按期销号 0 · 逾期销号 0"]
    answer = admin.run("统计", Person.get(Person.userid == "dangwei01"), ctx, "robot")[0]   # then the chart's job
    stats = answer.content.splitlines()                     # the month's figures, then the rectifications
    assert stats[0].startswith("2026年11月") and stats[-1] == (
        "整改情况（2026-11-10）：未销号 2 条，其中逾期 0 条；已销号 2 条，按期 1 条、逾期销号 1 条")


def test_the_demo_has_a_dozen_in_every_state_two_overdue_loaded_once(db, config):
    load_demo_data("2026-12", config.directory)
    load_demo_data("2026-12", config.directory)
    rows = list(Rectification.select())
    assert len(rows) == 12 and RectificationEvent.select().count() == 12 + 13
    assert {r.state for r in rows} == set(RectificationState)
    assert RectificationEvent.select().where(RectificationEvent.move == Move.SEND_BACK).count() == 1
    assert RectificationEvent.select().where(RectificationEvent.move == Move.REOPEN).count() == 1
    total, _, by_type = figures(D(2026, 12, 8))
    assert vars(total) == {"open": 10, "overdue": 2, "on_time": 1, "late": 1}        # counted by hand
    assert sorted(r.code for r in rows if r.overdue(D(2026, 12, 8))) == ["ZG01", "ZG02"]
    assert vars(by_type["附属医院"]) == {"open": 1, "overdue": 1, "on_time": 0, "late": 0}


def test_the_year_overview_has_a_sheet_of_the_years_rectifications(sec, tmp_path):
    other = other_org()
    college = Org.get(Org.code == "ORG01")
    done_last_year = _one(college, deadline=D(2025, 12, 20), found_on=D(2025, 11, 1))
    move(done_last_year.code, Move.SUBMIT, "sec", datetime.datetime(2025, 12, 1), D(2025, 12, 1), "完成")
    move(done_last_year.code, Move.ACCEPT, "dangwei01", datetime.datetime(2025, 12, 2), D(2025, 12, 2))
    still_open = _one(college, deadline=D(2026, 1, 31), found_on=D(2025, 12, 1))
    this_year = _one(college)
    elsewhere = _one(other)
    exports.year(2026, tmp_path / "all.xlsx")
    book = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert book.sheetnames[:3] == ["汇总", "整改清单", "ORG01"]
    rows = list(book["整改清单"].iter_rows(values_only=True))
    assert rows[0][:9] == ("编号", "组织编号", "来源", "问题", "整改措施", "责任人", "整改时限", "状态", "销号日期")
    assert [(row[0], row[1], row[7]) for row in rows[1:]] == [
        (still_open.code, "ORG01", "整改中"), (this_year.code, "ORG01", "整改中"), (elsewhere.code, "ORG02", "整改中")]
    exports.year(2026, tmp_path / "one.xlsx", "ORG01")
    mine = openpyxl.load_workbook(tmp_path / "one.xlsx")["整改清单"]
    assert [row[0] for row in mine.iter_rows(min_row=2, values_only=True)] == [still_open.code, this_year.code]
    exports.year(2024, tmp_path / "before.xlsx")
    assert "整改清单" not in openpyxl.load_workbook(tmp_path / "before.xlsx").sheetnames
