"""Who gets an SMS and when (issue 23, point 1, the people half): with the card on the publish day,
with the reminder on the remind day, on the urge and supervise days only to the unseen, with a
rectification's letter; no number or opted out: a skipped row with the reason; once per person and
step; dry runs write nothing; 不要短信 / 接收短信 in the chat; the import's 手机 and 短信; the number
masked but in the admin's people export; the month's SMS counted in 统计, 进度 and the plans.

tests/conversation.py's 哲学学院 (ORG01: sec01 with a number, its deputy dep01 without), 化学学院
(ORG02: sec02, a number but opted out), 中文系 (ZW01: sec03 with a number); November published on
the 5th; the demo configuration's SMS go to the stand-in's Tencent Cloud."""
from __future__ import annotations

import datetime
import json

import pytest

from bot.dispatch import context
from handlers import admin, plans
from handlers.replies import Text
from jobs import letters
from jobs.nudges import nudge
from jobs.publish import publish_period, unpublish
from models import Entry, Org, OutboxMessage, Person, Report
from models.lists_io import export_rows, import_rows
from models.messaging import sms_counts
from models.rectifications import create
from models.schedule import MonthStep
from tests.conversation import PERIOD, Chat, seed_lists
from tests.setups import run_worker

FIFTH = datetime.datetime(2026, 11, 5, 9, 0)
URGE_DAY = datetime.datetime(2026, 11, 27, 9, 0)


@pytest.fixture
def month(services, phone, clock):
    """The three orgs and their people, members on the stand-in; nothing published yet."""
    clock.set(FIFTH)
    org = seed_lists(PERIOD)
    Person.update(mobile="13812341234").where(Person.userid == "sec01").execute()
    chemistry = Org.create(code="ORG02", name="化学学院", type="学院")
    Person.create(userid="sec02", name="赵书记", roles=["secretary"], org=chemistry, mobile="13900000002", sms=False)
    chinese = Org.create(code="ZW01", name="中文系", type="直属系")
    Person.create(userid="sec03", name="孙书记", roles=["secretary"], org=chinese, mobile="+85291234567")
    phone.add_members([person.userid for person in Person.select()])
    return org


def sms_rows(purpose: str = "") -> dict[str, tuple]:
    """The SMS rows of the month (of one purpose): userid → (status, number, reason, params)."""
    prefix = f"sms:{PERIOD}:{purpose}"
    return {row.key.rsplit(":", 1)[1]: (row.status, row.recipient, row.last_error,
                                        json.loads(row.payload).get("params"))
            for row in OutboxMessage.select().where(OutboxMessage.key.startswith(prefix)).order_by(OutboxMessage.key)}


def said(services, userid: str, typed: str) -> list[str]:
    replies = admin.run(typed, Person.get(Person.userid == userid), context(services), "robot")
    return [line for reply in replies if isinstance(reply, Text) for line in reply.content.splitlines()]


def test_publish_texts_those_with_a_number_skips_the_others_and_a_rerun_adds_nothing(services, month, phone):
    assert publish_period(services, PERIOD) == {"reports": 3, "new_reports": 3, "cards": 4, "sms": 2}
    assert sms_rows("publish") == {
        "dep01": ("skipped", "", "no_mobile", None),
        "sec01": ("pending", "13812341234", None, ["2026年11月", "11月25日"]),
        "sec02": ("skipped", "", "opted_out", None),
        "sec03": ("pending", "+85291234567", None, ["2026年11月", "11月25日"]),
    }
    assert publish_period(services, PERIOD)["sms"] == 0
    assert len(sms_rows()) == 4
    run_worker(services)
    assert sorted(sms["to"] for sms in phone.sms()) == ["+85291234567", "+8613812341234"]
    assert sms_counts(PERIOD) == {"sent": 2, "opted_out": 1, "no_mobile": 1}


def test_a_dry_run_counts_the_sms_and_writes_nothing(services, month):
    rehearsal = publish_period(services, PERIOD, dry_run=True)
    assert rehearsal["sms"] == 2 and rehearsal["to"]["sms"] == ["sec01", "sec03"]
    assert not OutboxMessage.select().exists()
    assert "同时发短信 2 条（无手机号 1 人、已退订 1 人不发）。" in plans.publish(PERIOD, sms=True)
    assert "短信" not in plans.publish(PERIOD, sms=False)


def test_without_a_provider_no_sms_is_queued(services, month):
    services.config = services.config.replace(sms={"provider": ""})
    assert "sms" not in publish_period(services, PERIOD)
    assert sms_rows() == {}


def test_urge_texts_only_those_reminded_who_have_not_seen_the_month(services, month, clock):
    publish_period(services, PERIOD)
    run_worker(services)                                    # the cards reach them
    Chat("sec01", context(services)).send("进度")            # sec01 has seen the month
    clock.set(URGE_DAY)
    assert nudge(services, PERIOD, MonthStep.URGE, dry_run=True)["sms"] == 1
    assert nudge(services, PERIOD, MonthStep.URGE)["sms"] == 1
    assert sms_rows("urge") == {
        "dep01": ("skipped", "", "no_mobile", None),
        "sec02": ("skipped", "", "opted_out", None),
        "sec03": ("pending", "+85291234567", None, ["2026年11月", "11月25日"]),
    }
    assert nudge(services, PERIOD, MonthStep.URGE)["sms"] == 0
    assert len(sms_rows("urge")) == 3


def test_opting_out_in_the_chat_skips_the_next_step_and_opting_in_undoes_it(services, month, clock):
    sec = Chat("sec01", context(services))
    assert sec.send("不要短信") == [
        "已退订短信：不再向您的手机 138****1234 发月报短信（微信消息照常）。要恢复，发“接收短信”。"]
    assert not Person.get(Person.userid == "sec01").sms       # before any month: no report needed
    publish_period(services, PERIOD)
    sec.send("开始")
    sec.send("3")                                           # 不涉及: its reason is asked
    assert sec.send("接收短信") == [
        "已恢复接收短信：发布、提醒时同时发短信到您的手机 138****1234。要退订，发“不要短信”。"]
    assert sec.send("不要短信")[0].startswith("已退订短信")     # in the middle of an answer …
    assert sec.send("新建院系无毕业生")[-1].startswith("卡片：第 2/5 项")    # … which goes on where it was
    first = Entry.select().join(Report).where(Report.org == month, Entry.position == 1).get()
    assert first.reason == "新建院系无毕业生"
    clock.set(datetime.datetime(2026, 11, 25, 9, 0))
    nudge(services, PERIOD, MonthStep.REMIND)
    assert sms_rows("remind")["sec01"] == ("skipped", "", "opted_out", None)
    assert Chat("dep01", context(services)).send("接收短信") == [
        "已恢复接收短信，但您还没有登记手机号：请联系党委办公室登记。要退订，发“不要短信”。"]


def test_a_letter_to_the_org_goes_with_an_sms(services, month, clock):
    create(month, {"source": "巡察", "problem": "学习不深入", "measures": "制定计划", "responsible": "张书记",
                   "found_on": datetime.date(2026, 9, 1), "deadline": datetime.date(2026, 11, 27)},
           "dangwei01", datetime.datetime(2026, 9, 1, 1, 0))
    clock.set(datetime.datetime(2026, 11, 24, 9, 0))
    assert letters.send_due(services, dry_run=True) == {
        "remind": 1, "sms": 1, "messages": 2, "to": {"remind": ["sec01", "dep01"], "sms": ["sec01"]}}
    assert letters.send_due(services) == {"remind": 1, "sms": 1, "queued": 2}
    assert letters.send_due(services) == {}
    rows = {row.key: (row.status, row.last_error, row.payload) for row in
            OutboxMessage.select().where(OutboxMessage.key.startswith(f"sms:{PERIOD}:letter:"))}
    r_id = month.rectifications[0].id
    assert rows[f"sms:{PERIOD}:letter:remind:{r_id}:dep01"][:2] == ("skipped", "no_mobile")
    assert json.loads(rows[f"sms:{PERIOD}:letter:remind:{r_id}:sec01"][2])["params"] == ["提醒函", "ZG01", "11月27日"]


def test_the_month_s_figures_count_the_sms(services, month):
    publish_period(services, PERIOD)
    line = "短信：已发 0 · 失败 0 · 待发 2 · 跳过 2（退订 1，无手机号 1，超上限 0）"
    assert line in said(services, "dangwei01", "进度")
    assert line in said(services, "dangwei01", f"统计 {PERIOD}")
    assert not any("短信" in line for line in said(services, "dangwei01", "进度 学院"))    # a part: not counted


def test_the_import_reads_the_numbers_and_the_admin_s_export_shows_them_whole(db):
    seed_lists(PERIOD)
    rows = [{"账号": "dep01", "姓名": "李副书记", "角色": "代填人", "所属组织编号": "ORG01",
             "手机": "+86 138-1234-5678", "短信": "否"},
            {"账号": "sec01", "姓名": "张书记", "角色": "书记", "所属组织编号": "ORG01", "手机": "", "短信": ""}]
    assert import_rows("people", list(enumerate(rows, 2)), None).ok
    assert (Person.get(Person.userid == "dep01").mobile, Person.get(Person.userid == "dep01").sms) == (
        "13812345678", False)
    assert ["dep01", "李副书记", "代填人", "ORG01", "", "", "13812345678", "否"] in export_rows("people")
    bad = import_rows("people", [(2, {**rows[1], "手机": "1381234"})], None)
    assert [str(error) for error in bad.errors] == ["第 2 行「手机」:手机号“1381234”无法识别,请写成 13812341234"]
    assert Person.get(Person.userid == "sec01").mobile is None


def test_an_admin_s_look_at_an_org_shows_its_people_s_numbers_masked(services, month):
    Person.update(sms=False).where(Person.userid == "sec01").execute()
    lines = said(services, "dangwei01", "组织 ORG01")
    assert lines[1] == "人员：书记 张书记（138****1234，已退订短信） · 代填人 李副书记（手机未登记）"
    assert not any("13812341234" in line for line in lines)
    assert said(services, "dangwei01", "组织 ZW01")[1] == "人员：书记 孙书记（852****4567）"


def test_a_withdrawn_month_drops_its_unsent_sms_and_a_sent_one_is_not_sent_again(services, month):
    publish_period(services, PERIOD)
    OutboxMessage.update(status="sent").where(OutboxMessage.key == f"sms:{PERIOD}:publish:sec01").execute()
    unpublish(services, PERIOD, "dangwei01")
    assert sms_rows() == {"sec01": ("sent", "13812341234", None, ["2026年11月", "11月25日"])}
    assert publish_period(services, PERIOD)["sms"] == 1                 # sec03's again; sec01 had theirs
    assert set(sms_rows()) == {"sec01", "sec03", "dep01", "sec02"}
