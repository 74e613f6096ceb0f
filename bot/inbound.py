"""WeCom's callback payloads (app XML, robot JSON) → Inbound dataclasses."""
from __future__ import annotations

import json
import re
from xml.parsers.expat import ExpatError

import xmltodict

from handlers.events import EVENT, IMAGE, OTHER, TEXT, VOICE, Inbound

LEADING_MENTION = re.compile(r"^(?:\s*@\S+)+\s*")


class MalformedMessage(Exception):
    """Not a WeCom message we can read: answered with 400."""


def parse_xml(text: str | bytes) -> dict:
    """The <xml> root of a WeCom XML document as a dict of strings."""
    try:
        root = xmltodict.parse(text, disable_entities=True).get("xml")
    except (ExpatError, ValueError, AttributeError):
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


def _required(fields: dict, name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise MalformedMessage(f"missing {name}")
    return value.strip()


def _optional(fields: dict, name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def from_app_xml(plaintext: str) -> Inbound:
    """A decrypted message or event of the self-built app."""
    fields = parse_xml(plaintext)
    user = _required(fields, "FromUserName")
    msg_type = _required(fields, "MsgType")
    created = _int(fields.get("CreateTime"))
    if msg_type == "event":
        event, key = _required(fields, "Event"), _optional(fields, "EventKey")
        task_id = _optional(fields, "TaskId")
        # Several real events can share one second: the key and card task tell them apart.
        return Inbound(
            source="app", user=user, kind=EVENT, event=event, event_key=key, task_id=task_id,
            response_code=_optional(fields, "ResponseCode"), create_time=created,
            dedupe_key=f"app:event:{user}:{created}:{event}:{key}:{task_id}",
        )
    msg_id = _required(fields, "MsgId")
    kind = {"text": TEXT, "image": IMAGE, "voice": VOICE}.get(msg_type, OTHER)
    return Inbound(
        source="app", user=user, kind=kind, msg_id=msg_id, text=_optional(fields, "Content"),
        media_id=_optional(fields, "MediaId"), create_time=created, dedupe_key=f"app:msg:{msg_id}",
    )


def from_robot_json(plaintext: str) -> Inbound:
    """A decrypted message of the intelligent robot (group @-mention or 1:1)."""
    payload = parse_json(plaintext)
    if not isinstance(payload, dict):
        raise MalformedMessage("not a JSON object")
    sender = payload.get("from")
    user = sender.get("userid") if isinstance(sender, dict) else None
    msg_id, msg_type = payload.get("msgid"), payload.get("msgtype")
    for name, value in (("from.userid", user), ("msgid", msg_id), ("msgtype", msg_type)):
        if not isinstance(value, str) or not value:
            raise MalformedMessage(f"missing {name}")
    content = ""
    if msg_type == "text":
        body = payload.get("text")
        content = body.get("content", "") if isinstance(body, dict) else ""
        content = LEADING_MENTION.sub("", content if isinstance(content, str) else "").strip()
    kind = {"text": TEXT, "image": IMAGE, "voice": VOICE, "event": EVENT}.get(msg_type, OTHER)
    return Inbound(
        source="robot", user=user, kind=kind, msg_id=msg_id, text=content,
        chat_id=str(payload.get("chatid") or ""), chat_type=str(payload.get("chattype") or ""),
        response_url=str(payload.get("response_url") or ""), dedupe_key=f"robot:msg:{msg_id}",
    )
