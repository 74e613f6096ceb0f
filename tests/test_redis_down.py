"""Redis down (nothing listens where it should be: every call fails at once): signing in to the pages
answers their 503 page, and work for the background is refused at once, in the same answer."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from app import create_app
from handlers import messages as m
from models import AuditEntry
from pages import texts
from stack import redis_server
from tests.browser import begin, text
from tests.wecom import Caller, robot_json, text_xml


@pytest.fixture
def app(config, clock):
    return create_app(config.replace(redis={"url": f"redis://127.0.0.1:{redis_server.free_port()}/0"}), clock)


def test_signing_in_without_redis_answers_the_pages_503(client, people):
    state = parse_qs(urlsplit(begin(client)).query)["state"][0]
    answered = client.get(f"/h5/oauth?code=abc&state={state}")
    assert answered.status_code == 503 and texts.TRY_AGAIN_LATER in text(answered)


def test_an_export_without_redis_is_refused_at_once(client, config, people):
    app_chat = Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)
    encrypt, query = app_chat.envelope(text_xml("dangwei01", "导出 2026-11", msg_id="1"))
    answered = client.post("/wecom/callback", query_string=query, data=app_chat.xml_body(encrypt))
    assert answered.status_code == 200
    assert app_chat.open_xml_reply(answered.data)["Content"] == m.JOB_NOT_STARTED
    group = Caller(config.robot.token, config.robot.encoding_aes_key, "")
    encrypt, query = group.envelope(robot_json("dangwei01", "导出 2026", msg_id="r1"))
    answered = client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt})
    shown = group.open_json_reply(answered.data)["stream"]["content"]
    assert m.JOB_NOT_STARTED in shown and m.RESULT_IN_CHAT not in shown
    assert [a.command for a in AuditEntry.select()] == ["导出", "导出"]
