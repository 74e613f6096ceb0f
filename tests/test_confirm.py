"""Mass admin commands ask first: 发布, 撤回发布, and 催办 of more than one org say what they will do
and run only on the same person's 确认, in the same place, within 2 minutes by the services' clock."""
import datetime

import pytest

from models import AuditEntry, Org, OutboxMessage, PendingCommand, Period, Person, Report
from models.cycle import fillers
from models.report import ReportStatus
from tests.setups import demo_month, run_worker
from tests.test_admin import Desk

D = datetime.datetime
ASK = "发“确认”执行（2 分钟内有效），发其他内容即取消。"


@pytest.fixture
def published(client, config, services, phone, clock):
    """December published, its cards delivered."""
    clock.set(D(2026, 12, 8, 10, 0))
    demo_month(services, phone, "2026-12")
    return Desk(client, config, services, phone)


def reminded() -> int:
    return OutboxMessage.select().where(OutboxMessage.key.startswith("remind-now:")).count()


def test_remind_all_runs_only_on_the_same_persons_confirm_in_the_same_place(published):
    assert published.group("dangwei01", "催办").splitlines() == [
        "将提醒2026年12月未提交的 73 个组织的 88 人，确认后立即发出（今天已提醒过的 0 人不再重复）。", ASK]
    assert reminded() == 0 and PendingCommand.select().where(PendingCommand.userid == "dangwei01").count() == 1
    assert published.group("dangwei02", "确认") == "没有待确认的操作。"
    assert published.robot_chat("dangwei01", "确认") == "没有待确认的操作。"
    assert published.group("dangwei01", "确认") == "已提醒 88 人（73 个组织）；今天已提醒过的 0 人不再重复。"
    assert reminded() == 88
    assert published.group("dangwei01", "确认") == "没有待确认的操作。"


def test_anything_else_cancels_says_so_and_is_then_handled(published):
    assert published.group("dangwei01", "催办 全部").endswith(ASK)
    reply = published.group("dangwei01", "进度")
    assert reply.startswith("已取消：催办 全部\n2026年12月进度：已提交 0/73")
    assert published.group("dangwei01", "确认") == "没有待确认的操作。"
    assert reminded() == 0


def test_in_the_apps_chat_an_admin_who_fills_in_confirms_there(published):
    Person.update(roles=["secretary", "admin"]).where(Person.userid == "sec-xy01").execute()
    assert published.chat("sec-xy01", "/催办 全部").endswith(ASK)
    assert published.chat("sec-xy01", "确认").startswith("已提醒 88 人（73 个组织）")
    assert published.chat("dangwei01", "撤回发布 2026-12").endswith(ASK)
    assert published.chat("dangwei01", "进度").startswith("已取消：撤回发布 2026-12\n2026年12月进度")
    assert Period.get(Period.key == "2026-12").status == "published"
    assert published.chat("sec-xy01", "/发布 2027-01").endswith(ASK)
    assert published.chat("sec-xy01", "已完成").startswith("已取消：发布 2027-01\n")        # then the report's answer
    assert published.chat("sec-xy01", "确认") != "没有待确认的操作。"      # nothing waits: the report's conversation


def test_a_withdrawal_tells_each_person_who_got_a_card_once(published):
    run_worker(published.services)
    assert published.group("dangwei01", "撤回发布 2026-12").splitlines() == [
        "将撤回2026年12月月报：删除 73 份月报；88 人已收到的卡片标为“已撤回”，并各收到一条撤回通知，"
        "确认后立即发出。", ASK]
    assert published.group("dangwei01", "确认") == "正在撤回2026年12月月报，完成后私聊发给您。"
    run_worker(published.services)
    people = {p.userid for group in fillers([o.id for o in Org.select()]).values() for p in group}
    told = {userid: published.inbox(userid).count("2026年12月月报已撤回，请不要再填报；重新发布时会再通知您。")
            for userid in sorted(people)[:5]}
    assert told == {userid: 1 for userid in sorted(people)[:5]}
    assert OutboxMessage.select().where(OutboxMessage.key.startswith("withdrawn:2026-12:")).count() == len(people)


def test_a_reminder_that_sends_nothing_says_why(published):
    xy01 = Org.get(Org.code == "XY01")
    Report.update(status=ReportStatus.SUBMITTED).where(Report.org == xy01).execute()
    assert published.group("dangwei01", "催办 XY01") == "XY01 已提交，无需催办。"
    assert published.group("dangwei01", "催办 XY02") == "已提醒 1 人（1 个组织）；今天已提醒过的 0 人不再重复。"
    assert published.group("dangwei01", "催办 XY02") == "XY02 今天已提醒过，明天可再催办。"
    Report.update(status=ReportStatus.SUBMITTED).execute()
    assert published.group("dangwei01", "催办") == "2026年12月各组织都已提交，无需催办。"


def test_a_month_without_tasks_warns_and_a_late_confirm_does_nothing(published, clock):
    assert published.group("dangwei01", "发布 2027-01").splitlines() == [
        "⚠️ 2027年1月还没有月度任务（月度任务 0 项），各组织只会收到基础固定动作。",
        "将发布2027年1月月报：73 个组织的 88 人各收到一张卡片（月度任务 0 项），确认后立即发出。"
        "同时发短信 77 条（无手机号 10 人、已退订 1 人不发）。", ASK]
    clock.advance(datetime.timedelta(minutes=2, seconds=1))
    assert published.group("dangwei01", "确认") == "“发布 2027-01”已超过确认时限，没有执行。请重新发送命令。"
    assert Period.get_or_none(Period.key == "2027-01") is None
    assert not [job for job in published.services.queue.get_jobs() if job.id.startswith("background-")]


def test_the_audit_tells_asked_cancelled_expired_refused_and_wrong_usage(published, clock):
    for text in ("发布 2030-05", "进度 2026-13", "催办", "进度", "撤回发布 2026-12"):
        published.group("dangwei01", text)
    clock.advance(datetime.timedelta(minutes=3))
    published.group("dangwei01", "确认")
    rows = [(row.text, row.outcome) for row in AuditEntry.select().order_by(AuditEntry.id)]
    assert rows == [("发布 2030-05", "refused"), ("进度 2026-13", "usage"), ("催办", "asked"), ("催办", "cancelled"),
                    ("进度", "ok"), ("撤回发布 2026-12", "asked"), ("撤回发布 2026-12", "expired")]
    assert [line.split(" · ", 3)[-1] for line in published.group("dangwei01", "审计 7").splitlines()[1:]] == [
        "撤回发布 2026-12 · 确认超时", "撤回发布 2026-12 · 待确认", "进度 · 完成", "催办 · 已取消", "催办 · 待确认",
        "进度 2026-13 · 用法有误", "发布 2030-05 · 拒绝"]
    assert Period.get(Period.key == "2026-12").status == "published"
