"""SMS providers behind one small interface: `send(mobile, template_id, params, purpose=, reference=)
-> Result` (the purpose names Aliyun's template variables; the reference, the outbox key, traces the call).

The rest of the code knows only `build(sms_settings)` and `Result`. One number a call: each outbox
row is one person's SMS with its own key, daily cap and outcome, delivered under that number's
lock; a lost answer then leaves one SMS in doubt, not two hundred. Tencent Cloud takes 3000 calls
a second, far above what a month's SMS need.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

import requests
import urllib3
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from settings import SmsSection

# The SDK logs whole requests (the numbers in them) at DEBUG: never, whatever the app's log level.
logging.getLogger("tencentcloud_sdk_common").setLevel(logging.INFO)


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"       # for good: sending again would fail the same way
    RETRY = "retry"         # the provider did not take it (busy, unreachable): safe to send again
    UNKNOWN = "unknown"     # the request may have reached the provider: sending again may send twice


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    code: str = ""          # the provider's code ("Ok" when sent)
    advice: str = ""        # what to do, for the one log line of a failure


# Tencent Cloud's codes (SendStatusSet[].Code or Response.Error.Code) whose fix is known.
ADVICE = {
    "FailedOperation.TemplateIncorrectOrUnapproved":
        "the template is not approved or its id is wrong: check [sms] templates against 正文模板管理",
    "FailedOperation.SignatureIncorrectOrUnapproved":
        "the sign is not approved or misspelt: check [sms] sign_name against 签名管理",
    "InvalidParameterValue.TemplateParameterFormatError":
        "the parameters do not fit the template's variables: see docs/deploy.md for each purpose's",
    "InvalidParameterValue.IncorrectPhoneNumber": "not a valid mobile number: correct it in the people list",
    "FailedOperation.InsufficientBalanceInSmsPackage": "the SMS package is used up: buy more in 套餐包管理",
    "LimitExceeded.PhoneNumberDailyLimit":
        "the number had Tencent Cloud's daily limit of SMS: raise it in 频率限制, or it gets none today",
    "FailedOperation.PhoneNumberInBlacklist": "the person unsubscribed from SMS (免打扰名单)",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "[sms] sdk_app_id is wrong or not this account's",
    "AuthFailure.SecretIdNotFound": "[sms] secret_id is unknown: check it and YUEBAO_SMS_SECRET_KEY",
    "AuthFailure.SignatureFailure": "[sms] secret_key does not match secret_id",
}
RETRY_CODES = ("RequestLimitExceeded", "InternalError", "LimitExceeded.PhoneNumberThirtySecondLimit")
NOT_REACHED = (requests.ConnectTimeout, urllib3.exceptions.NewConnectionError)


class TencentCloudSms:
    """SendSms of API 2021-01-11 through `tencentcloud-sdk-python-sms`."""

    def __init__(self, sms: SmsSection):
        self.sms = sms
        scheme, _, host = sms.endpoint.rpartition("://")
        http = HttpProfile(endpoint=host or None, protocol=scheme or "https", reqTimeout=sms.timeout_seconds)
        self.client = sms_client.SmsClient(credential.Credential(sms.secret_id, sms.secret_key), sms.region,
                                           ClientProfile(httpProfile=http))

    def send(self, mobile: str, template_id: str, params: list[str], *, purpose: str = "",
             reference: str = "") -> Result:
        """`purpose` is not needed: Tencent Cloud's variables are numbered."""
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.sms.sdk_app_id
        request.SignName = self.sms.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = list(params)
        request.PhoneNumberSet = [e164(mobile)]
        request.SessionContext = reference
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            return _refused(exc)
        [status] = response.SendStatusSet
        return _outcome(status.Code)


def _refused(exc: TencentCloudSDKException) -> Result:
    """The call failed as a whole: the provider said why, or the network did."""
    if exc.code == "ClientNetworkError":
        cause = exc.__context__
        reached = not isinstance(cause, NOT_REACHED) and not isinstance(reason_beneath(cause), NOT_REACHED)
        if not reached:
            return Result(Outcome.RETRY, exc.code, f"the provider was not reached ({type(cause).__name__})")
        return Result(Outcome.UNKNOWN, exc.code, f"no answer ({type(cause).__name__}): it may have arrived")
    if exc.code == "ServerNetworkError":
        return Result(Outcome.UNKNOWN, exc.code, "an HTTP error from the provider: it may have sent")
    return _outcome(exc.code)


def reason_beneath(cause):
    """What urllib3 said beneath requests' ConnectionError (MaxRetryError.reason), if anything."""
    inner = cause.args[0] if isinstance(cause, requests.ConnectionError) and cause.args else None
    return getattr(inner, "reason", None)


def _outcome(code: str) -> Result:
    if code == "Ok":
        return Result(Outcome.SENT, code)
    if code.startswith(RETRY_CODES):
        return Result(Outcome.RETRY, code, "the provider is busy: retried with backoff")
    return Result(Outcome.FAILED, code, ADVICE.get(code, "see Tencent Cloud SMS's error codes (错误码)"))


def e164(mobile: str) -> str:
    """A mainland number as Tencent Cloud wants it: +86…"""
    digits = "".join(ch for ch in mobile if ch.isdigit())
    return f"+{digits}" if mobile.strip().startswith("+") else f"+86{digits}"


def build(sms: SmsSection):
    """The configured provider, or None when `[sms] provider` is "" (settings.sms checks the rest)."""
    if sms.provider == "aliyun":
        from bot.sms_aliyun import AliyunSms  # its SDK only where it is the provider
        return AliyunSms(sms)
    return TencentCloudSms(sms) if sms.provider == "tencentcloud" else None
