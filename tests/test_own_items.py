"""个性指标 (issue 21, point 3): an organisation proposes an item of its own in the chat (自选 添加),
the office approves it or returns it with a reason (自选 通过 / 退回), the proposer is told; an
approved item is that org's alone from the next publish, marked 个性, and counts like any action."""
import datetime

import openpyxl
import pytest

from handlers import admin, messages as m
from handlers.checkin_steps import STEPS
from handlers.router import Context
from jobs import exports
from models import Action, Conversation, Entry, Org, OwnItem, Period, Person, Report
from models.clock import Clock
from models.demo import load_demo_data
from models.directory import PeriodStatus
from models.items import items_for_orgs
from models.lists_io import actions
from models.stats import month_figures
from tests.conversation import Chat, seed_lists, seed_month, show, walk_to

PROPOSAL = "自选 添加 红色研学|党员发展与教育|每季度1次|结合本院红色资源"
PROPOSED = ("已提出个性指标 1：红色研学（党员发展与教育 · 每季度1次），待党委办公室审核，结果会通知您。")


def office(ctx, text: str) -> list[str]:
    """What an admin reads back in the robot's chat (texts, and → whom a message goes to)."""
    return [show(reply) for reply in admin.run(text, Person.get(Person.userid == "dangwei01"), ctx, "robot")]


def other_org() -> Org:
    org = Org.create(code="ORG02", name="化学学院", type="学院")
    Person.create(userid="sec02", name="赵书记", roles=["secretary"], org=org)
    return org


def rows() -> list[tuple]:
    return [(i.org.code, i.title, i.category, i.frequency, i.target, i.unit, i.why, i.status, i.answer)
            for i in OwnItem.select().order_by(OwnItem.id)]


def test_a_secretary_proposes_an_item_in_the_middle_of_the_check_in_and_stays_where_they_were(sec):
    assert sec.send("开始") == ["卡片：第 1/5 项 · 主体责任 · 进度：本年已完成 0/2 次"]
    assert sec.send(PROPOSAL) == [PROPOSED]
    assert sec.send("自选") == ["个性指标（哲学学院）：\n1. 红色研学（党员发展与教育 · 每季度1次）待审核\n" + m.OWN_HOW]
    assert sec.send("1 1") == ["卡片：第 2/5 项 · 理论学习"]      # the item asked before is answered as usual
    assert rows() == [("ORG01", "红色研学", "党员发展与教育", "quarterly", 1, "次", "结合本院红色资源", "proposed", "")]


def test_a_deputy_proposes_when_no_report_is_open(ctx):
    seed_lists()
    chat = Chat("dep01", ctx)
    assert chat.send("自选") == ["个性指标（哲学学院）：暂无。\n" + m.OWN_HOW]
    assert chat.send("自选添加 廉政谈话｜落实主体责任｜全年4次") == [
        "已提出个性指标 1：廉政谈话（落实主体责任 · 每年4次），待党委办公室审核，结果会通知您。"]
    assert chat.send("填报") == [m.NO_REPORT]
    assert rows() == [("ORG01", "廉政谈话", "落实主体责任", "yearly", 4, "次", "", "proposed", "")]


@pytest.mark.parametrize("typed, said", [
    ("自选 添加", m.OWN_PROBLEMS["no title"]),
    ("自选 添加 |党员发展与教育|每月", m.OWN_PROBLEMS["no title"]),
    ("自选 添加 红色研学|党员发展与教育", m.OWN_PROBLEMS["no frequency"]),
    ("自选 添加 红色研学|党员发展与教育|经常", m.OWN_PROBLEMS["no frequency"]),
    ("自选 添加 红色研学|党员发展与教育|全年", m.OWN_PROBLEMS["no frequency"]),
    ("自选 添加 红色研学|红色教育|每月", m.OWN_PROBLEMS["bad category"]),
    ("自选 添加 " + "长" * 41 + "|安全工作|每月", m.OWN_PROBLEMS["title too long"]),
    ("自选 添加 红色研学|安全工作|每月|" + "长" * 201, m.OWN_PROBLEMS["why too long"]),
    ("自选 通过 1", m.OWN_ONLY_ADMINS),
    ("自选 7", "没有编号为 7 的个性指标。"),
])
def test_a_proposal_that_is_not_one_is_said_in_one_line_and_nothing_changes(sec, typed, said):
    assert sec.send(typed) == [said]
    assert "\n" not in said.replace(m.OWN_HOW, "").strip() and rows() == []


def test_the_same_name_twice_and_another_orgs_item_are_refused(sec, ctx):
    other_org()
    sec.send(PROPOSAL)
    assert sec.send(PROPOSAL) == ["本组织已有同名的个性指标 1（待审核）。"]
    theirs = Chat("sec02", ctx)
    assert theirs.send("自选 1") == ["个性指标 1 不是本组织的。"]
    assert theirs.send(PROPOSAL) == [PROPOSED.replace("个性指标 1", "个性指标 2")]
    assert sec.send("自选 1") == ["个性指标 1：红色研学\n党员发展与教育 · 每季度1次 · 待审核\n理由：结合本院红色资源"]
    assert len(rows()) == 2


def test_the_office_lists_approves_and_returns_and_the_proposer_is_told(sec, ctx):
    sec.send(PROPOSAL)
    sec.send("自选 添加 校友讲坛|思想政治建设|每半年")
    assert office(ctx, "自选") == ["待审核的个性指标 2 条：\n"
                                   "1. 哲学学院（ORG01）：红色研学 · 党员发展与教育 · 每季度1次 · 结合本院红色资源\n"
                                   "2. 哲学学院（ORG01）：校友讲坛 · 思想政治建设 · 每半年\n" + m.OWN_DECIDE_HOW]
    assert office(ctx, "自选 通过 1") == [
        "已通过个性指标 1：哲学学院 · 红色研学，从下次发布的月报起列入该组织的事项。",
        "→sec01 您提出的个性指标“红色研学”已通过，从下次发布的月报起列入本组织的事项。"]
    assert office(ctx, "自选 退回 2 与规定动作重复") == [
        "已退回个性指标 2：哲学学院 · 校友讲坛，已通知提出人。",
        "→sec01 您提出的个性指标“校友讲坛”被退回：与规定动作重复。修改后可重新提出。"]
    assert office(ctx, "自选") == [m.OWN_WAITING_NONE]
    assert [status for *_, status, _ in rows()] == ["approved", "returned"]
    assert sec.send("自选")[0].splitlines()[1:3] == ["1. 红色研学（党员发展与教育 · 每季度1次）已通过",
                                                   "2. 校友讲坛（思想政治建设 · 每半年）已退回（与规定动作重复）"]
    again = sec.send("自选 添加 校友讲坛|思想政治建设|每半年")       # a returned one may be proposed again
    assert again[0].startswith("已提出个性指标 3：")


@pytest.mark.parametrize("typed, said", [
    ("自选 通过 1", "个性指标 1 已通过，不能再审核。"),
    ("自选 退回 1 重复", "个性指标 1 已通过，不能再审核。"),
    ("自选 通过 9", "没有编号为 9 的个性指标。"),
    ("自选 退回 2", "请写明退回原因：自选 退回 2 原因"),
    ("自选 批准 2", m.OWN_DECIDE_HOW + "\n例：自选 通过 3　或　自选 退回 3 与规定动作重复"),
])
def test_a_decision_that_cannot_be_taken_is_said_in_one_line_and_nothing_changes(sec, ctx, typed, said):
    sec.send(PROPOSAL)
    sec.send("自选 添加 校友讲坛|思想政治建设|每半年")
    office(ctx, "自选 通过 1")
    before, actions = rows(), Action.select().count()
    assert office(ctx, typed) == [said]
    assert rows() == before and Action.select().count() == actions


def test_an_approved_item_is_its_orgs_alone_from_the_next_publish_marked_and_counted(sec, ctx, tmp_path):
    other = other_org()
    sec.send(PROPOSAL)
    office(ctx, "自选 通过 1")
    college = Org.get(Org.code == "ORG01")
    assert Entry.select().join(Report).where(Report.period == "2026-11").count() == 5      # November is frozen
    items = items_for_orgs([college, other], "2026-12")
    assert [i.source.title for i in items[other.id]] == ["讲授党课", "中心组集体学习", "安全检查"]
    assert [i.source.title for i in items[college.id]] == ["讲授党课", "中心组集体学习", "红色研学", "安全检查"]
    seed_month("2026-12")
    december = Chat("sec01", Context(clock=Clock("Asia/Shanghai", at=datetime.datetime(2026, 12, 10, 9, 30))))
    assert december.send("改 3") == ["卡片：第 3/4 项 · 个性 · 党员教育 · 进度：本季度已完成 0/1 次"]
    assert december.send("1 1") == ["卡片：第 4/4 项 · 安全工作 · 进度：本季度已完成 0/1 次"]
    figures = month_figures("2026-12")
    assert figures.categories["党员发展与教育"] == (1, 1)
    assert ("红色研学", 1, 1, 1) in figures.targets
    exports.year(2026, tmp_path / "y.xlsx", "ORG01")
    sheet = openpyxl.load_workbook(tmp_path / "y.xlsx")["ORG01"]
    assert [row[1] for row in sheet.iter_rows(values_only=True)][1:] == [
        "讲授党课", "中心组集体学习", "【个性】红色研学", "安全检查", "报送主题教育总结", "毕业生就业帮扶"]
    exports.month("2026-12", tmp_path / "m.xlsx", "ORG01")
    titles = [row[6] for row in openpyxl.load_workbook(tmp_path / "m.xlsx")["全部"].iter_rows(values_only=True)]
    assert titles[1:] == ["讲授党课", "中心组集体学习", "【个性】红色研学", "安全检查"]
    listed = office(december.ctx, "清单 ORG01")[0].splitlines()
    assert listed[3].startswith("3. 【个性】红色研学（") and not any("【个性】" in line for line in listed[4:])


def test_the_responsibility_lists_export_keeps_the_common_items_only(sec, ctx):
    sec.send(PROPOSAL)
    office(ctx, "自选 通过 1")
    assert [row[2] for row in actions.dump()] == ["讲授党课", "中心组集体学习", "安全检查"]


def test_the_demo_has_one_approved_own_item_loaded_once(db, config):
    load_demo_data("2026-12", config.directory)
    load_demo_data("2026-12", config.directory)
    assert [(i.org.code, i.title, i.status, i.reviewed_by) for i in OwnItem.select()] == [
        ("XY02", "红色经典外译研学", "approved", "dangwei01")]
    titles = {org.code: [i.source.title for i in items] for org, items in zip(
        Org.select().where(Org.code.in_(["XY01", "XY02"])).order_by(Org.code),
        items_for_orgs(Org.select().where(Org.code.in_(["XY01", "XY02"])).order_by(Org.code), "2026-12").values(),
        strict=True)}
    assert "红色经典外译研学" in titles["XY02"] and "红色经典外译研学" not in titles["XY01"]


@pytest.mark.parametrize("step", list(STEPS))
def test_own_items_answer_in_every_step_and_leave_the_person_there(sec, step):
    walk_to(step, sec.send, lambda: Conversation.get().step)
    assert sec.send("自选") == ["个性指标（哲学学院）：暂无。\n" + m.OWN_HOW]
    assert Conversation.get().step == step


def test_own_items_answer_in_a_closed_month(sec):
    Period.update(status=PeriodStatus.CLOSED).execute()
    assert sec.send(PROPOSAL) == [PROPOSED]
    assert sec.send("进度")[0].startswith("已答 0/5")
    assert sec.send("开始") == [m.MONTH_CLOSED.format(month="2026年11月")]
