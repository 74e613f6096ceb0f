"""The WeCom stand-in over real HTTP: its API, fault switches and the callbacks it sends to a tiny
app that checks them with wechatpy, as the real app does."""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time

import pytest
import requests
import xmltodict
from flask import Flask, jsonify, request
from wechatpy.crypto import PrpCrypto, WeChatCrypto, _get_signature
from wechatpy.exceptions import InvalidSignatureException
from werkzeug.serving import make_server

import settings
from standin.client import StandinClient, StandinError
from standin.server import start_in_thread

USER = "dangwei01"
CARD = {"card_type": "button_interaction", "task_id": "report-2024-05",
        "main_title": {"title": "五月月报", "desc": "请在10日前填报"},
        "horizontal_content_list": [{"keyname": "截止", "value": "5月10日"}],
        "button_list": [{"text": "开始填报", "key": "start"}, {"text": "查看清单", "key": "list"}]}


class TinyApp:
    """The app's end of the callbacks, as small as it gets: verifies and decrypts each callback
    with wechatpy, keeps it, and answers with what the test put in `answer` / `robot_answer`."""

    def __init__(self, config):
        self.config = config
        self.crypto = WeChatCrypto(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)
        self.robot_crypto = PrpCrypto(base64.b64decode(config.robot.encoding_aes_key + "="))
        self.received: list[dict] = []
        self.queries: list[dict] = []
        self.bodies: list[bytes] = []
        self.answer = lambda message: ""
        self.robot_answer = lambda message: ""
        self.flask = Flask("tiny-app")
        self.flask.add_url_rule("/wecom/callback", view_func=self._callback, methods=["POST"])
        self.flask.add_url_rule("/wecom/robot", view_func=self._robot, methods=["POST"])

    def _callback(self):
        args = request.args
        try:
            plaintext = self.crypto.decrypt_message(
                request.get_data(), args["msg_signature"], args["timestamp"], args["nonce"])
        except InvalidSignatureException:
            return "bad signature", 403
        return self._keep(xmltodict.parse(plaintext)["xml"], self.answer)

    def _robot(self):
        args = request.args
        encrypt = request.get_json()["encrypt"]
        if _get_signature(self.config.robot.token, args["timestamp"], args["nonce"], encrypt) != args["msg_signature"]:
            return "bad signature", 403
        return self._keep(json.loads(self.robot_crypto.decrypt(encrypt, "")), self.robot_answer)

    def _keep(self, message: dict, answer):
        self.received.append(message)
        self.queries.append(dict(request.args))
        self.bodies.append(request.get_data())
        return answer(message)

    def passive(self, xml: str) -> str:
        return self.crypto.encrypt_message(xml, secrets.token_hex(4), str(int(time.time())))

    def robot_passive(self, reply: dict):
        timestamp, nonce = str(int(time.time())), secrets.token_hex(4)
        encrypt = self.robot_crypto.encrypt(json.dumps(reply, ensure_ascii=False), "").decode()
        signature = _get_signature(self.config.robot.token, timestamp, nonce, encrypt)
        return jsonify({"encrypt": encrypt, "msgsignature": signature, "timestamp": timestamp, "nonce": nonce})


class WeComApi:
    """Calls the stand-in's /cgi-bin/ API the way the app does."""

    def __init__(self, base_url: str, config):
        self.base = base_url + "/cgi-bin/"
        self.config = config

    def token(self) -> str:
        wecom = self.config.wecom
        return self.get("gettoken", corpid=wecom.corp_id, corpsecret=wecom.secret)["access_token"]

    def get(self, path: str, **params) -> dict:
        return requests.get(self.base + path, params=params, timeout=5).json()

    def post(self, path: str, body: dict, access_token: str | None = None, timeout: float = 5) -> dict:
        token = self.token() if access_token is None else access_token
        return requests.post(self.base + path, params={"access_token": token}, json=body, timeout=timeout).json()

    def send(self, msgtype: str, payload: dict, touser: str = USER, access_token: str | None = None,
             timeout: float = 5, **extra) -> dict:
        body = {"touser": touser, "msgtype": msgtype, "agentid": self.config.wecom.agent_id, msgtype: payload}
        return self.post("message/send", {**body, **extra}, access_token, timeout)

    def text(self, content: str, touser: str = USER, **options) -> dict:
        return self.send("text", {"content": content}, touser, **options)

    def update(self, response_code: str, userids=(USER,), **change) -> dict:
        body = {"userids": list(userids), "agentid": self.config.wecom.agent_id, "response_code": response_code}
        return self.post("message/update_template_card", {**body, **change})


def serve(app: Flask):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def standin_config():
    base = settings.load(settings.DEMO_CONFIG, env={})
    return base.replace(standin={"app_url": "http://127.0.0.1:9", "callback_timeout_seconds": 1})


@pytest.fixture
def tiny_app(standin_config):
    app = TinyApp(standin_config)
    server = serve(app.flask)
    app.config = standin_config.replace(standin={"app_url": f"http://127.0.0.1:{server.server_port}"})
    yield app
    server.shutdown()
    server.server_close()


@pytest.fixture
def standin(tiny_app):
    handle = start_in_thread(tiny_app.config)
    StandinClient(handle.url).add_members([USER, "dangwei02"])
    yield handle
    handle.shutdown()


@pytest.fixture
def client(standin):
    return StandinClient(standin.url)


@pytest.fixture
def api(standin, tiny_app):
    return WeComApi(standin.url, tiny_app.config)


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


# callbacks to the app

def test_text_callback_verifies_with_wechatpy(client, tiny_app):
    result = client.say(USER, "你好")
    assert result == {"status": 200, "attempts": 1, "reply": None, "error": None}
    [message] = tiny_app.received
    wecom = tiny_app.config.wecom
    assert message["ToUserName"] == wecom.corp_id and message["FromUserName"] == USER
    assert message["MsgType"] == "text" and message["Content"] == "你好"
    assert message["MsgId"].isdigit() and 0 < int(message["MsgId"]) < 2**64
    assert message["AgentID"] == str(wecom.agent_id) and message["CreateTime"].isdigit()
    outer = xmltodict.parse(tiny_app.bodies[0])["xml"]
    assert outer["ToUserName"] == wecom.corp_id and outer["AgentID"] == str(wecom.agent_id)
    client.say(USER, "再来")
    assert tiny_app.received[1]["MsgId"] != message["MsgId"]


def test_slow_answer_is_retried_with_the_same_msgid(client, tiny_app):
    def slow_once(message):
        if len(tiny_app.received) == 1:
            time.sleep(1.3)
        return ""

    tiny_app.answer = slow_once
    result = client.say(USER, "慢")
    assert result["status"] == 200 and result["attempts"] == 2
    first, second = tiny_app.received
    assert first["MsgId"] == second["MsgId"]
    assert tiny_app.queries[0]["nonce"] != tiny_app.queries[1]["nonce"]


def test_5xx_is_retried_and_4xx_is_not(client, tiny_app):
    tiny_app.answer = lambda m: ("oops", 500)
    assert client.say(USER, "一") == {"status": 500, "attempts": 4, "reply": None, "error": None}
    assert len({m["MsgId"] for m in tiny_app.received}) == 1
    tiny_app.answer = lambda m: ("no", 403)
    assert client.say(USER, "二")["attempts"] == 1
    stats = client.stats()
    assert stats["callbacks"] == 2 and stats["callback_attempts"] == 5 and stats["callback_failures"] == 2


def test_app_down(client, standin):
    standin.state.config = standin.state.config.replace(standin={"app_url": "http://127.0.0.1:9"})
    assert client.say(USER, "有人吗") == {"status": None, "attempts": 4, "reply": None, "error": None}


def test_passive_reply_is_recorded(client, tiny_app):
    reply = f"<xml><ToUserName>{USER}</ToUserName><FromUserName>x</FromUserName><CreateTime>1</CreateTime>" \
            "<MsgType>text</MsgType><Content><![CDATA[收到]]></Content></xml>"
    tiny_app.answer = lambda m: tiny_app.passive(reply)
    result = client.say(USER, "你好")
    assert result["reply"]["Content"] == "收到" and result["error"] is None
    [message] = client.messages(userid=USER)
    assert message["via"] == "passive" and message["content"] == {"msgtype": "text", "text": {"content": "收到"}}


def test_passive_reply_with_a_bad_signature_is_a_protocol_error(client, tiny_app):
    reply = "<xml><MsgType>text</MsgType><Content>x</Content></xml>"
    tiny_app.answer = lambda m: tiny_app.passive(reply).replace("<MsgSignature><![CDATA[", "<MsgSignature><![CDATA[0")
    result = client.say(USER, "你好")
    assert result["status"] == 200 and result["reply"] is None and "MsgSignature" in result["error"]
    assert client.messages(userid=USER) == [] and client.stats()["protocol_errors"] == 1


def test_click_sends_template_card_event(api, client, tiny_app):
    api.send("template_card", CARD)
    update = "<xml><MsgType>update_button</MsgType><Button><ReplaceName>已开始</ReplaceName></Button></xml>"
    tiny_app.answer = lambda m: tiny_app.passive(update)
    assert client.click(USER, CARD["task_id"], "start")["status"] == 200
    event = tiny_app.received[-1]
    assert {k: event[k] for k in ("MsgType", "Event", "EventKey", "TaskId", "CardType", "FromUserName")} == {
        "MsgType": "event", "Event": "template_card_event", "EventKey": "start", "TaskId": CARD["task_id"],
        "CardType": "button_interaction", "FromUserName": USER}
    assert event["ResponseCode"] and event["AgentID"] == str(api.config.wecom.agent_id)
    [card] = client.messages(userid=USER)
    assert card["card"]["replaced_name"] == "已开始"
    assert api.update(event["ResponseCode"], button={"replace_name": "已提交"})["errcode"] == 0
    with pytest.raises(StandinError, match="already answered"):
        client.click(USER, CARD["task_id"], "list")
    with pytest.raises(StandinError, match="no card"):
        client.click(USER, "no-such-task", "start")


def test_image_voice_and_events(client, tiny_app):
    client.send_image(USER)
    client.send_voice(USER)
    client.event(USER, "enter_agent")
    client.event(USER, "click", key="MENU_REPORT")
    image, voice, enter, menu = tiny_app.received
    assert image["MsgType"] == "image" and image["MediaId"] and image["MsgId"].isdigit()
    assert requests.get(image["PicUrl"], timeout=5).content.startswith(b"\x89PNG")
    assert voice["MsgType"] == "voice" and voice["Format"] == "amr" and voice["MediaId"]
    assert enter["Event"] == "enter_agent" and enter["EventKey"] is None and "MsgId" not in enter
    assert menu["Event"] == "click" and menu["EventKey"] == "MENU_REPORT"
    with pytest.raises(StandinError, match="not a member"):
        client.say("stranger", "hi")


def test_robot_json_round_trip(client, tiny_app, standin):
    calls = []

    def answer(message):
        calls.append(message)
        if len(calls) == 1:
            return "busy", 503
        return tiny_app.robot_passive({"msgtype": "stream", "stream": {"id": "s1", "finish": True, "content": "**3** 个待填"}})

    tiny_app.robot_answer = answer
    result = client.robot(USER, "进度")
    assert result["status"] == 200 and result["attempts"] == 2 and result["reply"]["stream"]["finish"] is True
    first, second = calls
    assert first["msgid"] == second["msgid"] and first["response_url"] == second["response_url"]
    assert first["chatid"] == "admin-group" and first["chattype"] == "group" and first["from"] == {"userid": USER}
    assert first["text"]["content"] == "@月报助手 进度" and first["msgtype"] == "text"
    assert first["response_url"].startswith(standin.url + "/cgi-bin/aibot/response?response_code=")
    [message] = client.messages(chatid="admin-group")
    assert message["via"] == "passive" and message["content"]["stream"]["content"] == "**3** 个待填"
