"""Callbacks from the stand-in to the app, as WeCom sends them: encrypted, signed, retried.

The work-app callback is XML (POST {app_url}/wecom/callback), the intelligent robot's is JSON
(POST {app_url}/wecom/robot). Each waits callback_timeout_seconds for the answer and, on a timeout,
a connection error or a 5xx, tries again up to callback_retries more times (callback_retry_delay_seconds
apart) with the same plaintext and a fresh timestamp, nonce and signature. A passive reply in the
answer is verified, decrypted and recorded as a message. No lock is held while a callback is on the wire.
"""
from __future__ import annotations

import base64
import json
import secrets
import time
from xml.parsers.expat import ExpatError

import requests
import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import WeChatSigner

ROBOT_NAME = "月报助手"
AIBOT_ID = "standin-aibot"
PASSIVE_MEDIA = ("image", "voice", "video")
DECRYPT_ERRORS = (ExpatError, KeyError, TypeError, ValueError, InvalidAppIdException, InvalidSignatureException)


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """msg_signature: SHA1 of the four values sorted."""
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, encrypt)
    return signer.signature


class ProtocolError(Exception):
    """The app's answer broke WeCom's protocol (bad signature, not decryptable, unknown reply)."""


class Callbacks:
    def __init__(self, state):
        self.state = state
        config = state.config
        self.app_crypto = WeChatCrypto(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)
        self.robot_crypto = PrpCrypto(base64.b64decode(config.robot.encoding_aes_key + "="))

    # the work-app callback

    def app_message(self, userid: str, fields: list[tuple[str, str | int]], click: dict | None = None) -> dict:
        """Send one message or event from `userid`; `fields` follow FromUserName and CreateTime."""
        wecom = self.state.config.wecom
        head = [("ToUserName", wecom.corp_id), ("FromUserName", userid), ("CreateTime", int(time.time()))]
        plaintext = xml_document(head + fields + [("AgentID", wecom.agent_id)])
        response, attempts = self._post("/wecom/callback", lambda: self._app_request(plaintext))
        return self._finish(response, attempts, lambda body: self._app_reply(userid, body, click))

    def _app_request(self, plaintext: str) -> dict:
        wecom = self.state.config.wecom
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        encrypt = PrpCrypto(self.app_crypto.key).encrypt(plaintext, wecom.corp_id).decode()
        body = xml_document([("ToUserName", wecom.corp_id), ("Encrypt", encrypt), ("AgentID", str(wecom.agent_id))])
        signature = sign(wecom.token, timestamp, nonce, encrypt)
        return {"params": {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce},
                "data": body.encode("utf-8"), "headers": {"Content-Type": "text/xml; charset=utf-8"}}

    def _app_reply(self, userid: str, body: bytes, click: dict | None) -> dict:
        envelope = xmltodict.parse(body)["xml"]
        plaintext = self.app_crypto.decrypt_message(
            envelope, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
        reply = xmltodict.parse(plaintext)["xml"]
        if reply.get("MsgType") == "update_button":
            if click is None:
                raise ProtocolError("update_button is only a reply to a template_card_event")
            self.state.replace_button(click["seq"], (reply.get("Button") or {}).get("ReplaceName") or "")
        else:
            message = passive_message(reply)
            self.state.record("userid", userid, message, "passive", media=self._media(message))
        return reply

    def _media(self, message: dict) -> dict | None:
        msgtype = message["msgtype"]
        stored = self.state.media_file((message.get(msgtype) or {}).get("media_id") or "")
        return {k: stored[k] for k in ("media_id", "type", "filename", "size")} if stored else None

    # the intelligent robot's callback

    def robot_message(self, userid: str, text: str, chatid: str, chattype: str, base_url: str) -> dict:
        chat = chatid if chattype == "group" else userid
        code = self.state.robot_code(chat)
        plain = {"msgid": secrets.token_urlsafe(24), "aibotid": AIBOT_ID, "chattype": chattype,
                 "from": {"userid": userid},
                 "response_url": f"{base_url}/cgi-bin/aibot/response?response_code={code}",
                 "msgtype": "text",
                 "text": {"content": f"@{ROBOT_NAME} {text}" if chattype == "group" else text}}
        if chattype == "group":
            plain["chatid"] = chatid
        plaintext = json.dumps(plain, ensure_ascii=False)
        response, attempts = self._post("/wecom/robot", lambda: self._robot_request(plaintext))
        return self._finish(response, attempts, lambda body: self._robot_reply(chat, body))

    def _robot_request(self, plaintext: str) -> dict:
        token = self.state.config.robot.token
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        encrypt = self.robot_crypto.encrypt(plaintext, "").decode()
        signature = sign(token, timestamp, nonce, encrypt)
        return {"params": {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce},
                "data": json.dumps({"encrypt": encrypt}).encode(), "headers": {"Content-Type": "application/json"}}

    def _robot_reply(self, chat: str, body: bytes) -> dict:
        envelope = json.loads(body)
        encrypt = envelope["encrypt"]
        expected = sign(self.state.config.robot.token, str(envelope["timestamp"]),
                                  str(envelope["nonce"]), encrypt)
        if envelope.get("msgsignature") != expected:
            raise ProtocolError("passive reply: msgsignature does not verify")
        reply = json.loads(self.robot_crypto.decrypt(encrypt, ""))
        if not isinstance(reply, dict) or not reply.get("msgtype"):
            raise ProtocolError("passive reply: plaintext has no msgtype")
        self.state.record("chatid", chat, reply, "passive")
        return reply

    # delivery, retries and the result

    def _post(self, path: str, build) -> tuple[requests.Response | None, int]:
        """POST with retries; the last response (None if none came) and the number of attempts."""
        standin = self.state.config.standin
        url = standin.app_url.rstrip("/") + path
        response = None
        for attempt in range(1, standin.callback_retries + 2):
            if attempt > 1:
                time.sleep(standin.callback_retry_delay_seconds)
            try:
                response = requests.post(url, timeout=standin.callback_timeout_seconds, **build())
            except requests.RequestException:
                response = None
                continue
            if response.status_code < 500:
                return response, attempt
        return response, standin.callback_retries + 1

    def _finish(self, response, attempts: int, read_reply) -> dict:
        result = {"status": None if response is None else response.status_code,
                  "attempts": attempts, "reply": None, "error": None}
        if response is not None and 200 <= response.status_code < 300 and response.content.strip():
            try:
                result["reply"] = read_reply(response.content)
            except (ProtocolError, *DECRYPT_ERRORS) as exc:
                result["error"] = protocol_error_text(exc)
        self.state.count("callbacks")
        self.state.count("callback_attempts", attempts)
        if result["status"] is None or not 200 <= result["status"] < 300:
            self.state.count("callback_failures")
        if result["error"]:
            self.state.count("protocol_errors")
        return result


def protocol_error_text(exc: Exception) -> str:
    if isinstance(exc, InvalidSignatureException):
        return "passive reply: MsgSignature does not verify"
    if isinstance(exc, ProtocolError):
        return str(exc)
    return f"passive reply: not a valid encrypted envelope ({type(exc).__name__}: {exc})"


def passive_message(reply: dict) -> dict:
    """A decrypted work-app passive reply as the message dict message/send would have taken."""
    msgtype = reply.get("MsgType")
    if msgtype == "text":
        return {"msgtype": "text", "text": {"content": reply.get("Content") or ""}}
    if msgtype in PASSIVE_MEDIA:
        part = reply.get(msgtype.capitalize()) or {}
        fields = {"media_id": part.get("MediaId") or ""}
        fields.update({k.lower(): v for k, v in part.items() if k in ("Title", "Description")})
        return {"msgtype": msgtype, msgtype: fields}
    if msgtype == "news":
        items = ((reply.get("Articles") or {}).get("item")) or []
        items = items if isinstance(items, list) else [items]
        articles = [{k.lower(): v for k, v in item.items()} for item in items]
        return {"msgtype": "news", "news": {"articles": articles}}
    raise ProtocolError(f"passive reply: MsgType {msgtype!r} is not one the stand-in can show")


def xml_document(fields: list[tuple[str, str | int]]) -> str:
    """<xml> with one element per field: strings as CDATA, integers as they are (WeCom's style)."""
    parts = []
    for name, value in fields:
        if isinstance(value, int):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}><![CDATA[{str(value).replace(']]>', ']]]]><![CDATA[>')}]]></{name}>")
    return "<xml>" + "".join(parts) + "</xml>"
