"""The check-in end to end: the stand-in posts encrypted callbacks as WeCom does, the app answers
over HTTP, a worker delivers through the outbox, the phone shows it. The conversation's details
are tested against the handlers directly (test_conversation.py); these are the few that need it all."""
import datetime
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from jobs.publish import publish_period
from models import Department, Entry, Evidence, Feedback, Period, Person, Report
from tests.chat import Phone, show
from tests.conversation import seed_lists
from tests.setups import run_worker

PERIOD = "2026-11"
ITEM_1 = ("第 1/5 项 · 主体责任 | 讲授党课 · 每年不少于2次 · 截止 11月25日 | "
          "回复 1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月；有数量一起回，如“1 2”＝已完成 2 次 | "
          "进度：本年已完成 0/2 次 | "
          "[已完成] | [推进中] | [不涉及] | [顺延下月]")
ITEM_2 = ("第 2/5 项 · 理论学习 | 中心组集体学习 · 每月不少于1次 · 截止 11月25日 | "
          "回复 1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月 | [已完成] | [推进中] | [不涉及] | [顺延下月]")


@pytest.fixture
def month(people, services, phone, live_app, clock):
    """A month published on its 5th: 3 baseline actions (two counted), 2 tasks (tests/conversation.py)."""
    clock.set(datetime.datetime(2026, 11, 5, 9, 0))
    phone.add_members(["sec01", "dep01", "dangwei01"])
    seed_lists(PERIOD)
    result = publish_period(services, PERIOD)
    assert result["cards"] == 2
    return Report.get()


@pytest.fixture
def sec(phone, services, month):
    chat = Phone(phone, services, "sec01")
    chat.read()
    return chat


def test_publish_sends_each_secretary_and_deputy_one_card(phone, services, month):
    run_worker(services)
    for userid in ("sec01", "dep01"):
        [card] = [show(m) for m in phone.messages(userid=userid)]
        assert card == ("2026年11月党建月报已发布 | 规定动作 3 项 · 月度任务 2 项 · 顺延 0 项 · 截止 11月25日 | "
                        "点“开始填报”逐项回答，随时可暂停，换设备也能接着填。 | [开始填报] | [查看清单]")
    again = publish_period(services, PERIOD)
    run_worker(services)
    assert (again["cards"], again["new_reports"]) == (0, 0)
    assert len(phone.messages(userid="sec01")) == 1
    assert Entry.select().count() == 5
    period = Period.get()
    assert (period.publish_on, period.remind_on, period.close_on) == (
        datetime.date(2026, 11, 5), datetime.date(2026, 11, 25), datetime.date(2026, 11, 30))


def test_a_whole_month_one_tap_per_item(sec, phone, month):
    assert sec.tap("开始填报") == [ITEM_1]
    assert sec.tap("已完成") == ["第 1 项本月完成多少次？请回复数字。（本年已完成 0/2 次）"]
    assert sec.send("2") == [ITEM_2]
    assert sec.tap("已完成")[0].startswith("第 3/5 项 · 安全工作 | 安全检查")
    assert sec.send("3") == ["第 3 项选择了“不涉及”，请简要说明原因："]
    assert sec.send("本季度检查已在10月完成")[0].startswith("第 4/5 项 · 月度任务 · 组织部 | 报送主题教育总结")
    assert sec.tap("顺延下月")[0].startswith("第 5/5 项")
    assert sec.photo() == ["已为第 4 项添加照片。"]
    assert sec.tap("已完成") == ["请填写本月履职亮点，可发多条；没有请发“无”。"]
    for text in ("无", "无", "无"):
        sec.send(text)
    assert sec.send("提交") == ["✅ 2026年11月月报已提交。11月30日前可发“改 N”修改。"]

    assert [(e.status, e.amount) for e in Entry.select().order_by(Entry.position)] == [
        ("done", 2), ("done", None), ("not_applicable", None), ("deferred", None), ("done", None)]
    assert Evidence.get().entry.position == 4
    assert Report.get().status == "submitted"
    for userid in ("sec01", "dep01"):
        notice = next(m for m in phone.messages(userid=userid) if m["card"] and m["card"]["title"].endswith("已发布"))
        assert notice["card"]["replaced_name"] == "已提交"


def test_a_tapped_button_updates_its_card(sec, phone, month):
    sec.send("开始")
    sec.send("1 1")
    sec.tap("推进中")
    cards = [m["card"] for m in phone.messages(userid="sec01") if m["card"]]
    card = next(c for c in cards if c["title"].startswith("第 2/5"))
    assert card["replaced_name"] == "已选择：推进中"
    assert Entry.get(Entry.position == 2).status == "in_progress"


def test_a_new_app_process_resumes_where_the_person_was(sec, config, clock, standin, month):
    sec.send("开始")
    sec.send("1 1")
    second = make_server("127.0.0.1", 0, create_app(config, clock), threaded=True)
    threading.Thread(target=second.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    standin.state.config = standin.state.config.replace(standin={"app_url": f"http://127.0.0.1:{second.server_port}"})
    try:
        assert sec.send("继续") == [ITEM_2]
    finally:
        second.shutdown()


def test_a_suggestion_taken_back_is_withdrawn_from_its_department_too(sec, phone, services):
    department = Department.get(Department.name == "组织部")
    Person.create(userid="dept-zzb", name="王芳", roles=["liaison"], department=department)
    phone.add_members(["dept-zzb"])
    liaison = Phone(phone, services, "dept-zzb")
    for text in ("开始", "1 1", "1", "1 1", "1", "1", "无", "无"):
        sec.send(text)
    sec.send("建议增加培训经费")
    assert sec.send("组织部")[0].startswith("已转给组织部。")
    [card] = liaison.read()
    assert card.startswith("【建议】哲学学院 · 2026年11月")
    assert sec.send("撤销") == ["已撤销建议：「建议增加培训经费」。"]
    assert liaison.read() == ["哲学学院张书记撤回了一条建议：「建议增加培训经费」，无需再处理。"]
    [delivered] = phone.messages(userid="dept-zzb")[:1]
    assert delivered["card"]["replaced_name"] == "已撤回" and Feedback.select().count() == 0
