"""SMS through the outbox and Aliyun's SDK (alibabacloud-dysmsapi20170525), against the stand-in's play
of its SendSms over HTTP: sent once with the purpose's named variables, refused codes failed with one
line saying what to do, busy answers retried, a lost answer not sent again."""
import datetime
import json
import logging

import pytest
import requests

from app import create_app
from bot import sms
from bot.sms_aliyun import outcome
from bot.sms_providers import Outcome
from models import OutboxMessage, database
from models.messaging import SmsPurpose, sms_counts

MOBILE = "13812341234"
SHOWN = "138****1234"
KEY = "sms:2026-12:letter:催告函:7:sec01"


@pytest.fixture
def services(config, redis_client, clock):
    """The app with `[sms] provider = "aliyun"` (no sdk_app_id), at the stand-in, in the daytime."""
    clock.set(datetime.datetime(2026, 12, 5, 9, 30))
    aliyun = config.replace(sms={"provider": "aliyun", "secret_id": "LTAIdemo", "sdk_app_id": "",
                                 "templates": {purpose: f"SMS_{n}" for n, purpose in enumerate(SmsPurpose, 1)}})
    return create_app(aliyun, clock).extensions["yuebao"]


def queue(services, purpose=SmsPurpose.LETTER, params=("催告函", "ZG-2026-007", "12月25日"), key=KEY):
    with database.atomic():
        return sms.enqueue(key, MOBILE, purpose, list(params), services.clock.utcnow())


def logged(caplog) -> str:
    """yuebao's and the stand-in's log lines; not werkzeug's (its access log shows the query Aliyun's SDK sends)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")


def row_of(row):
    return OutboxMessage.get_by_id(row.id)


def test_an_sms_goes_once_with_the_purposes_named_variables_and_the_outbox_key(services, phone, caplog):
    caplog.set_level(logging.INFO)
    row = queue(services)
    other = queue(services, SmsPurpose.PUBLISH, ("2026年12月", "12月25日"), "sms:2026-12:publish:sec01")
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    services.outbox.deliver(other.id)
    assert phone.sms() == [
        {"to": MOBILE, "template_id": "SMS_5", "sign_name": "党建月报", "out_id": KEY,
         "params": {"letter": "催告函", "code": "ZG-2026-007", "deadline": "12月25日"}},
        {"to": MOBILE, "template_id": "SMS_1", "sign_name": "党建月报", "out_id": "sms:2026-12:publish:sec01",
         "params": {"month": "2026年12月", "deadline": "12月25日"}}]
    assert [(row_of(r).status, row_of(r).attempts) for r in (row, other)] == [("sent", 1), ("sent", 1)]
    assert f"{KEY} to {SHOWN} sent" in logged(caplog) and MOBILE not in logged(caplog)


@pytest.mark.parametrize("code, advice", [
    ("isv.MOBILE_NUMBER_ILLEGAL", "not a valid mobile number"),
    ("isv.SMS_TEMPLATE_ILLEGAL", "the template is not approved or its code is wrong"),
    ("isv.SMS_SIGNATURE_ILLEGAL", "the sign is not approved or misspelt"),
    ("isv.AMOUNT_NOT_ENOUGH", "the account is out of credit"),
    ("isv.TEMPLATE_MISSING_PARAMETERS", "the template's variables are not those yuebao sends"),
    ("isv.INVALID_PARAMETERS", "a parameter was refused"),
    ("isv.BUSINESS_LIMIT_CONTROL", "the number had Aliyun's hourly or daily limit"),
])
def test_a_refused_sms_fails_for_good_with_one_line_saying_what_to_do(services, phone, caplog, code, advice):
    phone.set_sms_faults(codes={MOBILE: code})
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, code)
    [line] = [r.getMessage() for r in caplog.records if "failed for good" in r.getMessage()]
    assert line.startswith(f"sms {KEY} to {SHOWN} failed for good: {code}: {advice}")
    assert MOBILE not in logged(caplog) and phone.sms() == []
    assert sms_counts("2026-12") == {"failed": 1}


@pytest.mark.parametrize("code", ["Throttling.User", "SignatureNonceUsed", "ServiceUnavailable", "InternalError"])
def test_a_call_the_provider_did_not_take_is_retried(services, phone, code):
    phone.set_sms_faults(error_next=2, error_code=code)
    row = queue(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("pending", code)
    for _ in range(2):
        services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts) == ("sent", 3)
    assert len(phone.sms()) == 1


def test_a_provider_that_cannot_be_reached_is_tried_again(config, redis_client, clock):
    clock.set(datetime.datetime(2026, 12, 5, 9, 30))       # no stand-in: nothing listens at [sms] endpoint
    services = create_app(config.replace(sms={"provider": "aliyun", "sdk_app_id": ""}), clock).extensions["yuebao"]
    row = queue(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts, row_of(row).last_error) == ("pending", 1, "ConnectionError")


def test_a_lost_answer_is_not_sent_twice(services, phone, caplog):
    phone.set_sms_faults(drop_next=1, hang_seconds=services.config.sms.timeout_seconds + 2)
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "unknown outcome, not resent (ReadTimeout)")
    assert services.outbox.sweep()["unknown_outcome"] == 0
    assert len(phone.sms()) == 1
    assert f"to {SHOWN} failed for good: unknown outcome, not resent" in caplog.text


def test_the_standin_refuses_an_unsigned_call_or_another_action(standin):
    def call(**params):
        return requests.post(f"{standin.url}/", data={"Version": "2017-05-25", "PhoneNumbers": MOBILE, **params},
                             timeout=5)
    unsigned = call(Action="SendSms", AccessKeyId="LTAIdemo")
    assert (unsigned.status_code, unsigned.json()["Code"]) == (400, "IncompleteSignature")
    assert call(Action="SendSms", Signature="x").json()["Code"] == "MissingAccessKeyId"
    other = call(Action="QuerySendDetails", AccessKeyId="LTAIdemo", Signature="x")
    assert (other.status_code, other.json()["Code"]) == (404, "InvalidAction.NotFound")
    sent = call(Action="SendSms", AccessKeyId="LTAIdemo", Signature="x", SignName="党建月报", TemplateCode="SMS_1",
                TemplateParam=json.dumps({"month": "2026年12月"}))
    assert sent.json()["Code"] == "OK" and sent.json()["BizId"]


def test_the_per_minute_limit_of_a_number_waits_while_its_hourly_or_daily_limit_fails():
    assert outcome("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1").outcome == Outcome.RETRY
    assert outcome("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10").outcome == Outcome.FAILED
