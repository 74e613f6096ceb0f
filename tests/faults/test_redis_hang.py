"""Redis hangs (the process is stopped, its socket accepts and never answers): callbacks still
answer inside WeCom's 5 s with their passive reply, act once, and /healthz says so; an export says
in that reply that it cannot start now; a publish
writes nothing when Redis hangs from the start, and finishes in the database when it hangs midway
(its cards go out once Redis is back)."""
import datetime
import os
import signal
from collections import Counter

import pytest
from redis.exceptions import RedisError

from handlers import messages
from jobs.publish import publish_period
from models import InboundMessage, OutboxMessage, Person, Report
from models.demo import load_demo_data
from stack import redis_server
from tests.setups import run_worker

pytestmark = pytest.mark.slow     # starts processes


@pytest.fixture
def hung_redis(tmp_path):
    process, url = redis_server.start(tmp_path / "redis")
    yield process, url
    os.kill(process.pid, signal.SIGCONT)
    process.kill()
    process.wait()


@pytest.fixture
def config(config, hung_redis):
    return config.replace(redis={"url": hung_redis[1]})


@pytest.fixture
def stopped(hung_redis, services, phone, people):
    """Redis stopped after the app has connected to it once."""
    phone.add_members(["sec01", "dangwei01"])
    services.redis.ping()
    os.kill(hung_redis[0].pid, signal.SIGSTOP)


def test_the_passive_reply_reaches_the_person_while_redis_hangs(live_app, stopped, phone):
    result = phone.say("sec01", "你好")
    assert (result["status"], result["attempts"]) == (200, 1)       # answered before WeCom gave up
    [shown] = phone.messages(userid="sec01")
    assert shown["via"] == "passive" and shown["content"]["text"]["content"] == messages.NO_REPORT
    assert InboundMessage.select().count() == 1


def test_a_group_command_is_answered_while_redis_hangs(live_app, stopped, phone):
    result = phone.robot("dangwei01", "帮助")
    assert (result["status"], result["attempts"]) == (200, 1)
    [shown] = phone.messages(chatid="admin-group")
    assert messages.GROUP_HELP_HEADER in shown["content"]["stream"]["content"]


def test_an_export_is_refused_in_the_passive_reply_while_redis_hangs(live_app, stopped, phone):
    result = phone.say("dangwei01", "导出 2026-11")
    assert (result["status"], result["attempts"]) == (200, 1)
    [shown] = phone.messages(userid="dangwei01")
    assert shown["via"] == "passive" and shown["content"]["text"]["content"] == messages.JOB_NOT_STARTED


def test_healthz_says_redis_is_not_answering(client, stopped):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "error: TimeoutError"


def test_a_publish_writes_nothing_if_redis_hangs_and_finishes_if_it_hangs_midway(services, hung_redis, phone, clock):
    clock.set(datetime.datetime(2026, 12, 7, 9, 0))
    load_demo_data("2026-12", services.config.directory)
    phone.add_members([p.userid for p in Person.select()])
    pid = hung_redis[0].pid
    os.kill(pid, signal.SIGSTOP)
    with pytest.raises(RedisError):
        publish_period(services, "2026-12")
    assert Report.select().count() == OutboxMessage.select().count() == 0
    os.kill(pid, signal.SIGCONT)
    result = publish_period(services, "2026-12", progress=lambda done: os.kill(pid, signal.SIGSTOP))
    assert (result["reports"], result["cards"]) == (73, 88)        # finished in the database
    os.kill(pid, signal.SIGCONT)
    clock.advance(datetime.timedelta(minutes=1))
    services.outbox.sweep()
    run_worker(services)
    cards = Counter(m["userid"] for m in phone.messages() if "已发布" in ((m["card"] or {}).get("title") or ""))
    assert len(cards) == 88 and set(cards.values()) == {1}
