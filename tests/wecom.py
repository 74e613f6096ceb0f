"""Building callbacks the way WeCom does (real crypto), for tests that drive the webhook directly."""
from __future__ import annotations

import json
import secrets
import time

import xmltodict

from bot.crypto import CallbackCrypto


class Caller:
    """Signs and encrypts callbacks for one receiver (the app: corp id; the robot: "")."""

    def __init__(self, token: str, aes_key: str, receive_id: str):
        self.crypto = CallbackCrypto(token, aes_key, receive_id)

    def query(self, encrypt: str, age: int = 0, **extra) -> dict:
        """Signed query arguments, stamped now (or `age` seconds ago, as WeCom's clock sees it)."""
        timestamp, nonce = str(int(time.time()) - age), secrets.token_hex(6)
        return {"msg_signature": self.crypto.sign(timestamp, nonce, encrypt),
                "timestamp": timestamp, "nonce": nonce, **extra}

    def envelope(self, plaintext: str, age: int = 0):
        encrypt, _ = self.crypto.encrypt(plaintext, "0", "0")
        return encrypt, self.query(encrypt, age)

    def xml_body(self, encrypt: str) -> str:
        return xmltodict.unparse({"xml": {"ToUserName": "corp", "Encrypt": encrypt, "AgentID": "1"}},
                                 full_document=False)

    def open_xml_reply(self, body: bytes) -> dict:
        fields = xmltodict.parse(body)["xml"]
        plain = self.crypto.decrypt(fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"],
                                    fields["Encrypt"])
        return xmltodict.parse(plain)["xml"]

    def open_json_reply(self, body: bytes) -> dict:
        fields = json.loads(body)
        plain = self.crypto.decrypt(fields["msgsignature"], str(fields["timestamp"]), fields["nonce"],
                                    fields["encrypt"])
        return json.loads(plain)


def text_xml(user: str, content: str, msg_id: str = "100001", created: int = 1700000000) -> str:
    return xmltodict.unparse({"xml": {
        "ToUserName": "corp", "FromUserName": user, "CreateTime": str(created), "MsgType": "text",
        "Content": content, "MsgId": msg_id, "AgentID": "1000002"}}, full_document=False)


def event_xml(user: str, event: str, key: str = "", task_id: str = "", created: int = 1700000000,
              response_code: str = "") -> str:
    fields = {"ToUserName": "corp", "FromUserName": user, "CreateTime": str(created), "MsgType": "event",
              "Event": event, "EventKey": key, "AgentID": "1000002"}
    if task_id:
        fields.update(TaskId=task_id, CardType="button_interaction", ResponseCode=response_code)
    return xmltodict.unparse({"xml": fields}, full_document=False)


def robot_json(user: str, content: str, msg_id: str = "robot-1", chat_id: str = "admin-group",
               response_url: str = "http://127.0.0.1:9/cgi-bin/aibot/response?response_code=RC",
               chat_type: str = "group") -> str:
    return json.dumps({"msgid": msg_id, "aibotid": "bot", "chatid": chat_id, "chattype": chat_type,
                       "from": {"userid": user}, "response_url": response_url, "msgtype": "text",
                       "text": {"content": f"@月报助手 {content}"}}, ensure_ascii=False)
