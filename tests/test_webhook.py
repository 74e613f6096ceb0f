"""The app callback and the robot callback, driven with real crypto through the Flask app."""
import datetime
import json
import logging

import psycopg
import pytest
from rq.cron import CronScheduler

import settings
from app import create_app
from handlers import messages
from handlers.errors import UserError
from handlers.replies import Text
from jobs import outbox as outbox_jobs, runtime
from models import DeferredMessage, Department, InboundMessage, OutboxMessage, bind
from tests.conftest import PG_APPLICATION, PG_URL
from tests.setups import run_worker
from tests.wecom import Caller, event_xml, robot_json, text_xml


@pytest.fixture
def wecom(config):
    return Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)


@pytest.fixture
def robot(config):
    return Caller(config.robot.token, config.robot.encoding_aes_key, "")


def post_app(client, wecom, plaintext, age=0, **overrides):
    encrypt, query = wecom.envelope(plaintext, age)
    query.update(overrides)
    return client.post("/wecom/callback", query_string=query, data=wecom.xml_body(encrypt))


def post_robot(client, robot, plaintext, age=0):
    encrypt, query = robot.envelope(plaintext, age)
    return client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt})


def test_url_verification_answers_the_plain_echostr(client, wecom):
    encrypt, query = wecom.envelope("echo-123456")
    response = client.get("/wecom/callback", query_string={**query, "echostr": encrypt})
    assert response.status_code == 200
    assert response.data == b"echo-123456"


def test_url_verification_with_a_wrong_signature_is_403(client, wecom):
    encrypt, query = wecom.envelope("echo")
    query.update(msg_signature="f" * 40, echostr=encrypt)
    assert client.get("/wecom/callback", query_string=query).status_code == 403


def test_url_verification_without_echostr_is_400(client, wecom):
    _, query = wecom.envelope("echo")
    assert client.get("/wecom/callback", query_string=query).status_code == 400


def test_text_from_a_known_person_gets_an_encrypted_passive_reply(client, wecom, people):
    response = post_app(client, wecom, text_xml("sec01", "你好", msg_id="1"))
    assert response.status_code == 200
    reply = wecom.open_xml_reply(response.data)
    assert reply["MsgType"] == "text" and reply["ToUserName"] == "sec01"
    assert reply["Content"] == messages.NO_REPORT
    assert InboundMessage.select().count() == 1


def test_unknown_user_gets_a_polite_reply_and_a_log_line(client, wecom, people, caplog):
    with caplog.at_level(logging.INFO):
        response = post_app(client, wecom, text_xml("stranger", "hi", msg_id="2"))
    assert wecom.open_xml_reply(response.data)["Content"] == messages.UNKNOWN_USER
    assert "stranger" in caplog.text and "not in the directory" in caplog.text


def test_a_retried_callback_acts_once_and_gets_the_same_reply(client, wecom, people, handler):
    def acting(inbound, ctx):
        Department.create(name=f"部门{Department.select().count() + 1}")     # something it did
        return [Text(f"第 {Department.select().count()} 次")]
    handler(acting)
    first = post_app(client, wecom, text_xml("sec01", "你好", msg_id="3"))
    retry = post_app(client, wecom, text_xml("sec01", "你好", msg_id="3"))
    assert wecom.open_xml_reply(first.data)["Content"] == wecom.open_xml_reply(retry.data)["Content"] == "第 1 次"
    assert Department.select().count() == 1
    assert InboundMessage.select().count() == 1


def test_two_events_in_one_second_both_act(client, wecom, people, handler):
    handler(lambda inbound, ctx: Department.create(name=inbound.event_key) and [])
    for key in ("a", "b", "a"):
        assert post_app(client, wecom, event_xml("sec01", "click", key=key)).status_code == 200
    assert sorted(d.name for d in Department.select()) == ["a", "b"]


@pytest.mark.parametrize("change, status", [
    ({"msg_signature": "0" * 40}, 403),
    ({"msg_signature": ""}, 400),
    ({"timestamp": "1"}, 403),          # the signature covers the timestamp
])
def test_bad_query_arguments(client, wecom, people, change, status):
    response = post_app(client, wecom, text_xml("sec01", "x", msg_id="4"), **change)
    assert response.status_code == status
    assert InboundMessage.select().count() == 0


def test_a_message_for_another_corp_is_403(client, config, people):
    other = Caller(config.wecom.token, config.wecom.encoding_aes_key, "ww-other-corp")
    assert post_app(client, other, text_xml("sec01", "x", msg_id="5")).status_code == 403


@pytest.mark.parametrize("body", [b"not xml", b"<xml><Nothing/></xml>", b"<xml><Encrypt></Encrypt></xml>", b""])
def test_malformed_bodies_are_400(client, wecom, body):
    _, query = wecom.envelope("x")
    assert client.post("/wecom/callback", query_string=query, data=body).status_code == 400


def test_undecryptable_payload_is_400(client, wecom):
    query = wecom.query("bm90IGEgcmVhbCBwYXlsb2Fk")
    response = client.post("/wecom/callback", query_string=query, data=wecom.xml_body("bm90IGEgcmVhbCBwYXlsb2Fk"))
    assert response.status_code == 400


def test_plaintext_missing_fields_is_400(client, wecom):
    assert post_app(client, wecom, "<xml><MsgType>text</MsgType></xml>").status_code == 400


def test_body_over_256_kib_is_413(client, wecom):
    _, query = wecom.envelope("x")
    response = client.post("/wecom/callback", query_string=query, data=b"<xml>" + b"a" * (256 * 1024))
    assert response.status_code == 413


def test_unknown_path_and_method_are_plain(client):
    assert client.get("/nope").status_code == 404
    assert client.put("/wecom/callback").status_code == 405


def test_a_bug_in_a_handler_becomes_an_apology_and_undoes_its_writes(client, wecom, people, handler, caplog):
    def broken(inbound, ctx):
        Department.create(name="half-done")
        raise ZeroDivisionError("boom")
    handler(broken)
    response = post_app(client, wecom, text_xml("sec01", "x", msg_id="6"))
    assert response.status_code == 200
    assert wecom.open_xml_reply(response.data)["Content"] == messages.APOLOGY
    assert "ZeroDivisionError" in caplog.text
    assert Department.select().count() == 0
    assert InboundMessage.get().passive_reply is not None


def test_a_user_error_is_shown_as_it_is(client, wecom, people, handler):
    def refuses(inbound, ctx):
        raise UserError("该月份已截止。")
    handler(refuses)
    response = post_app(client, wecom, text_xml("sec01", "x", msg_id="8"))
    assert wecom.open_xml_reply(response.data)["Content"] == "该月份已截止。"


def hold_the_persons_lock(services):
    """sec01's message before this one still at work: its lock held, which a callback waits a tenth of a
    second for here (services.passive_lock_wait: 3 s in service) before handing itself to a worker."""
    services.passive_lock_wait = 0.1
    lock = services.redis.lock("yuebao:user:app:sec01", timeout=30)
    assert lock.acquire()
    return lock


def test_a_busy_person_is_answered_by_a_worker(client, wecom, people, services):
    lock = hold_the_persons_lock(services)
    response = post_app(client, wecom, text_xml("sec01", "你好", msg_id="7"))
    assert response.status_code == 200 and response.data == b""
    lock.release()
    run_worker(services)
    row = OutboxMessage.get(OutboxMessage.key.startswith("reply:"))
    assert (row.recipient, row.kind) == ("sec01", "text")
    assert json.loads(row.payload)["text"]["content"] == messages.NO_REPORT


def test_a_handed_off_message_outlives_redis_losing_its_job(client, wecom, people, services, clock, phone):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    phone.add_members(["sec01"])
    hold_the_persons_lock(services)
    post_app(client, wecom, text_xml("sec01", "你好", msg_id="8"))
    [job] = services.queue.get_jobs()
    kept = DeferredMessage.get()
    assert job.kwargs == {"deferred_id": kept.id} and "你好" not in job.description    # RQ logs ids, not texts
    services.redis.flushdb()                               # Redis restarted empty: the job is gone
    assert outbox_jobs.sweep()["handed_off"] == 0          # a live job may still be on its way
    clock.advance(datetime.timedelta(minutes=3))
    assert outbox_jobs.sweep()["handed_off"] == 1
    assert outbox_jobs.sweep()["handed_off"] == 0          # queued again once, not at every sweep
    run_worker(services)
    assert [m["content"]["text"]["content"] for m in phone.messages(userid="sec01")] == [messages.NO_REPORT]
    assert DeferredMessage.select().count() == 0 and InboundMessage.select().count() == 1
    services.queue.enqueue("jobs.inbound.process", kwargs={"deferred_id": kept.id})    # a stale duplicate job
    run_worker(services)
    assert len(phone.messages(userid="sec01")) == 1


def test_a_handed_off_message_no_worker_manages_to_act_on_is_given_up_after_three_requeues(
        client, wecom, people, services, clock, caplog):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    lock = hold_the_persons_lock(services)
    post_app(client, wecom, text_xml("sec01", "你好", msg_id="9"))
    lock.release()
    swept = []
    for _ in range(4):
        clock.advance(datetime.timedelta(minutes=3))
        swept.append(outbox_jobs.sweep()["handed_off"])
    assert swept == [1, 1, 1, 0] and DeferredMessage.select().count() == 0
    assert "given up" in caplog.text


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_without_any_redis_says_so(config, monkeypatch, tmp_path, db_url):
    monkeypatch.setattr(settings, "PRIVATE_REDIS", tmp_path / "no-dev-up")
    health = create_app(config.replace(redis={"url": ""})).test_client().get("/healthz")
    assert health.status_code == 503 and health.get_json()["redis"] == "error: ConfigError"


def test_robot_url_verification(client, robot):
    encrypt, query = robot.envelope("robot-echo")
    assert client.get("/wecom/robot", query_string={**query, "echostr": encrypt}).data == b"robot-echo"


def test_robot_answers_with_an_encrypted_stream(client, robot, people):
    response = post_robot(client, robot, robot_json("dangwei01", "帮助", msg_id="r1"))
    reply = robot.open_json_reply(response.data)
    assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
    assert messages.GROUP_HELP_HEADER in reply["stream"]["content"]


def test_robot_unknown_command_suggests_one(client, robot, people):
    reply = robot.open_json_reply(post_robot(client, robot, robot_json("dangwei01", "帮主", msg_id="r2")).data)
    assert reply["stream"]["content"] == "没有“帮主”这个命令。您是不是要找：帮助？发“帮助”看可用命令。"


def test_robot_retry_acts_once(client, robot, people):
    first = post_robot(client, robot, robot_json("dangwei01", "帮助", msg_id="r3"))
    again = post_robot(client, robot, robot_json("dangwei01", "帮助", msg_id="r3"))
    assert robot.open_json_reply(first.data) == robot.open_json_reply(again.data)
    assert InboundMessage.select().count() == 1


@pytest.mark.parametrize("body, status", [("not json", 400), ('{"encrypt": 5}', 400), ("[]", 400),
                                          ("[" * 100_000, 400), ('{"encrypt": ' + "[" * 100_000, 400)])
def test_robot_malformed(client, robot, body, status, caplog):
    _, query = robot.envelope("x")
    response = client.post("/wecom/robot", query_string=query, data=body, content_type="application/json")
    assert response.status_code == status
    assert "Traceback" not in caplog.text and len(caplog.records) == 1       # one line, no flood


def test_robot_deep_nesting_inside_a_signed_message_is_400(client, robot, people):
    response = post_robot(client, robot, '{"msgid": ' + "[" * 100_000)
    assert response.status_code == 400 and InboundMessage.select().count() == 0


def test_robot_wrong_signature_is_403(client, robot, people):
    encrypt, query = robot.envelope(robot_json("dangwei01", "帮助"))
    query["msg_signature"] = "1" * 40
    assert client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt}).status_code == 403


@pytest.mark.parametrize("proxies, logged", [(0, "from 127.0.0.1"), (1, "from 203.0.113.7")])
def test_a_rejected_callback_names_its_sender_behind_a_proxy(config, clock, robot, db, proxies, logged, caplog):
    app = create_app(config.replace(web={"proxies": proxies}), clock)
    encrypt, query = robot.envelope(robot_json("dangwei01", "帮助"))
    query["msg_signature"] = "1" * 40
    response = app.test_client().post("/wecom/robot", query_string=query, json={"encrypt": encrypt},
                                      headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 403
    assert logged in caplog.text


def test_with_redis_down_messages_are_still_answered_and_nothing_is_lost(config, people, handler, wecom, caplog):
    handler(lambda inbound, ctx: [Text("收到"), Text("第二条稍后送达")])
    broken = create_app(config.replace(redis={"url": "redis://127.0.0.1:1/0"}))
    response = post_app(broken.test_client(), wecom, text_xml("sec01", "你好", msg_id="9"))
    assert response.status_code == 200
    assert wecom.open_xml_reply(response.data)["Content"] == "收到"
    [row] = OutboxMessage.select()
    assert row.status == "pending" and "queued in the database only" in caplog.text
    assert broken.test_client().get("/healthz").get_json()["redis"].startswith("error")
    healthy = create_app(config).extensions["yuebao"]
    runtime.use(healthy)
    OutboxMessage.update(next_attempt_at=row.next_attempt_at.replace(year=2020)).execute()
    assert healthy.outbox.sweep() == {"reclaimed": 0, "requeued": 1, "unknown_outcome": 0}


def test_a_message_after_the_database_dropped_every_connection_is_answered_as_usual(
        client, wecom, people, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("a database server that drops connections: PostgreSQL")
    post_app(client, wecom, text_xml("sec01", "你好", msg_id="10"))
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        dropped = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                                [PG_APPLICATION]).fetchall()
    assert dropped
    response = post_app(client, wecom, text_xml("sec01", "在吗", msg_id="11"))
    assert wecom.open_xml_reply(response.data)["Content"] == messages.NO_REPORT
    assert InboundMessage.select().count() == 2


def test_the_persons_lock_is_released_with_the_delivery_jobs(client, wecom, people, handler, services):
    handler(lambda inbound, ctx: [Text("收到"), Text("第二条")])
    post_app(client, wecom, text_xml("sec01", "你好", msg_id="12"))
    assert not services.redis.exists("yuebao:user:app:sec01")
    row = OutboxMessage.get()
    assert services.queue.fetch_job(f"outbox-{row.id}").get_status() == "queued"


def test_a_redis_that_lost_the_release_script_still_gets_the_jobs_and_the_release(
        client, wecom, people, handler, services, caplog):
    handler(lambda inbound, ctx: [Text("收到"), Text("第二条")])
    post_app(client, wecom, text_xml("sec01", "你好", msg_id="12a"))
    services.redis.script_flush()               # Redis restarted: its scripts are gone, not the jobs' keys
    post_app(client, wecom, text_xml("sec01", "再来", msg_id="12b"))
    assert not services.redis.exists("yuebao:user:app:sec01")
    assert [services.queue.fetch_job(f"outbox-{row.id}").get_status() for row in OutboxMessage.select()] == [
        "queued", "queued"]
    assert "queued in the database only" not in caplog.text and "expired" not in caplog.text


def test_a_lock_that_expired_and_was_taken_by_another_is_left_to_it(client, wecom, people, handler, services, caplog):
    def slow(inbound, ctx):
        services.redis.set("yuebao:user:app:sec01", "another message's token")   # ours expired meanwhile
        return [Text("收到"), Text("第二条")]
    handler(slow)
    post_app(client, wecom, text_xml("sec01", "你好", msg_id="13"))
    assert services.redis.get("yuebao:user:app:sec01") == b"another message's token"
    assert "expired before its release" in caplog.text
    assert OutboxMessage.select().count() == 1


@pytest.mark.parametrize("age, status", [(9 * 60, 200), (-9 * 60, 200), (11 * 60, 403), (-11 * 60, 403),
                                         (6 * 3600, 403), (400 * 86400, 403)])
def test_a_callback_stamped_outside_ten_minutes_is_refused(client, wecom, robot, people, age, status, caplog):
    assert post_app(client, wecom, text_xml("sec-xy01", "1", msg_id=f"old{age}"), age).status_code == status
    assert post_robot(client, robot, robot_json("dangwei01", "帮助", msg_id=f"old{age}"), age).status_code == status
    assert InboundMessage.select().count() == (2 if status == 200 else 0)
    if status == 403:
        assert "outside the 600 s window" in caplog.text


def test_url_verification_outside_the_window_is_refused(client, wecom):
    encrypt, query = wecom.envelope("echo", age=3600)
    assert client.get("/wecom/callback", query_string={**query, "echostr": encrypt}).status_code == 403


def test_callbacks_are_remembered_for_a_day_then_pruned_nightly(client, wecom, people, services, clock):
    clock.set(datetime.datetime(2026, 12, 7, 9, 0))
    assert post_app(client, wecom, text_xml("sec-xy01", "帮助", msg_id="day1")).status_code == 200
    clock.advance(datetime.timedelta(hours=23))
    assert post_app(client, wecom, text_xml("sec-xy01", "帮助", msg_id="day2")).status_code == 200
    clock.advance(datetime.timedelta(hours=2))
    services.queue.enqueue("jobs.inbound.prune")
    run_worker(services)
    assert [row.dedupe_key for row in InboundMessage.select()] == ["app:msg:day2"]
    schedule = CronScheduler(connection=services.redis, name="table")
    schedule.load_config_from_file("jobs.cron")
    assert ("jobs.inbound.prune", "17 3 * * *") in [(job.func_name, job.cron) for job in schedule.get_jobs()]


def test_an_unreachable_database_answers_503_and_wecom_retries_later(config, wecom, db_url, caplog):
    broken = create_app(config.replace(database={"url": "postgresql://postgres@127.0.0.1:1/test"}))
    try:
        response = post_app(broken.test_client(), wecom, text_xml("sec01", "你好", msg_id="db-down"))
        assert response.status_code == 503
        assert broken.test_client().get("/healthz").status_code == 503
        assert "database unavailable" in caplog.text and "Traceback" not in caplog.text
    finally:
        bind(db_url)
    assert InboundMessage.select().count() == 0                 # not acknowledged as handled


def test_healthz_wants_the_schema_not_just_a_connection(config, tmp_path, db_url):
    empty = create_app(config.replace(database={"url": f"sqlite:///{tmp_path / 'empty.db'}"}))
    try:
        health = empty.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "error: no schema (run init-db)"
    finally:
        bind(db_url)
