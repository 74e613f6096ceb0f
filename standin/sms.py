"""Tencent Cloud's and Aliyun's SMS APIs as the stand-in plays them, both on POST /: Tencent Cloud's
SendSms of 2021-01-11 (v3 JSON, its X-TC-Action header) and Aliyun's SendSms of 2017-05-25 (RPC, its
parameters in the query or form, the action in an x-acs-action header or an Action parameter).

Each checks what a real call carries (Tencent: X-TC-Action, X-TC-Version, an Authorization of
TC3-HMAC-SHA256; Aliyun: an AccessKeyId and a signature, as an ACS3-HMAC-SHA256 Authorization or
Signature and AccessKeyId parameters: present, not verified) and answers in its provider's shape. What it received is
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
bp = Blueprint("sms", __name__)

COUNTS = ("error_next", "hang_next", "drop_next")
DEFAULTS = {"codes": {}, "error_code": "RequestLimitExceeded", "error_next": 0, "hang_next": 0, "drop_next": 0,
            "hang_seconds": 30.0}


class SmsError(Exception):
    """Answered as {"Response": {"Error": {"Code", "Message"}, "RequestId"}}."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class AliyunError(Exception):
    """Answered as {"Code", "Message", "RequestId"}: with 200 for a refused SMS (isv.…), else its status."""

    def __init__(self, code: str, message: str, status: int = 200):
        super().__init__(message)
        self.code = code
        self.status = status


def aliyun_status(code: str) -> int:
    """The HTTP status Aliyun answers an error code with: 200 for a refused SMS (isv.…), 5xx for its own
    trouble, 400 for the rest (Throttling.User, SignatureNonceUsed …)."""
    if code.startswith("isv."):
        return 200
    return {"ServiceUnavailable": 503, "InternalError": 500}.get(code, 400)


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

    def send_aliyun(self, values) -> str:
        """Record the SMS of one Aliyun SendSms call; its Code ("OK", or the first number's fault)."""
        numbers = [n for n in values.get("PhoneNumbers", "").split(",") if n]
        if not numbers or len(numbers) > 1000:
            raise AliyunError("isv.MOBILE_NUMBER_ILLEGAL", "PhoneNumbers: 1 to 1000 numbers")
        for key in ("SignName", "TemplateCode"):
            if not values.get(key):
                raise AliyunError("MissingParameter", f"{key} is required", 400)
        try:
            params = json.loads(values.get("TemplateParam") or "{}")
        except ValueError:
            raise AliyunError("isv.INVALID_JSON_PARAM", "TemplateParam is not JSON") from None
        with self.lock:
            codes = [self.faults["codes"].get(number, "OK") for number in numbers]
            self.received += [{"to": number, "template_id": values["TemplateCode"], "sign_name": values["SignName"],
                               "params": params, "out_id": values.get("OutId", "")}
                              for number, code in zip(numbers, codes, strict=True) if code == "OK"]
        for number, code in zip(numbers, codes, strict=True):
            log.info("SMS to %s: %s", mask_mobile(number), code)
        return next((code for code in codes if code != "OK"), "OK")


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


@bp.errorhandler(AliyunError)
def _aliyun_error(error: AliyunError):
    return jsonify({"Code": error.code, "Message": str(error), "RequestId": str(uuid.uuid4())}), error.status


@bp.post("/")
def send_sms():
    if request.headers.get("x-acs-action") or request.values.get("Action"):
        return send_sms_aliyun()
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


def send_sms_aliyun():
    """Aliyun's SendSms: the call's checks, the fault switches, then the phone."""
    values = request.values
    action = request.headers.get("x-acs-action") or values.get("Action")
    version = request.headers.get("x-acs-version") or values.get("Version")
    authorization = request.headers.get("Authorization", "")
    signed = authorization.startswith("ACS3-HMAC-SHA256 ") and "Credential=" in authorization
    if not signed and not values.get("AccessKeyId"):
        raise AliyunError("MissingAccessKeyId", "AccessKeyId is mandatory for this action", 400)
    if not signed and not values.get("Signature"):
        raise AliyunError("IncompleteSignature", "the request signature is missing", 400)
    if action != "SendSms" or version != "2017-05-25":
        raise AliyunError("InvalidAction.NotFound", "the stand-in plays SendSms of 2017-05-25 only", 404)
    phone = _phone()
    if phone.take("hang_next"):
        phone.closing.wait(phone.faults["hang_seconds"])
        raise AliyunError("ServiceUnavailable", "no answer in time: nothing was sent", 503)
    if phone.take("error_next"):
        code = phone.faults["error_code"]
        raise AliyunError(code, "injected by the stand-in", aliyun_status(code))
    code = phone.send_aliyun(values)
    answer = jsonify({"Code": code, "Message": "OK" if code == "OK" else code, "RequestId": str(uuid.uuid4()),
                      **({"BizId": uuid.uuid4().hex[:20]} if code == "OK" else {})})
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
