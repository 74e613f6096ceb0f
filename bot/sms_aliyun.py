"""Aliyun's SMS (Dysmsapi 2017-05-25 `SendSms`) behind bot.sms_providers' interface.

Imported only when `[sms] provider = "aliyun"` (bot.sms_providers.build): its SDK brings some twenty
packages the app otherwise never loads. Aliyun has no de-duplication (OutId only traces), so, as
with Tencent Cloud, a request whose answer was lost is not sent again.
"""
from __future__ import annotations

import json

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import RetryError, UnretryableException
from darabonba.runtime import RuntimeOptions

from bot.sms_providers import NOT_REACHED, Outcome, Result, reason_beneath
from models.messaging import SmsPurpose
from settings import SmsSection

DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"

# Aliyun templates name their variables (${month}); each purpose's parameters, in bot.sms's order.
VARIABLES = {
    SmsPurpose.PUBLISH: ("month", "deadline"),
    SmsPurpose.REMIND: ("month", "deadline"),
    SmsPurpose.URGE: ("month", "deadline"),
    SmsPurpose.SUPERVISE: ("month", "deadline"),
    SmsPurpose.LETTER: ("letter", "code", "deadline"),
}

# Aliyun's codes (the answer's Code, or the error's for a refused call) whose fix is known.
ADVICE = {
    "isv.SMS_TEMPLATE_ILLEGAL":
        "the template is not approved or its code is wrong: check [sms] templates against 模板管理",
    "isv.SMS_SIGNATURE_ILLEGAL": "the sign is not approved or misspelt: check [sms] sign_name against 签名管理",
    "isv.TEMPLATE_MISSING_PARAMETERS":
        "the template's variables are not those yuebao sends: see docs/deploy.md for each purpose's",
    "isv.INVALID_PARAMETERS": "a parameter was refused (often the template's variables): see docs/deploy.md",
    "isv.MOBILE_NUMBER_ILLEGAL": "not a valid mobile number: correct it in the people list",
    "isv.AMOUNT_NOT_ENOUGH": "the account is out of credit: top it up (费用中心) or buy an SMS package",
    "isv.BUSINESS_LIMIT_CONTROL":
        "the number had Aliyun's hourly or daily limit of SMS: raise it in 国内消息设置 → 发送频率, or it gets none",
    "isv.DAY_LIMIT_CONTROL": "the account's daily limit is reached: raise it in 国内消息设置",
    "isv.BLACK_KEY_CONTROL_LIMIT": "the text has a forbidden word: change the template",
    "InvalidAccessKeyId.NotFound": "[sms] secret_id is not an AccessKey ID of this account",
    "SignatureDoesNotMatch": "[sms] secret_key does not match secret_id (YUEBAO_SMS_SECRET_KEY)",
}
RETRY_CODES = ("Throttling", "SignatureNonceUsed", "ServiceUnavailable", "InternalError", "isp.SYSTEM_ERROR")
MINUTE_LIMIT = "分钟"       # isv.BUSINESS_LIMIT_CONTROL's message when it is the per-minute limit: it passes


class AliyunSms:
    """SendSms of Dysmsapi 2017-05-25 through `alibabacloud-dysmsapi20170525`, one number a call."""

    def __init__(self, sms: SmsSection):
        self.sms = sms
        scheme, _, host = sms.endpoint.rpartition("://")
        timeout = sms.timeout_seconds * 1000
        self.client = Client(Config(access_key_id=sms.secret_id, access_key_secret=sms.secret_key,
                                    endpoint=host or DEFAULT_ENDPOINT, protocol=scheme or "https",
                                    read_timeout=timeout, connect_timeout=timeout))

    def send(self, mobile: str, template_id: str, params: list[str], *, purpose: str, reference: str) -> Result:
        request = models.SendSmsRequest(
            phone_numbers=number(mobile), sign_name=self.sms.sign_name, template_code=template_id,
            template_param=json.dumps(dict(zip(VARIABLES[purpose], params, strict=True)), ensure_ascii=False),
            out_id=reference)
        try:
            response = self.client.send_sms_with_options(request, RuntimeOptions(autoretry=False))
        except AlibabaCloudException as exc:
            return outcome(exc.code, exc.message)
        except UnretryableException as exc:
            return _unanswered(exc.inner_exception)
        return outcome(response.body.code, response.body.message or "")


def _unanswered(error: Exception) -> Result:
    """The call got no answer: never sent if the provider was not reached, else perhaps sent. The
    SDK wraps requests' exception in its RetryError (raised while handling it)."""
    cause = error.__context__ if isinstance(error, RetryError) and error.__context__ else error
    name = type(cause).__name__
    if isinstance(cause, NOT_REACHED) or isinstance(reason_beneath(cause), NOT_REACHED):
        return Result(Outcome.RETRY, name, "the provider was not reached")
    return Result(Outcome.UNKNOWN, name, "no answer: it may have arrived")


def outcome(code: str, message: str) -> Result:
    if code == "OK":
        return Result(Outcome.SENT, code)
    minute_limit = code == "isv.BUSINESS_LIMIT_CONTROL" and MINUTE_LIMIT in message
    if code.startswith(RETRY_CODES) or minute_limit:
        return Result(Outcome.RETRY, code, "the provider is busy: retried with backoff")
    return Result(Outcome.FAILED, code, ADVICE.get(code, f"{message} (see Aliyun SMS's error codes, 错误码)"))


def number(mobile: str) -> str:
    """A number as Aliyun wants it: mainland ones bare (13812341234), others with their country code."""
    digits = "".join(ch for ch in mobile if ch.isdigit())
    return digits[2:] if mobile.strip().startswith("+86") else digits
