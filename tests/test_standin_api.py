"""The WeCom stand-in's /cgi-bin/ API over real HTTP: tokens, message/send and its limits,
template cards and their updates, media, the robot's response_url, fault switches."""
from __future__ import annotations

import time

import pytest
import requests
from test_standin import CARD, USER, WeComApi, api, client, standin, standin_config, tiny_app  # noqa: F401 (fixtures)

from standin.client import StandinClient, StandinError
from standin.server import start_in_thread

# gettoken and access tokens

def test_gettoken_checks_corpid_and_secret(api):
    wecom = api.config.wecom
    good = api.get("gettoken", corpid=wecom.corp_id, corpsecret=wecom.secret)
    assert good["errcode"] == 0 and good["expires_in"] == 7200 and good["access_token"]
    assert api.get("gettoken", corpid="wwother", corpsecret=wecom.secret)["errcode"] == 40013
    assert api.get("gettoken", corpid=wecom.corp_id, corpsecret="wrong")["errcode"] == 40001
    assert api.get("gettoken", corpid=wecom.corp_id)["errcode"] == 41004


def test_same_token_while_valid_then_expired_and_new(api, client, standin):
    first, second = api.token(), api.token()
    assert first == second
    client.expire_tokens()
    assert api.text("hi", access_token=first)["errcode"] == 42001
    assert api.token() != first
    later = time.time() + 7201
    standin.state.clock = lambda: later
    assert api.text("hi", access_token=api.token())["errcode"] == 0
    assert client.stats()["gettoken_calls"] == 4


def test_unknown_and_missing_token(api):
    assert api.text("hi", access_token="not-a-token")["errcode"] == 40014
    assert requests.post(api.base + "message/send", json={}, timeout=5).json()["errcode"] == 41001


# message/send

def test_send_records_the_message(api, client):
    answer = api.text("本月月报已开放")
    assert answer["errcode"] == 0 and answer["invaliduser"] == "" and answer["msgid"]
    assert "response_code" not in answer
    [message] = client.messages(userid=USER)
    assert message["via"] == "send" and message["msgtype"] == "text"
    assert message["content"]["text"] == {"content": "本月月报已开放"}
    assert client.stats()["messages_sent"] == {USER: 1}


def test_unknown_members_agentid_and_msgtype(api):
    nobody = api.text("hi", touser="nobody")
    assert nobody["errcode"] == 81013 and nobody["invaliduser"] == "nobody"
    partly = api.text("hi", touser=f"{USER}|Ghost")
    assert partly["errcode"] == 0 and partly["invaliduser"] == "ghost"
    assert api.post("message/send", {"touser": USER, "msgtype": "text", "agentid": 1, "text": {"content": "x"}})[
        "errcode"] == 40056
    assert api.send("telegram", {"content": "x"})["errcode"] == 40008
    assert api.text("   ")["errcode"] == 44004


def test_rate_limit_per_member(api, client):
    client.set_faults(rate_per_minute=3)
    assert [api.text(f"m{i}")["errcode"] for i in range(4)] == [0, 0, 0, 45009]
    assert api.text("to someone else", touser="dangwei02")["errcode"] == 0
    assert client.stats()["rate_limited"] == 1
    assert len(client.messages(userid=USER)) == 3


def test_rate_limit_comes_from_config(tiny_app):
    handle = start_in_thread(tiny_app.config.replace(standin={"rate_per_minute": 2}))
    try:
        StandinClient(handle.url).add_members([USER])
        api = WeComApi(handle.url, tiny_app.config)
        assert [api.text(f"m{i}")["errcode"] for i in range(3)] == [0, 0, 45009]
    finally:
        handle.shutdown()


def test_duplicate_check(api, client, standin):
    first = api.text("同一条", enable_duplicate_check=1, duplicate_check_interval=600)
    again = api.text("同一条", enable_duplicate_check=1, duplicate_check_interval=600)
    assert first["errcode"] == again["errcode"] == 0 and again["msgid"] == first["msgid"]
    assert len(client.messages(userid=USER)) == 1 and client.stats()["deduplicated"] == 1
    api.text("同一条")
    assert len(client.messages(userid=USER)) == 2
    later = time.time() + 601
    standin.state.clock = lambda: later
    api.text("同一条", enable_duplicate_check=1, duplicate_check_interval=600)
    assert len(client.messages(userid=USER)) == 3


def test_text_over_2048_bytes_is_cut_and_over_5120_refused(api, client):
    exact = "a" * 2048
    assert api.text(exact)["errcode"] == 0
    long = "月" * 1000
    assert api.text(long)["errcode"] == 0
    assert api.text("月" * 1800)["errcode"] == 40058
    short, cut = client.messages(userid=USER)
    assert short["content"]["text"]["content"] == exact and not short["truncated"]
    delivered = cut["content"]["text"]["content"]
    assert cut["truncated"] and long.startswith(delivered) and len(delivered.encode()) == 2046
    assert client.stats()["truncated"] == 1


def test_template_card_rules(api):
    answer = api.send("template_card", CARD)
    assert answer["errcode"] == 0 and answer["response_code"]
    assert api.send("template_card", CARD)["errcode"] == 40058
    assert api.send("template_card", {**CARD, "task_id": "other", "card_type": "poster"})["errcode"] == 40058
    assert api.send("template_card", {**CARD, "task_id": ""})["errcode"] == 40058
    assert api.send("template_card", {**CARD, "task_id": "t2", "button_list": [{"text": "无键"}]})["errcode"] == 40058
    notice = {"card_type": "text_notice", "main_title": {"title": "通知"}}
    assert api.send("template_card", notice)["errcode"] == 40058
    sent = api.send("template_card", {**notice, "card_action": {"type": 1, "url": "https://example.com"}})
    assert sent["errcode"] == 0 and "response_code" not in sent
    assert api.send("template_card", {**notice, "card_action": {"type": 1}})["errcode"] == 40058
    linked = {**notice, "card_action": {"type": 1, "url": "https://example.com"}}
    row = {"keyname": "网页", "value": "在网页中查看", "type": 1, "url": "https://example.com/h5/"}
    assert api.send("template_card", {**linked, "horizontal_content_list": [row] * 7})["errcode"] == 40058
    assert api.send("template_card", {**linked, "horizontal_content_list": [{**row, "url": ""}]})["errcode"] == 40058
    assert api.send("template_card", {**linked, "horizontal_content_list": [row] * 6})["errcode"] == 0


def test_update_template_card_once_per_response_code(api, client):
    code = api.send("template_card", CARD)["response_code"]
    assert api.update(code, button={"replace_name": "已填报"})["errcode"] == 0
    assert api.update(code, button={"replace_name": "again"})["errcode"] == 40058
    assert api.update("unknown-code", button={"replace_name": "x"})["errcode"] == 40058
    [card] = client.messages(userid=USER)
    assert card["card"]["replaced_name"] == "已填报" and card["updates"] == 1
    assert client.stats()["card_updates"] == 1


def test_update_template_card_with_a_new_card(api, client, tiny_app):
    api.send("template_card", CARD)
    client.click(USER, CARD["task_id"], "start")
    code = tiny_app.received[-1]["ResponseCode"]
    new = {"card_type": "text_notice", "main_title": {"title": "已开始填报"}, "card_action": {"type": 1, "url": "u"}}
    assert api.update(code, template_card=new)["errcode"] == 0
    [card] = client.messages(userid=USER)
    assert card["card"]["title"] == "已开始填报" and card["card"]["buttons"] == []
    assert card["card"]["task_id"] == CARD["task_id"]


def test_media_upload_and_file_message(api, client):
    url = api.base + "media/upload"
    files = {"media": ("月报.xlsx", b"x" * 1500, "application/octet-stream")}
    answer = requests.post(url, params={"access_token": api.token(), "type": "file"}, files=files, timeout=5).json()
    assert answer["errcode"] == 0 and answer["type"] == "file" and answer["media_id"] and answer["created_at"]
    bad = requests.post(url, params={"access_token": api.token(), "type": "sticker"}, files=files, timeout=5).json()
    assert bad["errcode"] == 40005
    assert api.send("file", {"media_id": answer["media_id"]})["errcode"] == 0
    assert api.send("file", {"media_id": "nope"})["errcode"] == 40007
    [message] = client.messages(userid=USER)
    assert message["media"] == {"media_id": answer["media_id"], "type": "file", "filename": "月报.xlsx", "size": 1500}
    got = requests.get(api.base + "media/get", params={"access_token": api.token(), "media_id": answer["media_id"]},
                       timeout=5)
    assert got.content == b"x" * 1500


def test_response_url_works_once(client, tiny_app):
    client.robot(USER, "状态")
    response_url = tiny_app.received[-1]["response_url"]
    body = {"msgtype": "markdown", "markdown": {"content": "**全部已填报**"}}
    assert requests.post(response_url, json=body, timeout=5).json()["errcode"] == 0
    assert requests.post(response_url, json=body, timeout=5).json()["errcode"] == 40058
    [message] = client.messages(chatid="admin-group")
    assert message["via"] == "response_url" and message["content"] == body


# fault switches

def test_fail_next_with_a_chosen_errcode(api, client):
    token = api.token()
    client.set_faults(fail_next=2, errcode=45033)
    assert [api.text("x", access_token=token)["errcode"] for _ in range(3)] == [45033, 45033, 0]
    assert len(client.messages(userid=USER)) == 1
    client.set_faults(fail_next=1, include_gettoken=True)
    assert api.get("gettoken", corpid="x", corpsecret="y")["errcode"] == 45033
    assert client.stats()["errors_injected"] == 3


def test_error_rate_is_reproducible_with_a_seed(api, client):
    def pattern():
        client.set_faults(error_rate=0.5, seed=7)
        return [api.post("message/send", {}, access_token="")["errcode"] for _ in range(12)]

    first = pattern()
    assert first == pattern() and set(first) == {-1, 41001}
    client.clear_faults()
    assert api.post("message/send", {}, access_token="")["errcode"] == 41001


def test_latency(api, client):
    token = api.token()
    client.set_faults(latency_ms=300)
    started = time.monotonic()
    api.text("slow", access_token=token)
    assert time.monotonic() - started >= 0.3


def test_dropped_answer_still_delivers(api, client):
    token = api.token()
    client.set_faults(drop_next=1, hang_seconds=5)
    with pytest.raises(requests.Timeout):
        api.text("lost answer", access_token=token, timeout=0.3)
    assert [m["content"]["text"]["content"] for m in client.messages(userid=USER)] == ["lost answer"]
    assert api.text("answered", access_token=token)["errcode"] == 0
    assert client.stats()["responses_dropped"] == 1


def test_bad_fault_switch_and_reset(client):
    with pytest.raises(StandinError, match="unknown fault switch"):
        client.set_faults(explode=True)
    client.reset()
    assert client.members() == [] and client.stats()["messages"] == 0
