"""WeCom's callback payloads (app XML, robot JSON) → Inbound dataclasses."""
from __future__ import annotations

import hashlib
import json
import re
from xml.parsers.expat import ExpatError

import xmltodict

from handlers.events import EVENT, IMAGE, OTHER, TEXT, VOICE, Inbound
from models.fields import typed

LEADING_MENTION = re.compile(r"^(?:\s*@\S+)+\s*")
USERID_MAX = 64         # WeCom's limit for a userid, and the width of our userid columns
ID_MAX = 255            # message ids, event keys, media ids, codes: WeCom's are far shorter; our columns hold 255
URL_MAX = 512           # the robot's response_url, and the outbox's recipient column
DEDUPE_MAX = 160        # outbox keys put "reply:" and a number around a dedupe key, within their 191


class MalformedMessage(Exception):
    """Not a WeCom message we can read: answered with 400."""


def parse_xml(text: str | bytes) -> dict:
    """The <xml> root of a WeCom XML document as a dict of strings."""
    try:
        root = xmltodict.parse(text, disable_entities=True).get("xml")
    except (ExpatError, ValueError, AttributeError, LookupError):     # LookupError: an unknown encoding="…"
        raise MalformedMessage("not XML") from None
    if not isinstance(root, dict):
        raise MalformedMessage("no <xml> root")
    return root


def parse_json(text: str | bytes):
    """JSON, or MalformedMessage: also for nesting too deep for Python's parser (RecursionError)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise MalformedMessage("not JSON") from None


def _required(fields: dict, name: str, limit: int = ID_MAX) -> str:
    value = _optional(fields, name, limit)
    if not value:
        raise MalformedMessage(f"missing {name}")
    return value


def _optional(fields: dict, name: str, limit: int = ID_MAX) -> str:
    """An id, key or code ("" if absent): printable and at most `limit` long, or no WeCom message."""
    value = fields.get(name)
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if len(value) > limit or not value.isprintable():
        raise MalformedMessage(f"{name} is not printable or too long")
    return value


def _text(value) -> str:
    """What a person typed, without the characters no keyboard types."""
    return typed(value) if isinstance(value, str) else ""


def _dedupe_key(key: str) -> str:
    """The key, or its digest when it is longer than the columns it goes into."""
    return key if len(key) <= DEDUPE_MAX else "sha1:" + hashlib.sha1(key.encode()).hexdigest()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def from_app_xml(plaintext: str) -> Inbound:
    """A decrypted message or event of the self-built app."""
    fields = parse_xml(plaintext)
    user = _required(fields, "FromUserName", USERID_MAX)
    msg_type = _required(fields, "MsgType")
    created = _int(fields.get("CreateTime"))
    if msg_type == "event":
        event, key = _required(fields, "Event"), _optional(fields, "EventKey")
        task_id = _optional(fields, "TaskId")
        # Several real events can share one second: the key and card task tell them apart.
        return Inbound(
            source="app", user=user, kind=EVENT, event=event, event_key=key, task_id=task_id,
            response_code=_optional(fields, "ResponseCode"), create_time=created,
            dedupe_key=_dedupe_key(f"app:event:{user}:{created}:{event}:{key}:{task_id}"),
        )
    msg_id = _required(fields, "MsgId")
    kind = {"text": TEXT, "image": IMAGE, "voice": VOICE}.get(msg_type, OTHER)
    return Inbound(
        source="app", user=user, kind=kind, msg_id=msg_id, text=_text(fields.get("Content")),
        media_id=_optional(fields, "MediaId"), create_time=created, dedupe_key=_dedupe_key(f"app:msg:{msg_id}"),
    )


def from_robot_json(plaintext: str) -> Inbound:
    """A decrypted message of the intelligent robot (group @-mention or 1:1)."""
    payload = parse_json(plaintext)
    if not isinstance(payload, dict):
        raise MalformedMessage("not a JSON object")
    sender = payload.get("from")
    user = _required(sender if isinstance(sender, dict) else {}, "userid", USERID_MAX)
    msg_id, msg_type = _required(payload, "msgid"), _required(payload, "msgtype")
    content = ""
    if msg_type == "text":
        body = payload.get("text")
        content = LEADING_MENTION.sub("", _text(body.get("content") if isinstance(body, dict) else "")).strip()
    kind = {"text": TEXT, "image": IMAGE, "voice": VOICE, "event": EVENT}.get(msg_type, OTHER)
    return Inbound(
        source="robot", user=user, kind=kind, msg_id=msg_id, text=content,
        chat_id=_optional(payload, "chatid"), chat_type=_optional(payload, "chattype"),
        response_url=_optional(payload, "response_url", URL_MAX), dedupe_key=_dedupe_key(f"robot:msg:{msg_id}"),
    )
