"""The intelligent robot's callback (encrypted JSON) for admin commands in group chats."""
from __future__ import annotations

import json

from flask import Blueprint, Response, request

from bot.inbound import MalformedMessage, from_robot_json, parse_json
from bot.webhook import receive, services, verify

bp = Blueprint("robot", __name__)


def json_encrypt() -> str:
    body = parse_json(request.get_data())
    encrypt = body.get("encrypt") if isinstance(body, dict) else None
    if not isinstance(encrypt, str) or not encrypt:
        raise MalformedMessage("body is not {\"encrypt\": …}")
    return encrypt


def json_reply(encrypt: str, signature: str, stamp: str, nonce: str) -> Response:
    body = {"encrypt": encrypt, "msgsignature": signature, "timestamp": int(stamp), "nonce": nonce}
    return Response(json.dumps(body), mimetype="application/json")


@bp.get("/wecom/robot")
def verify_robot_url():
    return verify(services().robot_crypto, "robot URL verification")


@bp.post("/wecom/robot")
def receive_robot_callback():
    return receive(services().robot_crypto, "robot callback", json_encrypt, from_robot_json, json_reply)
