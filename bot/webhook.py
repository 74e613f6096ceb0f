"""The self-built app's callback (XML): GET verifies the URL, POST decrypt → parse → dispatch → reply."""
from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Response, abort, current_app, request
from redis.exceptions import RedisError

from bot import contacts, dispatch, render
from bot.crypto import CallbackCrypto, CryptoError, check_fresh
from bot.inbound import MalformedMessage, from_app_xml, parse_xml
from handlers.events import EVENT

log = logging.getLogger(__name__)
bp = Blueprint("wecom", __name__)


def services():
    return current_app.extensions["yuebao"]


def signed_args(*names: str) -> list[str]:
    values = [request.args.get(name, "") for name in names]
    if not all(values):
        raise MalformedMessage("missing " + ", ".join(n for n, v in zip(names, values, strict=True) if not v))
    return values


def reject(exc: Exception, what: str) -> Response:
    status = exc.status if isinstance(exc, CryptoError) else 400
    log.warning("%s rejected with %d: %s (from %s)", what, status, exc, request.remote_addr)
    return Response(f"{status}: {exc}\n", status=status, mimetype="text/plain")


def verify(crypto: CallbackCrypto, what: str) -> Response:
    """URL verification: answer the decrypted echostr as plain text."""
    try:
        signature, timestamp, nonce, echostr = signed_args("msg_signature", "timestamp", "nonce", "echostr")
        echo = crypto.decrypt(signature, timestamp, nonce, echostr)
        check_fresh(timestamp)
        return Response(echo, mimetype="text/plain")
    except (CryptoError, MalformedMessage) as exc:
        return reject(exc, what)


def receive(crypto: CallbackCrypto, what: str, read_encrypt, parse, wrap) -> Response:
    """signature → decrypt → timestamp window → parse → dispatch → encrypted passive reply (or an empty 200)."""
    try:
        signature, timestamp, nonce = signed_args("msg_signature", "timestamp", "nonce")
        plaintext = crypto.decrypt(signature, timestamp, nonce, read_encrypt())
        check_fresh(timestamp)
        inbound = parse(plaintext)
    except (CryptoError, MalformedMessage) as exc:
        return reject(exc, what)
    plaintext = answer(inbound)
    if not plaintext:
        return Response("", status=200)
    stamp, nonce = str(services().clock.timestamp()), secrets.token_hex(8)
    encrypt, reply_signature = crypto.encrypt(plaintext, stamp, nonce)
    return wrap(encrypt, reply_signature, stamp, nonce)


def xml_encrypt() -> str:
    encrypt = parse_xml(request.get_data()).get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise MalformedMessage("missing Encrypt")
    return encrypt


def xml_reply(encrypt: str, signature: str, stamp: str, nonce: str) -> Response:
    return Response(render.encrypted_xml(encrypt, signature, stamp, nonce), mimetype="application/xml")


@bp.get("/wecom/callback")
def verify_app_url():
    return verify(services().app_crypto, "app URL verification")


@bp.post("/wecom/callback")
def receive_app_callback():
    return receive(services().app_crypto, "app callback", xml_encrypt, from_app_xml, xml_reply)


def answer(inbound):
    """The passive reply's plaintext, or None when it goes later (busy person, failing backend).
    A directory change (change_contact, from "sys") schedules a sync and has no reply."""
    if inbound.kind == EVENT and inbound.event == contacts.CHANGE_CONTACT:
        try:
            contacts.schedule_sync(services())
        except RedisError as exc:
            log.warning("directory change not scheduled (%s); the nightly sync will catch it", type(exc).__name__)
        return None
    reply = None
    try:
        return dispatch.handle(services(), inbound)
    except dispatch.Busy:
        log.info("%s waits for %s's previous message; handed to a worker", inbound.dedupe_key, inbound.user)
    except dispatch.UNAVAILABLE as exc:
        log.warning("database unavailable for %s (%s); handing it to a worker", inbound.dedupe_key,
                    type(exc).__name__)
        reply = dispatch.later_reply(services(), inbound)
    except Exception:
        log.exception("could not handle %s now; handing it to a worker", inbound.dedupe_key)
    try:
        dispatch.defer(services(), inbound)
    except Exception as exc:
        log.error("could not hand %s to a worker either (%s); WeCom will retry", inbound.dedupe_key,
                  type(exc).__name__)
        abort(503)
    return reply
