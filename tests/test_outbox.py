"""The outbox against the running stand-in: once per key, in order, paced, retried, recorded."""
import datetime
import hashlib
import json

import pytest

from app import create_app
from bot import notices, outbound
from handlers.replies import Button, Card, CardUpdate, FileReply, Text
from jobs import runtime
from models import OutboxMessage, database
from tests.setups import run_worker


@pytest.fixture
def members(phone):
    phone.add_members(["sec01", "sec02"])


def queue(services, key, reply, to="sec01"):
    with database.atomic():
        return outbound.enqueue(key, "app", to, reply, services.clock.utcnow())


def texts(phone, userid="sec01"):
    return [m["content"]["text"]["content"] for m in phone.messages(userid=userid) if m["msgtype"] == "text"]


def test_the_same_key_enqueued_twice_is_sent_once(services, phone, members):
    first = queue(services, "notice:2026-11:org-17", Text("2026年11月党建月报已发布"))
    assert queue(services, "notice:2026-11:org-17", Text("2026年11月党建月报已发布")) is None
    services.outbox.kick([first])
    run_worker(services)
    services.outbox.deliver(first.id)
    assert texts(phone) == ["2026年11月党建月报已发布"]
    row = OutboxMessage.get()
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)


def test_messages_to_one_person_arrive_in_order(services, phone, members):
    rows = [queue(services, f"k{i}", Text(f"第{i}条")) for i in range(5)]
    services.outbox.deliver(rows[-1].id)
    assert texts(phone) == [f"第{i}条" for i in range(5)]


@pytest.mark.parametrize("errcode", [-1, 45009, 45033])
def test_transient_errors_are_retried(services, phone, members, errcode):
    row = queue(services, "k", Text("重试"))
    phone.set_faults(fail_next=2, errcode=errcode)
    for _ in range(3):
        services.outbox.deliver(row.id)
    row = OutboxMessage.get_by_id(row.id)
    assert (row.status, row.attempts) == ("sent", 3)
    assert texts(phone) == ["重试"]


def test_retries_stop_at_max_attempts(services, phone, members):
    row = queue(services, "k", Text("x"))
    phone.set_faults(fail_next=100, errcode=-1)
    for _ in range(10):
        services.outbox.deliver(row.id)
    row = OutboxMessage.get_by_id(row.id)
    assert (row.status, row.attempts, row.last_errcode) == ("failed", services.config.outbox.max_attempts, -1)


def test_a_permanent_error_is_recorded_and_not_retried(services, phone, members, caplog):
    bad = queue(services, "k-bad", Text("给不存在的人"), to="nobody")
    good = queue(services, "k-good", Text("给书记"))
    services.outbox.deliver(bad.id)
    services.outbox.deliver(good.id)
    bad = OutboxMessage.get_by_id(bad.id)
    assert (bad.status, bad.attempts, bad.last_errcode) == ("failed", 1, 81013)
    assert "k-bad" in caplog.text and "81013" in caplog.text
    assert texts(phone) == ["给书记"]


def test_a_lost_answer_is_resent_with_the_duplicate_check(services, phone, members):
    row = queue(services, "k", Text("只收到一次"))
    phone.set_faults(drop_next=1, hang_seconds=services.config.wecom.timeout_seconds + 2)
    services.outbox.deliver(row.id)
    assert OutboxMessage.get_by_id(row.id).status == "pending"
    services.outbox.deliver(row.id)
    assert OutboxMessage.get_by_id(row.id).status == "sent"
    assert texts(phone) == ["只收到一次"]
    assert phone.stats()["deduplicated"] == 1


def test_pacing_keeps_under_the_per_member_limit(services, phone, members, monkeypatch):
    services.outbox.pacer.per_minute = 3
    rows = [queue(services, f"k{i}", Text(f"{i}")) for i in range(5)]
    services.outbox.deliver(rows[-1].id)
    statuses = [OutboxMessage.get_by_id(r.id).status for r in rows]
    assert statuses == ["sent"] * 3 + ["pending"] * 2
    waiting = OutboxMessage.get_by_id(rows[3].id)
    assert waiting.next_attempt_at > services.clock.utcnow() + datetime.timedelta(seconds=50)
    assert waiting.attempts == 0
    assert services.queue.scheduled_job_registry.count == 1


def test_the_sweeper_recovers_a_row_a_dead_worker_left(services, phone, members):
    row = queue(services, "k", Text("worker died"))
    OutboxMessage.update(status="sending", attempts=1,
                         claimed_at=services.clock.utcnow() - datetime.timedelta(minutes=5)).execute()
    assert services.outbox.sweep() == {"reclaimed": 1, "requeued": 0, "unknown_outcome": 0}
    services.outbox.deliver(row.id)
    assert texts(phone) == ["worker died"]
    assert OutboxMessage.get_by_id(row.id).attempts == 2


def test_a_killed_workers_lock_holds_nobody_up_and_frees_itself(services, phone, members):
    row = queue(services, "k", Text("after the crash"))
    name = "yuebao:outbox:recipient:" + hashlib.sha1(b"sec01").hexdigest()
    left_behind = services.redis.lock(name, timeout=outbound.RECIPIENT_LOCK_SECONDS)
    assert left_behind.acquire(blocking=False)          # as a worker killed mid-send leaves it
    services.outbox.deliver(row.id)                     # returns at once instead of waiting for the lock
    assert texts(phone) == []
    assert services.queue.scheduled_job_registry.get_job_ids() == [f"outbox-{row.id}-0"]
    assert 0 < services.redis.pttl(name) <= outbound.RECIPIENT_LOCK_SECONDS * 1000
    services.redis.delete(name)                         # a minute later it has expired
    services.outbox.deliver(row.id)
    assert texts(phone) == ["after the crash"]


def test_the_sweeper_requeues_what_redis_never_got(services, phone, members):
    queue(services, "k", Text("redis was down"))
    OutboxMessage.update(next_attempt_at=services.clock.utcnow() - datetime.timedelta(minutes=2)).execute()
    assert services.outbox.sweep() == {"reclaimed": 0, "requeued": 1, "unknown_outcome": 0}
    run_worker(services)
    assert texts(phone) == ["redis was down"]


def test_long_text_is_cut_on_a_utf8_boundary(services, phone, members):
    row = queue(services, "k", Text("党" * 1000))
    services.outbox.deliver(row.id)
    [content] = texts(phone)
    assert len(content.encode()) <= 2048 and content == "党" * 682


def test_a_card_and_its_update(services, phone, members):
    card = Card(title="2026年11月党建月报已发布", description="17 项 · 截止 11月25日",
                buttons=(Button("开始填报", "start"), Button("查看清单", "list", 2)), task_id="notice-2026-11-sec01")
    row = queue(services, "card", card)
    services.outbox.deliver(row.id)
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == "sent" and row.response_code
    [shown] = phone.messages(userid="sec01")
    assert [b["text"] for b in shown["card"]["buttons"]] == ["开始填报", "查看清单"]
    update = queue(services, "card-update", CardUpdate(row.response_code, "已提交"))
    services.outbox.deliver(update.id)
    assert OutboxMessage.get_by_id(update.id).status == "sent"
    [shown] = phone.messages(userid="sec01")
    assert shown["card"]["replaced_name"] == "已提交"
    assert json.loads(row.payload)["template_card"]["card_type"] == "button_interaction"


def test_a_file_is_uploaded_then_sent(services, phone, members, tmp_path):
    export = tmp_path / "2026年11月统计.xlsx"
    export.write_bytes(b"PK\x03\x04" + b"x" * 2000)
    row = queue(services, "file", FileReply(str(export)))
    services.outbox.deliver(row.id)
    [shown] = phone.messages(userid="sec01")
    assert shown["msgtype"] == "file"
    assert (shown["media"]["filename"], shown["media"]["size"]) == ("2026年11月统计.xlsx", 2004)
    assert OutboxMessage.get_by_id(row.id).status == "sent"


def test_a_file_this_worker_cannot_read_fails_once_and_is_not_retried(services, phone, members, tmp_path, caplog):
    row = queue(services, "file", FileReply(str(tmp_path / "made-on-another-machine.xlsx")))
    services.outbox.deliver(row.id)
    row = OutboxMessage.get_by_id(row.id)
    assert (row.status, row.attempts) == ("failed", 1) and "files_dir" in row.last_error
    assert services.outbox.sweep() == {"reclaimed": 0, "requeued": 0, "unknown_outcome": 0}
    assert phone.messages(userid="sec01") == []
    assert "failed for good" in caplog.text


def test_a_card_with_a_link_is_a_text_notice(services, phone, members):
    row = queue(services, "notice", Card(title="年度工作一览表", description="点击查看", url="https://example.org/y"))
    services.outbox.deliver(row.id)
    [shown] = phone.messages(userid="sec01")
    assert shown["content"]["template_card"]["card_type"] == "text_notice"
    assert shown["content"]["template_card"]["card_action"] == {"type": 1, "url": "https://example.org/y"}


def test_a_group_reply_goes_once_through_the_robots_response_url(services, phone, live_app, people, handler):
    phone.add_members(["dangwei01"])
    handler(lambda inbound, ctx: [
        Text("正在统计…"), Card(title="11月进度", description="已提交 55/73")])
    phone.robot("dangwei01", "进度")
    run_worker(services)
    shown = [(m["via"], m["msgtype"]) for m in phone.messages(chatid="admin-group")]
    assert shown == [("passive", "stream"), ("response_url", "markdown")]
    [row] = OutboxMessage.select()
    again = queue(services, "again", Text("第二次"), to=row.recipient)
    OutboxMessage.update(channel="robot").where(OutboxMessage.id == again.id).execute()
    services.outbox.deliver(again.id)
    assert OutboxMessage.get_by_id(again.id).status == "failed"
    assert len(phone.messages(chatid="admin-group")) == 2


@pytest.fixture
def group_webhook(services, config, standin, clock):
    """The admin group's robot webhook, known to the app and to the stand-in."""
    standin.state.config = standin.state.config.replace(admin_group={"webhook_key": "demo-group-key"})
    services = create_app(config.replace(admin_group={"webhook_key": "demo-group-key"}), clock).extensions["yuebao"]
    runtime.use(services)
    return services


def test_admin_notices_reach_the_group_merged_under_its_robots_limit(group_webhook, phone):
    services = group_webhook
    phone.add_members(["dangwei01", "dangwei02"])
    texts_sent = [f"通知 {i}：" + "党" * 100 for i in range(25)]
    with database.atomic():
        rows = [row for i, text in enumerate(texts_sent)
                for row in notices.notify_admins(services.config, f"test:{i}", text, services.clock.utcnow())]
    services.outbox.kick(rows)
    run_worker(services)
    for row in OutboxMessage.select().where(OutboxMessage.channel == "group", OutboxMessage.status == "pending"):
        services.outbox.deliver(row.id)                 # what the scheduler would do once the minute allows
    group = phone.messages(chatid="admin-group")
    assert len(group) == 2 and {m["via"] for m in group} == {"webhook"}      # 25 × 312 bytes, 4,096 a message
    shown = "\n\n".join(m["content"]["markdown"]["content"] for m in group)
    assert all(text in shown for text in texts_sent)
    assert all(len(m["content"]["markdown"]["content"].encode()) <= 4096 for m in group)
    assert phone.stats()["rate_limited"] == 0
    assert OutboxMessage.select().where(OutboxMessage.status != "sent").count() == 0
    assert len(phone.messages(userid="dangwei01")) == 25


def test_a_wrong_webhook_key_is_recorded_as_failed(group_webhook, standin, phone):
    services = group_webhook
    standin.state.config = standin.state.config.replace(admin_group={"webhook_key": "another"})
    with database.atomic():
        rows = notices.notify_admins(services.config, "test", "通知", services.clock.utcnow())
    group_row = next(r for r in rows if OutboxMessage.get_by_id(r.id).channel == "group")
    services.outbox.deliver(group_row.id)
    assert (OutboxMessage.get_by_id(group_row.id).status, OutboxMessage.get_by_id(group_row.id).last_errcode) == (
        "failed", 93000)
