"""Tencent Cloud's SMS API as the stand-in plays it: SendSms of 2021-01-11, v3 JSON POSTed to /.

It checks the headers a real call carries (X-TC-Action, X-TC-Version, an Authorization of
TC3-HMAC-SHA256: present, not verified) and answers in Tencent Cloud's shape. What it received is
the SMS "phone": GET /_standin/sms. Fault switches (POST /_standin/sms/faults): a code per number,
the next calls refused with a code, the next calls never answered (nothing sent), the next calls'
answers lost after the SMS was recorded.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid

from flask import Blueprint, current_app, jsonify, request

from models.messaging import mask_mobile

log = logging.getLogger(__name__)
bp = Blueprint("tencentcloud_sms", __name__)

COUNTS = ("error_next", "hang_next", "drop_next")
DEFAULTS = {"codes": {}, "error_code": "RequestLimitExceeded", "error_next": 0, "hang_next": 0, "drop_next": 0,
            "hang_seconds": 30.0}


class SmsError(Exception):
    """Answered as {"Response": {"Error": {"Code", "Message"}, "RequestId"}}."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class SmsPhone:
    """What was sent, and the fault switches; one lock, held for in-memory work only. Part of the
    stand-in's State (a new State, a new phone)."""

    def __init__(self, closing: threading.Event):
        self.lock = threading.Lock()
        self.closing = closing          # the stand-in's: set when it shuts down, freeing held answers
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.received: list[dict] = []
            self.faults = dict(DEFAULTS)

    def set_faults(self, changes: dict) -> dict:
        with self.lock:
            for name, value in changes.items():
                self.faults[name] = _checked(name, value)
            return dict(self.faults)

    def take(self, name: str) -> bool:
        """Whether a counted fault applies to this call (and counts it down)."""
        with self.lock:
            if self.faults[name] > 0:
                self.faults[name] -= 1
                return True
            return False

    def send(self, body: dict) -> list[dict]:
        """Record the SMS of one SendSms call; its SendStatusSet."""
        numbers = body.get("PhoneNumberSet")
        if not isinstance(numbers, list) or not numbers or len(numbers) > 200:
            raise SmsError("InvalidParameterValue.IncorrectPhoneNumber", "PhoneNumberSet: 1 to 200 numbers")
        for key in ("SmsSdkAppId", "TemplateId", "SignName"):
            if not body.get(key):
                raise SmsError("MissingParameter", f"{key} is required")
        statuses = []
        with self.lock:
            for number in numbers:
                code = self.faults["codes"].get(number, "Ok")
                if code == "Ok":
                    self.received.append({"to": number, "template_id": body["TemplateId"],
                                          "sign_name": body["SignName"], "sdk_app_id": body["SmsSdkAppId"],
                                          "params": list(body.get("TemplateParamSet") or [])})
                statuses.append({"SerialNo": uuid.uuid4().hex, "PhoneNumber": number, "Fee": 1 if code == "Ok" else 0,
                                 "SessionContext": "", "Code": code, "Message": "send success" if code == "Ok"
                                 else code, "IsoCode": "CN"})
        for status in statuses:
            log.info("SMS to %s: %s", mask_mobile(status["PhoneNumber"]), status["Code"])
        return statuses


def _checked(name: str, value):
    if name == "codes":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValueError("codes: expected {\"+8613812341234\": \"Code\"}")
        return value
    if name == "error_code":
        if not isinstance(value, str) or not value:
            raise ValueError("error_code: expected a Tencent Cloud error code")
        return value
    if name in (*COUNTS, "hang_seconds"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{name}: expected a number, 0 or more")
        return value if name == "hang_seconds" else int(value)
    raise ValueError(f"{name}: unknown fault switch")


def _phone() -> SmsPhone:
    return current_app.extensions["standin"].sms


def _answer(response: dict):
    return jsonify({"Response": {**response, "RequestId": str(uuid.uuid4())}})


@bp.errorhandler(SmsError)
def _sms_error(error: SmsError):
    return _answer({"Error": {"Code": error.code, "Message": str(error)}})


@bp.post("/")
def send_sms():
    if not request.headers.get("Authorization", "").startswith("TC3-HMAC-SHA256"):
        raise SmsError("AuthFailure.InvalidAuthorization", "Authorization must be TC3-HMAC-SHA256")
    if request.headers.get("X-TC-Action") != "SendSms" or request.headers.get("X-TC-Version") != "2021-01-11":
        raise SmsError("InvalidAction", "the stand-in plays SendSms of 2021-01-11 only")
    phone = _phone()
    if phone.take("hang_next"):
        phone.closing.wait(phone.faults["hang_seconds"])
        raise SmsError("InternalError.Timeout", "no answer in time: nothing was sent")
    if phone.take("error_next"):
        raise SmsError(phone.faults["error_code"], "injected by the stand-in")
    try:
        body = json.loads(request.get_data() or b"null")
    except ValueError:
        raise SmsError("FailedOperation.FailResolvePacket", "the body is not JSON") from None
    answer = _answer({"SendStatusSet": phone.send(body if isinstance(body, dict) else {})})
    if phone.take("drop_next"):
        phone.closing.wait(phone.faults["hang_seconds"])
    return answer


@bp.get("/_standin/sms")
def received():
    with _phone().lock:
        return jsonify(list(_phone().received))


@bp.post("/_standin/sms/faults")
def set_faults():
    try:
        return jsonify(_phone().set_faults(request.get_json(silent=True) or {}))
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400


@bp.delete("/_standin/sms")
def reset():
    _phone().reset()
    return jsonify({"ok": True})
