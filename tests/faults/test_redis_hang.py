"""Redis hangs (the process is stopped, its socket accepts and never answers): callbacks still
answer inside WeCom's 5 s with their passive reply, act once, and /healthz says so."""
import os
import signal

import pytest

from handlers import messages
from models import InboundMessage
from stack import redis_server


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


def test_healthz_says_redis_is_not_answering(client, stopped):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "error: TimeoutError"
