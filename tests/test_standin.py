"""The WeCom stand-in's callbacks over real HTTP, received by a tiny app that checks them with
wechatpy as the real app does; and the helpers the other stand-in tests share (TinyApp, WeComApi,
the fixtures)."""
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
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from werkzeug.serving import make_server

import settings
from standin.callbacks import sign
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
        if sign(self.config.robot.token, args["timestamp"], args["nonce"], encrypt) != args["msg_signature"]:
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
        signature = sign(self.config.robot.token, timestamp, nonce, encrypt)
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
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
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
        stream = {"id": "s1", "finish": True, "content": "**3** 个待填"}
        return tiny_app.robot_passive({"msgtype": "stream", "stream": stream})

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


def test_robot_single_chat(client, tiny_app):
    tiny_app.robot_answer = lambda m: tiny_app.robot_passive({"msgtype": "markdown", "markdown": {"content": "好的"}})
    assert client.robot(USER, "帮助", chattype="single")["status"] == 200
    [message] = tiny_app.received
    assert message["chattype"] == "single" and "chatid" not in message and message["text"]["content"] == "帮助"
    assert [m["content"]["markdown"]["content"] for m in client.messages(chatid=USER)] == ["好的"]


def test_the_api_answers_while_a_callback_is_in_flight(client, tiny_app, api):
    token = api.token()
    client.set_faults(rate_per_minute=1000)

    def send_many(i):
        for n in range(10):
            assert api.text(f"{i}-{n}", touser=USER if n % 2 else "dangwei02", access_token=token)["errcode"] == 0

    def answer(message):
        senders = [threading.Thread(target=send_many, args=(i,)) for i in range(6)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        return ""

    tiny_app.answer = answer
    assert client.say(USER, "开始")["status"] == 200
    assert client.stats()["messages_sent"] == {USER: 30, "dangwei02": 30}
    seqs = [m["seq"] for m in client.messages(userid=USER) + client.messages(userid="dangwei02")]
    assert len(set(seqs)) == 60


def test_a_snapshot_restores_members_messages_and_tokens_as_they_were(api, client, standin):
    api.text("第一条")
    kept = standin.state.snapshot()
    client.add_members(["later"])
    api.text("第二条")
    standin.state.restore(kept)
    assert client.members() == sorted(["dangwei02", USER])
    assert [m["content"]["text"]["content"] for m in client.messages()] == ["第一条"]
    assert api.text("第三条")["errcode"] == 0
    assert [m["content"]["text"]["content"] for m in client.messages()] == ["第一条", "第三条"]
