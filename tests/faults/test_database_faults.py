"""The database away for a moment (locked, restarting): a callback it interrupted is not
remembered as handled; a worker acts on it once the database is back, and the person is told."""
import pytest
from peewee import OperationalError
from rq.job import Job

from handlers import messages
from handlers.replies import Text
from models import InboundMessage, OutboxMessage
from tests.setups import run_worker
from tests.wecom import Caller, robot_json, text_xml


@pytest.fixture
def away(handler, phone, people):
    """The handlers meet an unavailable database `times` times, then act."""
    phone.add_members(["sec01", "dangwei01"])
    calls = []

    def install(times: int):
        def route(inbound, ctx):
            calls.append(inbound.text)
            if len(calls) <= times:
                raise OperationalError("database is locked")
            return [Text(f"收到：{inbound.text}")]
        handler(route)
        return calls
    return install


def texts(phone, userid):
    return [m["content"]["text"]["content"] for m in phone.messages(userid=userid) if m["msgtype"] == "text"]


def inbound_job(services) -> Job:
    [job_id] = [j for j in services.queue.get_job_ids() + services.queue.scheduled_job_registry.get_job_ids()
                if j.startswith("inbound-")]
    return Job.fetch(job_id, connection=services.redis)


def test_an_interrupted_message_is_acted_on_once_by_a_worker(client, config, services, phone, away):
    calls = away(times=1)
    app = Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)
    encrypt, query = app.envelope(text_xml("sec01", "第一条", msg_id="501"))
    response = client.post("/wecom/callback", query_string=query, data=app.xml_body(encrypt))
    assert response.status_code == 200
    assert app.open_xml_reply(response.data)["Content"] == messages.LATER
    assert InboundMessage.select().count() == 0                 # not remembered: nothing was done
    run_worker(services)
    assert texts(phone, "sec01") == ["收到：第一条"]
    assert calls == ["第一条", "第一条"]
    retry = client.post("/wecom/callback", query_string=query, data=app.xml_body(encrypt))   # WeCom's retry
    assert retry.status_code == 200
    run_worker(services)
    assert calls == ["第一条", "第一条"] and texts(phone, "sec01") == ["收到：第一条"]


def test_a_group_command_interrupted_gets_a_short_answer(client, config, services, phone, away):
    away(times=1)
    robot = Caller(config.robot.token, config.robot.encoding_aes_key, "")
    encrypt, query = robot.envelope(robot_json("dangwei01", "进度", msg_id="r-db"))
    response = client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt})
    assert robot.open_json_reply(response.data)["stream"]["content"] == messages.LATER
    assert inbound_job(services).retries_left == 5


def test_a_worker_that_meets_the_database_away_tries_again_later(client, config, services, phone, away):
    calls = away(times=2)                                        # the callback, then the worker's first try
    app = Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)
    encrypt, query = app.envelope(text_xml("sec01", "第二条", msg_id="502"))
    client.post("/wecom/callback", query_string=query, data=app.xml_body(encrypt))
    run_worker(services)
    job = inbound_job(services)
    assert job.get_status() == "scheduled" and job.retries_left == 4
    assert texts(phone, "sec01") == [] and InboundMessage.select().count() == 0
    services.queue.enqueue_job(job)                              # its retry interval has passed
    run_worker(services)
    assert calls == ["第二条"] * 3
    assert texts(phone, "sec01") == ["收到：第二条"]
    assert OutboxMessage.select().count() == 1 and InboundMessage.select().count() == 1
