"""SMS through the outbox and the providers' own SDKs (Tencent Cloud's, Aliyun's), against the
stand-in's play of their SendSms over HTTP: sent once, refused codes failed with one line saying what
to do, busy answers retried, never sent twice when it may have gone, capped per number and day, held
back in the quiet hours, the number masked in every log line. What both providers must do is one
test run for each."""
import datetime
import json
import logging
from dataclasses import dataclass

import pytest
import requests

from app import create_app
from bot import sms
from bot.sms_aliyun import outcome
from bot.sms_providers import Outcome
from jobs import runtime
from models import OutboxMessage, database
from models.messaging import SmsPurpose, sms_counts
from standin.client import StandinError
from tests.setups import run_worker

MOBILE = "13812341234"
SHOWN = "138****1234"
DAYTIME = datetime.datetime(2026, 12, 5, 9, 30)
KEY = "sms:2026-12:publish:sec01"


@dataclass(frozen=True)
class Provider:
    name: str
    settings: dict          # [sms] besides the demo's (which is Tencent Cloud's)
    to: str                 # the number as the provider is given it
    refused: list           # (code, the advice logged): failed for good
    busy: list              # codes retried
    unreachable: str        # the error of a call nothing answered
    lost: str               # the error of a call whose answer never came


TENCENT = Provider(
    "tencentcloud", {}, "+8613812341234",
    refused=[("FailedOperation.TemplateIncorrectOrUnapproved", "the template is not approved or its id is wrong"),
             ("FailedOperation.SignatureIncorrectOrUnapproved", "the sign is not approved or misspelt"),
             ("InvalidParameterValue.TemplateParameterFormatError",
              "the parameters do not fit the template's variables"),
             ("InvalidParameterValue.IncorrectPhoneNumber", "not a valid mobile number"),
             ("FailedOperation.InsufficientBalanceInSmsPackage", "the SMS package is used up"),
             ("LimitExceeded.PhoneNumberDailyLimit", "the number had Tencent Cloud's daily limit"),
             ("FailedOperation.ContainSensitiveWord", "see Tencent Cloud SMS's error codes")],
    busy=["RequestLimitExceeded", "InternalError.Timeout"],
    unreachable="ClientNetworkError", lost="ClientNetworkError")
ALIYUN = Provider(
    "aliyun", {"provider": "aliyun", "secret_id": "LTAIdemo", "sdk_app_id": "",
               "templates": {purpose: f"SMS_{n}" for n, purpose in enumerate(SmsPurpose, 1)}}, MOBILE,
    refused=[("isv.MOBILE_NUMBER_ILLEGAL", "not a valid mobile number"),
             ("isv.SMS_TEMPLATE_ILLEGAL", "the template is not approved or its code is wrong"),
             ("isv.SMS_SIGNATURE_ILLEGAL", "the sign is not approved or misspelt"),
             ("isv.AMOUNT_NOT_ENOUGH", "the account is out of credit"),
             ("isv.TEMPLATE_MISSING_PARAMETERS", "the template's variables are not those yuebao sends"),
             ("isv.INVALID_PARAMETERS", "a parameter was refused"),
             ("isv.BUSINESS_LIMIT_CONTROL", "the number had Aliyun's hourly or daily limit")],
    busy=["Throttling.User", "SignatureNonceUsed", "ServiceUnavailable", "InternalError"],
    unreachable="ConnectionError", lost="ReadTimeout")
BOTH = pytest.mark.parametrize("provider", [TENCENT, ALIYUN], ids=lambda p: p.name)


def each(field: str):
    """Parametrize by every (provider, value) of the providers' `field`."""
    cases = [(p, *v) if isinstance(v, tuple) else (p, v) for p in (TENCENT, ALIYUN) for v in getattr(p, field)]
    return pytest.mark.parametrize(["provider", "code", "advice"][:len(cases[0])],
                                   [pytest.param(*case, id=f"{case[0].name}-{case[1]}") for case in cases])


@pytest.fixture
def provider() -> Provider:
    return TENCENT


@pytest.fixture
def daytime(clock):
    clock.set(DAYTIME)
    return clock


@pytest.fixture
def services(config, redis_client, provider, daytime):
    """The app with the provider's [sms] settings, at the stand-in when the test has one, in the daytime."""
    services = create_app(config.replace(sms=provider.settings), daytime).extensions["yuebao"]
    runtime.use(services)
    return services


def queue(services, person="sec01", mobile=MOBILE, purpose=SmsPurpose.PUBLISH, params=("2026年12月", "12月25日"),
          key=""):
    with database.atomic():
        return sms.enqueue(key or f"sms:2026-12:{purpose}:{person}", mobile, purpose, list(params),
                           services.clock.utcnow())


def row_of(row):
    return OutboxMessage.get_by_id(row.id)


def logged(caplog) -> str:
    """yuebao's and the stand-in's log lines; not werkzeug's (its access log shows the query Aliyun's SDK sends)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")


def test_an_sms_goes_once_through_the_sdk_with_its_purposes_template(services, phone, caplog):
    caplog.set_level(logging.INFO)
    row = queue(services)
    assert queue(services) is None
    services.outbox.kick([row])
    run_worker(services)
    services.outbox.deliver(row.id)
    assert phone.sms() == [{"to": "+8613812341234", "template_id": "100001", "sign_name": "党建月报",
                            "sdk_app_id": "1400000000", "params": ["2026年12月", "12月25日"]}]
    row = row_of(row)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, services.clock.utcnow())
    assert sms_counts("2026-12") == {"sent": 1}
    assert f"{KEY} to {SHOWN} sent" in logged(caplog) and MOBILE not in logged(caplog)


@pytest.mark.parametrize("provider", [ALIYUN], ids=["aliyun"])
def test_aliyun_gets_the_purposes_named_variables_and_the_outbox_key(services, phone, caplog):
    caplog.set_level(logging.INFO)
    letter = "sms:2026-12:letter:催告函:7:sec01"
    row = queue(services, purpose=SmsPurpose.LETTER, params=("催告函", "ZG-2026-007", "12月25日"), key=letter)
    other = queue(services)
    for row_id in (row.id, row.id, other.id):
        services.outbox.deliver(row_id)
    assert phone.sms() == [
        {"to": MOBILE, "template_id": "SMS_5", "sign_name": "党建月报", "out_id": letter,
         "params": {"letter": "催告函", "code": "ZG-2026-007", "deadline": "12月25日"}},
        {"to": MOBILE, "template_id": "SMS_1", "sign_name": "党建月报", "out_id": KEY,
         "params": {"month": "2026年12月", "deadline": "12月25日"}}]
    assert [(row_of(r).status, row_of(r).attempts) for r in (row, other)] == [("sent", 1), ("sent", 1)]
    assert f"{letter} to {SHOWN} sent" in logged(caplog) and MOBILE not in logged(caplog)


def test_the_standin_refuses_a_tencent_call_without_a_tc3_signature_or_of_another_version(standin, phone):
    answer = requests.post(f"{standin.url}/", json={"PhoneNumberSet": ["+8613812341234"]},
                           headers={"X-TC-Action": "SendSms", "X-TC-Version": "2021-01-11"}, timeout=5).json()
    assert answer["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"
    assert answer["Response"]["RequestId"]
    headers = {"X-TC-Action": "SendSms", "X-TC-Version": "2019-07-11", "Authorization": "TC3-HMAC-SHA256 x"}
    answer = requests.post(f"{standin.url}/", json={}, headers=headers, timeout=5).json()
    assert answer["Response"]["Error"]["Code"] == "InvalidAction"
    with pytest.raises(StandinError, match="hang_next: expected a number"):
        phone.set_sms_faults(hang_next="soon")
    with pytest.raises(StandinError, match="nosuch: unknown fault switch"):
        phone.set_sms_faults(nosuch=1)


def test_the_standin_refuses_an_aliyun_call_unsigned_or_of_another_action(standin):
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


@each("refused")
def test_a_refused_number_fails_for_good_with_one_line_saying_what_to_do(services, phone, caplog, provider,
                                                                         code, advice):
    phone.set_sms_faults(codes={provider.to: code})
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, code)
    [line] = [r.getMessage() for r in caplog.records if "failed for good" in r.getMessage()]
    assert line.startswith(f"sms {KEY} to {SHOWN} failed for good: {code}: {advice}")
    assert MOBILE not in logged(caplog) and phone.sms() == []
    assert sms_counts("2026-12") == {"failed": 1}


@each("busy")
def test_a_call_the_provider_did_not_take_is_retried(services, phone, code):
    phone.set_sms_faults(error_next=2, error_code=code)
    row = queue(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("pending", code)
    for _ in range(2):
        services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts) == ("sent", 3)
    assert len(phone.sms()) == 1


@BOTH
def test_a_provider_that_cannot_be_reached_is_tried_again_then_given_up(services, provider):
    row = queue(services)            # no stand-in: [sms] endpoint is a port nothing listens on
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts, row_of(row).last_error) == ("pending", 1, provider.unreachable)
    for _ in range(services.config.outbox.max_attempts):
        services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts) == ("failed", services.config.outbox.max_attempts)


@BOTH
def test_a_lost_answer_is_not_sent_twice(services, phone, caplog, provider):
    phone.set_sms_faults(drop_next=1, hang_seconds=services.config.sms.timeout_seconds + 2)
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts, row.last_error) == (
        "failed", 1, f"unknown outcome, not resent ({provider.lost})")
    assert services.outbox.sweep()["unknown_outcome"] == 0
    assert len(phone.sms()) == 1
    assert sms_counts("2026-12") == {"failed": 1}
    assert f"to {SHOWN} failed for good: unknown outcome, not resent" in logged(caplog)


@BOTH
def test_a_call_never_answered_is_not_sent_again_either(services, phone):
    phone.set_sms_faults(hang_next=1, hang_seconds=services.config.sms.timeout_seconds + 2)
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    assert row_of(row).status == "failed" and phone.sms() == []


@BOTH
def test_the_sweep_fails_a_killed_workers_sms_instead_of_sending_it_again(services, phone, caplog):
    row = queue(services)
    services.outbox.sms.provider.send(MOBILE, services.config.sms.templates["publish"], ["2026年12月", "12月25日"],
                                      purpose="publish", reference=KEY)                 # it got out ...
    OutboxMessage.update(status="sending", attempts=1,                                  # ... then the worker died
                         claimed_at=services.clock.utcnow() - datetime.timedelta(minutes=5)).execute()
    assert services.outbox.sweep() == {"reclaimed": 0, "requeued": 0, "unknown_outcome": 1}
    run_worker(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("failed", "unknown outcome, not resent (worker lost)")
    assert len(phone.sms()) == 1
    assert SHOWN in logged(caplog) and MOBILE not in logged(caplog)


def test_a_number_past_its_daily_cap_is_skipped_until_midnight(services, phone, daytime):
    rows = [queue(services, purpose=purpose) for purpose in (SmsPurpose.PUBLISH, SmsPurpose.REMIND, SmsPurpose.URGE)]
    other = queue(services, person="sec02", mobile="13900001111", purpose=SmsPurpose.URGE)
    services.outbox.deliver(rows[0].id)
    services.outbox.deliver(other.id)
    assert [row_of(r).status for r in rows] == ["sent", "sent", "skipped"]
    assert (row_of(rows[2]).last_error, row_of(other).status) == ("cap", "sent")
    assert sms_counts("2026-12") == {"sent": 3, "cap": 1}
    daytime.set(datetime.datetime(2026, 12, 6, 8, 0))          # the next day
    tomorrow = queue(services, purpose=SmsPurpose.SUPERVISE)
    services.outbox.deliver(tomorrow.id)
    assert row_of(tomorrow).status == "sent" and len(phone.sms()) == 4


@pytest.mark.parametrize("at", [datetime.datetime(2026, 12, 5, 22, 0), datetime.datetime(2026, 12, 6, 7, 59)])
def test_in_the_quiet_hours_an_sms_waits_till_eight(services, phone, clock, at):
    clock.set(at)
    row = queue(services)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts) == ("pending", 0)
    assert clock.local(row.next_attempt_at) == datetime.datetime(2026, 12, 6, 8, 0, tzinfo=clock.zone)
    assert services.queue.scheduled_job_registry.count == 1 and phone.sms() == []
    clock.set(datetime.datetime(2026, 12, 6, 8, 0))
    services.outbox.deliver(row.id)
    assert row_of(row).status == "sent" and len(phone.sms()) == 1


@pytest.mark.parametrize("provider", [Provider("", {"provider": ""}, "", [], [], "", "")], ids=["none"])
def test_without_a_provider_nothing_is_sent_and_nothing_breaks(services, phone):
    row = queue(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("failed", sms.NO_PROVIDER)
    assert services.outbox.sweep()["requeued"] == 0 and phone.sms() == []


def test_aliyuns_per_minute_limit_of_a_number_waits_while_its_hourly_or_daily_limit_fails():
    assert outcome("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1").outcome == Outcome.RETRY
    assert outcome("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10").outcome == Outcome.FAILED
