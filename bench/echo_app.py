"""The baseline for bench/checkin.py: a bare echo webhook (decrypt → parse → encrypted reply, no database),
built from the same edge pieces as the real one and served the same way."""
from __future__ import annotations

import secrets
import time

from flask import Flask, Response, request

import settings
from bot import render
from bot.crypto import CallbackCrypto
from bot.inbound import from_app_xml, parse_xml
from handlers.replies import Text


def create_echo() -> Flask:
    wecom = settings.load().wecom
    crypto = CallbackCrypto(wecom.token, wecom.encoding_aes_key, wecom.corp_id)
    app = Flask(__name__)

    @app.post("/wecom/callback")
    def echo():
        args = request.args
        envelope = parse_xml(request.get_data())
        inbound = from_app_xml(crypto.decrypt(args["msg_signature"], args["timestamp"], args["nonce"],
                                              envelope["Encrypt"]))
        stamp, nonce = str(int(time.time())), secrets.token_hex(8)
        plain = render.passive_app_xml(Text(inbound.text), inbound.user, wecom.corp_id, stamp)
        encrypt, signature = crypto.encrypt(plain, stamp, nonce)
        return Response(render.encrypted_xml(encrypt, signature, stamp, nonce), mimetype="application/xml")

    return app
