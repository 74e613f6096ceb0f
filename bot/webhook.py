"""The self-built app's callback (XML): GET verifies the URL, POST decrypt → parse → dispatch → reply."""
from __future__ import annotations

import logging
import secrets
import time

from flask import Blueprint, Response, abort, current_app, request

from bot import dispatch, render
from bot.crypto import CallbackCrypto, CryptoError
from bot.inbound import MalformedMessage, from_app_xml, parse_xml

log = logging.getLogger(__name__)
bp = Blueprint("wecom", __name__)


def services():
    return current_app.extensions["yuebao"]


def app_crypto() -> CallbackCrypto:
    wecom = services().config.wecom
    return CallbackCrypto(wecom.token, wecom.encoding_aes_key, wecom.corp_id)


def signed_args(*names: str) -> list[str]:
    values = [request.args.get(name, "") for name in names]
    if not all(values):
        raise MalformedMessage("missing " + ", ".join(n for n, v in zip(names, values) if not v))
    return values


def reject(exc: Exception, what: str) -> Response:
    status = exc.status if isinstance(exc, CryptoError) else 400
    log.warning("%s rejected with %d: %s (from %s)", what, status, exc, request.remote_addr)
    return Response(f"{status}: {exc}\n", status=status, mimetype="text/plain")


@bp.get("/wecom/callback")
def verify_url():
    try:
        signature, timestamp, nonce, echostr = signed_args("msg_signature", "timestamp", "nonce", "echostr")
        return Response(app_crypto().decrypt(signature, timestamp, nonce, echostr), mimetype="text/plain")
    except (CryptoError, MalformedMessage) as exc:
        return reject(exc, "app URL verification")


@bp.post("/wecom/callback")
def receive():
    crypto = app_crypto()
    try:
        signature, timestamp, nonce = signed_args("msg_signature", "timestamp", "nonce")
        envelope = parse_xml(request.get_data())
        encrypt = envelope.get("Encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise MalformedMessage("missing Encrypt")
        inbound = from_app_xml(crypto.decrypt(signature, timestamp, nonce, encrypt))
    except (CryptoError, MalformedMessage) as exc:
        return reject(exc, "app callback")
    plaintext = answer(inbound)
    if not plaintext:
        return Response("", status=200)
    stamp, nonce = str(int(time.time())), secrets.token_hex(8)
    encrypt, reply_signature = crypto.encrypt(plaintext, stamp, nonce)
    return Response(render.encrypted_xml(encrypt, reply_signature, stamp, nonce), mimetype="application/xml")


def answer(inbound):
    """The passive reply's plaintext, or None when it goes later (busy person, failing backend)."""
    try:
        return dispatch.handle(services(), inbound)
    except dispatch.Busy:
        log.info("%s waits for %s's previous message; handed to a worker", inbound.dedupe_key, inbound.user)
    except Exception:
        log.exception("could not handle %s now; handing it to a worker", inbound.dedupe_key)
    try:
        dispatch.defer(services(), inbound)
    except Exception:
        log.exception("could not hand %s to a worker either", inbound.dedupe_key)
        abort(503)
    return None
