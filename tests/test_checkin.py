"""The monthly check-in, through the real webhook with real crypto, as a secretary sees it on the phone."""
import datetime
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from jobs.publish import publish_period
from models import (
    Action,
    Department,
    Entry,
    EntryChange,
    Evidence,
    Feedback,
    Period,
    Report,
    Task,
)
from tests.chat import Phone, show
from tests.conftest import run_worker

PERIOD = "2026-11"


@pytest.fixture
def month(people, services, phone, live_app):
    """A published month with 5 items: 3 baseline actions (one quantified), 2 tasks."""
    phone.add_members(["sec01", "dep01", "dangwei01"])
    org = Department.create(name="组织部")
    Department.create(name="宣传部")
    Action.create(code="A1", category="加强理论学习", title="中心组集体学习", requirement="每月不少于1次",
                  frequency="monthly")
    Action.create(code="A2", category="落实主体责任", title="讲授党课", requirement="每年不少于2次",
                  frequency="yearly", target=2, unit="次")
    Action.create(code="A3", category="安全工作", title="安全检查", requirement="每季度1次", frequency="quarterly")
    Task.create(period=PERIOD, code="T1", title="报送主题教育总结", department=org)
    Task.create(period=PERIOD, code="T2", title="毕业生就业帮扶", department=org, applies_to=["学院"])
    result = publish_period(services, PERIOD)
    assert result["cards"] == 2
    return Report.get()


@pytest.fixture
def sec(phone, services, month):
    chat = Phone(phone, services, "sec01")
    chat.read()
    return chat


@pytest.fixture
def dep(phone, services, month):
    chat = Phone(phone, services, "dep01")
    chat.read()
    return chat


def entry(position):
    return Entry.get(Entry.position == position)


ITEM_2 = ("第 2/5 项 · 理论学习 | 中心组集体学习 · 每月不少于1次 · 截止 11月25日 | "
          "回复 1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月 | [已完成] | [推进中] | [不涉及] | [顺延下月]")


def statuses(report):
    return [(e.position, e.status, e.amount) for e in Entry.select().where(Entry.report == report).order_by(Entry.position)]


def test_publish_sends_each_secretary_and_deputy_one_card(phone, services, month):
    run_worker(services)
    for userid in ("sec01", "dep01"):
        [card] = [show(m) for m in phone.messages(userid=userid)]
        assert card == ("2026年11月党建月报已发布 | 5 项 · 截止 11月25日 | "
                        "点“开始填报”逐项回答，随时可暂停，换设备也能接着填。 | [开始填报] | [查看清单]")
    again = publish_period(services, PERIOD)
    run_worker(services)
    assert (again["cards"], again["new_reports"]) == (0, 0)
    assert len(phone.messages(userid="sec01")) == 1
    assert Entry.select().count() == 5 and Period.get().status == "published"




def test_a_whole_month_one_tap_per_item(sec, phone, month):
    item_1 = sec.tap("开始填报")
    assert item_1 == ["第 1/5 项 · 主体责任 | 讲授党课 · 每年不少于2次 · 截止 11月25日 | "
                      "回复 1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月 | 进度：本年已完成 0/2 次 | "
                      "[已完成] | [推进中] | [不涉及] | [顺延下月]"]
    assert sec.tap("已完成") == ["第 1 项本月完成多少次？请回复数字。（本年已完成 0/2 次）"]
    assert sec.send("2") == [ITEM_2]
    assert sec.tap("已完成")[0].startswith("第 3/5 项 · 安全工作 | 安全检查")
    assert sec.send("3") == ["第 3 项选择了“不涉及”，请简要说明原因（如：本院系暂无毕业年级）："]
    assert sec.send("本季度检查已在10月完成")[0].startswith("第 4/5 项 · 月度任务 · 组织部 | 报送主题教育总结")
    assert sec.send("4")[0].startswith("第 5/5 项")
    assert sec.send("已和学工部约好下月报送") == ["已为第 4 项添加备注。"]
    assert sec.photo() == ["已为第 4 项添加照片。"]
    assert sec.send("1") == ["请填写本月履职亮点，可发多条；没有请发“无”。"]
    assert sec.send("开展“三会一课”专题学习") == ["已记录。还有吗？没有请发“无”。"]
    assert sec.send("无") == ["本月遇到哪些困难？可发多条；没有请发“无”。"]
    assert sec.send("党建经费紧张") == ["这条希望转给哪个部门？\n1 组织部\n2 宣传部\n0 不指定"]
    assert sec.send("1") == ["已转给组织部。还有吗？没有请发“无”。"]
    assert sec.send("无") == ["对党委或各部门有何意见建议？可发多条；没有请发“无”。"]
    summary = sec.send("无")[0]
    assert summary.splitlines()[:3] == ["2026年11月月报小结", "已答 5/5 项（已完成 3，不涉及 1，顺延下月 1）",
                                        "⏭ 4. 报送主题教育总结"]
    assert sec.send("提交") == ["✅ 2026年11月月报已提交。截止前可发“改 N”修改。"]

    assert [(e.status, e.amount) for e in Entry.select().order_by(Entry.position)] == [
        ("done", 2), ("done", None), ("not_applicable", None), ("deferred", None), ("done", None)]
    assert entry(3).reason == "本季度检查已在10月完成"
    assert entry(4).note == "已和学工部约好下月报送" and Evidence.get().entry_id == entry(4).id
    assert [(f.kind, f.department.name if f.department else None) for f in Feedback.select().order_by(Feedback.id)] == [
        ("highlight", None), ("difficulty", "组织部")]
    report = Report.get()
    assert (report.status, report.late, report.submitted_by.userid) == ("submitted", False, "sec01")
    notices = [m for m in phone.messages(userid="sec01") if m["card"] and m["card"]["title"].endswith("已发布")]
    assert notices[0]["card"]["replaced_name"] == "已提交"
    dep_notice = [m for m in phone.messages(userid="dep01") if m["card"]][0]
    assert dep_notice["card"]["replaced_name"] == "已提交"


def test_a_tapped_button_updates_its_card(sec, phone, month):
    sec.send("开始")
    sec.send("1 1")
    sec.tap("推进中")
    card = next(m["card"] for m in phone.messages(userid="sec01") if m["card"] and m["card"]["title"].startswith("第 2/5"))
    assert card["replaced_name"] == "已选择：推进中"
    assert entry(2).status == "in_progress"


def test_change_after_submit_is_kept_with_who_and_when(sec, dep, month):
    for text in ("开始", "1 1", "1", "1", "1", "1", "无", "无", "无"):
        sec.send(text)
    assert sec.send("提交") == ["✅ 2026年11月月报已提交。截止前可发“改 N”修改。"]
    assert dep.send("改 2")[0].startswith("第 2/5 项 · 理论学习 | 中心组集体学习 · 每月不少于1次 · 截止 11月25日 | "
                                         "回复 1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月 | 当前：已完成")
    assert dep.send("2") == ["已修改第 2 项：推进中。"]
    changes = list(EntryChange.select().where(EntryChange.entry == entry(2)).order_by(EntryChange.id))
    assert [(c.status, c.changed_by.userid) for c in changes] == [("done", "sec01"), ("in_progress", "dep01")]
    assert entry(2).answered_by.userid == "dep01"


def test_submitting_after_the_deadline_is_marked_late(sec, month):
    Period.update(remind_on=datetime.date.today() - datetime.timedelta(days=2)).execute()
    sec.send("提交")
    assert sec.send("提交") == ["✅ 2026年11月月报已提交（逾期提交）。截止前可发“改 N”修改。"]
    assert Report.get().late is True
    assert [e.status for e in Entry.select()] == ["not_done"] * 5


def test_pause_and_resume_on_another_device(sec, dep, month):
    sec.send("开始")
    sec.send("1 1")
    assert sec.send("暂停") == ["已暂停。随时发“继续”接着填，换手机也可以。"]
    assert sec.send("1") == ["月报已暂停，发“继续”接着填。"]
    assert entry(2).status is None
    dep.send("开始")
    assert dep.send("1") [0].startswith("第 3/5 项")      # the deputy fills item 2 meanwhile
    assert sec.send("继续")[0].startswith("第 3/5 项")     # not asked again


def test_a_new_app_process_resumes_where_the_person_was(sec, config, standin, services, month):
    sec.send("开始")
    sec.send("1 1")
    second = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    threading.Thread(target=second.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    standin.state.config = standin.state.config.replace(standin={"app_url": f"http://127.0.0.1:{second.server_port}"})
    try:
        assert sec.send("继续") == [ITEM_2]
    finally:
        second.shutdown()


@pytest.mark.parametrize("send, reply", [
    ("9", "没有选项 9。请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 2 项：中心组集体学习）。发“帮助”看更多。"),
    ("x" * 501, "内容太长了（最多 500 字），请精简后再发。请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 2 项：中心组集体学习）。发“帮助”看更多。"),
    ("🙂", "请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 2 项：中心组集体学习）。发“帮助”看更多。"),
])
def test_unexpected_input_gets_a_hint_and_keeps_the_state(sec, month, send, reply):
    sec.send("开始")
    sec.send("1 1")
    assert sec.send(send) == [reply]
    assert entry(2).status is None and entry(1).note == ""
    assert sec.send("1")[0].startswith("第 3/5 项")


def test_voice_is_not_supported_but_loses_nothing(sec, phone, month):
    sec.send("开始")
    sec.send("1 1")
    phone.send_voice("sec01")
    assert sec.read() == ["暂不支持这类消息，请发文字或数字。请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 2 项：中心组集体学习）。发“帮助”看更多。"]
    assert entry(1).status == "done"


@pytest.mark.parametrize("bad", ["-1", "abc", "5000", "2.5"])
def test_amounts_are_validated(sec, month, bad):
    sec.send("开始")
    sec.send("1")
    assert sec.send(bad) == ["请回复 0 到 100 之间的整数，例如 2。"]
    assert entry(1).status is None
    assert sec.send("3次") == [ITEM_2]
    assert (entry(1).status, entry(1).amount) == ("done", 3)


def test_commands_in_every_step(sec, month):
    assert sec.send("帮助")[0].startswith("可用指令：")
    sec.send("开始")
    assert sec.send("跳过")[:1] == ["已跳过第 1 项，可稍后发“改 1”补填。"]
    assert sec.send("3") == ["第 2 项选择了“不涉及”，请简要说明原因（如：本院系暂无毕业年级）："]
    assert sec.send("取消") == ["已取消。", "请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 2 项：中心组集体学习）。发“帮助”看更多。"]
    assert sec.send("进度") == ["已答 0/5 项\n未答：第 1、2、3、4、5 项"]
    sec.send("1")
    assert sec.send("上一项")[0].startswith("第 2/5 项 · 理论学习 | 中心组集体学习")
    assert sec.send("我的月历")[0].splitlines()[:3] == [
        "2026年11月我的月历（填报中）", "⬜ 1. 讲授党课 · 未答", "✅ 2. 中心组集体学习 · 已完成"]
    assert sec.send("改 9") == ["没有第 9 项（共 5 项）。"]


def test_enter_agent_greets_with_the_state_of_the_report(sec, month):
    sec.send("开始")
    sec.send("1 1")
    assert sec.enter() == ["您好，张书记！2026年11月月报：已答 1/5 项（已完成 1）。发“继续”接着填。"]


def test_a_closed_month_is_read_only(sec, month):
    sec.send("开始")
    Period.update(status="closed").execute()
    assert sec.send("1") == ["2026年11月月报已截止，只能查看。发“我的月历”看填报情况。"]
    assert sec.send("我的月历")[0].startswith("2026年11月我的月历")
    assert entry(1).status is None


def test_a_deferred_item_comes_back_next_month_marked_carried_over(sec, services, month):
    sec.send("开始")
    sec.send("1 1")
    sec.send("4")
    publish_period(services, "2026-12")
    december = Report.get(Report.period == "2026-12")
    carried = [e for e in Entry.select().where(Entry.report == december) if e.carried_over]
    assert [e.action.title for e in carried] == ["中心组集体学习"]
    Period.update(status="closed").where(Period.key == PERIOD).execute()
    sec.read()
    assert sec.send("开始")[0].startswith("第 1/")
    assert any("【顺延】中心组集体学习" in line for line in sec.send("我的月历")[0].splitlines())


def test_someone_without_an_org_is_told_who_fills_in(phone, services, month, live_app):
    chat = Phone(phone, services, "dangwei01")
    assert chat.send("填报") == ["您好，王老师！月报由各组织书记或代填人填写。"]
