"""The access token: fetched once, shared through Redis by every process, refreshed once when rejected."""
import os
import subprocess
import sys

import pytest

from bot.wecom_client import WeComClient, WeComError
from tests.waiting import HANG

SEND = """
import sys
import redis, settings
from bot.wecom_client import WeComClient
config = settings.load(settings.DEMO_CONFIG)
client = WeComClient(config.wecom, redis.Redis.from_url(config.redis.url))
sys.stdin.readline()
client.api("message/send", {"touser": "sec01", "msgtype": "text", "agentid": 1000002,
                            "text": {"content": sys.argv[1]}})
"""


@pytest.fixture
def client(config, redis_client, phone):
    phone.add_members(["sec01"])
    return WeComClient(config.wecom, redis_client)


def send(client, text):
    return client.api("message/send", {"touser": "sec01", "msgtype": "text", "agentid": client.agent_id,
                                       "text": {"content": text}})


def test_the_token_is_fetched_once_and_kept_in_redis(client, phone, redis_client):
    send(client, "一")
    send(client, "二")
    assert phone.stats()["gettoken_calls"] == 1
    assert redis_client.ttl("yuebao:wecom:token:wwdemo0000000001:1000002") > 6000


def test_an_expired_token_is_refreshed_once_and_the_call_goes_through(client, phone):
    send(client, "一")
    phone.expire_tokens()
    assert send(client, "二")["errcode"] == 0
    assert phone.stats()["gettoken_calls"] == 2
    assert [m["content"]["text"]["content"] for m in phone.messages(userid="sec01")] == ["一", "二"]


def test_a_wrong_secret_is_an_error_not_a_loop(config, redis_client, phone):
    bad = WeComClient(config.replace(wecom={"secret": "wrong"}).wecom, redis_client)
    with pytest.raises(WeComError) as err:
        send(bad, "x")
    assert err.value.errcode == 40001
    assert phone.stats()["gettoken_calls"] == 1


def test_an_unreachable_server_is_a_network_error(config, redis_client):
    dead = WeComClient(config.replace(wecom={"api_base_url": "http://127.0.0.1:9/cgi-bin/"}).wecom, redis_client)
    with pytest.raises(WeComError) as err:
        send(dead, "x")
    assert err.value.errcode is None and "network" in err.value.errmsg


def run_together(config, texts):
    env = {**os.environ, "YUEBAO_WECOM_API_BASE_URL": config.wecom.api_base_url,
           "YUEBAO_REDIS_URL": config.redis.url}
    processes = [subprocess.Popen([sys.executable, "-c", SEND, text], env=env, stdin=subprocess.PIPE,
                                  cwd=os.path.dirname(os.path.dirname(__file__))) for text in texts]
    for process in processes:              # release them at the same moment
        process.stdin.write(b"go\n")
        process.stdin.flush()
    assert [process.wait(timeout=HANG) for process in processes] == [0] * len(texts)


@pytest.mark.slow
def test_two_processes_share_one_token_and_one_refresh(config, phone, redis_client):
    phone.add_members(["sec01"])
    run_together(config, ["甲", "乙"])
    assert phone.stats()["gettoken_calls"] == 1
    phone.expire_tokens()
    run_together(config, ["丙", "丁"])
    assert phone.stats()["gettoken_calls"] == 2
    assert sorted(m["content"]["text"]["content"] for m in phone.messages(userid="sec01")) == sorted("甲乙丙丁")
