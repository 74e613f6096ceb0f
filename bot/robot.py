"""The intelligent robot's callback (encrypted JSON) for admin commands in group chats."""
from __future__ import annotations

import json
import secrets
import time

from flask import Blueprint, Response, request

from bot.crypto import CallbackCrypto, CryptoError
from bot.inbound import MalformedMessage, from_robot_json
from bot.webhook import answer, reject, services, signed_args

bp = Blueprint("robot", __name__)


def robot_crypto() -> CallbackCrypto:
    robot = services().config.robot
    return CallbackCrypto(robot.token, robot.encoding_aes_key, "")   # the robot's receiveid is ""


@bp.get("/wecom/robot")
def verify_url():
    try:
        signature, timestamp, nonce, echostr = signed_args("msg_signature", "timestamp", "nonce", "echostr")
        return Response(robot_crypto().decrypt(signature, timestamp, nonce, echostr), mimetype="text/plain")
    except (CryptoError, MalformedMessage) as exc:
        return reject(exc, "robot URL verification")


@bp.post("/wecom/robot")
def receive():
    crypto = robot_crypto()
    try:
        signature, timestamp, nonce = signed_args("msg_signature", "timestamp", "nonce")
        body = request.get_json(silent=True)
        encrypt = body.get("encrypt") if isinstance(body, dict) else None
        if not isinstance(encrypt, str) or not encrypt:
            raise MalformedMessage("body is not {\"encrypt\": …}")
        inbound = from_robot_json(crypto.decrypt(signature, timestamp, nonce, encrypt))
    except (CryptoError, MalformedMessage) as exc:
        return reject(exc, "robot callback")
    plaintext = answer(inbound)
    if not plaintext:
        return Response("", status=200)
    stamp, nonce = str(int(time.time())), secrets.token_hex(8)
    encrypt, reply_signature = crypto.encrypt(plaintext, stamp, nonce)
    body = {"encrypt": encrypt, "msgsignature": reply_signature, "timestamp": int(stamp), "nonce": nonce}
    return Response(json.dumps(body), mimetype="application/json")
