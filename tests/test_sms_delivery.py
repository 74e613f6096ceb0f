"""SMS through the outbox and Tencent Cloud's SDK, against the stand-in's play of its SendSms over HTTP:
sent once, retried when the provider did not take it, never sent twice when it may have, capped per
number and day, held back in the quiet hours, the number masked in every log line."""
import datetime
import logging

import pytest
import requests

from app import create_app
from bot import sms
from models import OutboxMessage, database
from models.messaging import SmsPurpose, sms_counts
from standin.client import StandinError
from tests.setups import run_worker

MOBILE = "13812341234"
SHOWN = "138****1234"
DAYTIME = datetime.datetime(2026, 12, 5, 9, 30)


@pytest.fixture
def daytime(clock):
    clock.set(DAYTIME)
    return clock


def queue(services, person="sec01", mobile=MOBILE, purpose=SmsPurpose.PUBLISH, params=("2026年12月", "12月25日")):
    with database.atomic():
        return sms.enqueue(f"sms:2026-12:{purpose}:{person}", mobile, purpose, list(params), services.clock.utcnow())


def row_of(row):
    return OutboxMessage.get_by_id(row.id)


def test_an_sms_goes_once_through_the_sdk_with_its_purposes_template(services, phone, daytime, caplog):
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
    assert f"sms:2026-12:publish:sec01 to {SHOWN} sent" in caplog.text
    assert MOBILE not in caplog.text


def test_the_standin_refuses_a_call_without_a_tc3_signature(standin):
    answer = requests.post(f"{standin.url}/", json={"PhoneNumberSet": ["+8613812341234"]},
                           headers={"X-TC-Action": "SendSms", "X-TC-Version": "2021-01-11"}, timeout=5).json()
    assert answer["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"
    assert answer["Response"]["RequestId"]


def test_the_standin_plays_sendsms_of_2021_01_11_only_and_checks_its_fault_switches(standin, phone):
    headers = {"X-TC-Action": "SendSms", "X-TC-Version": "2019-07-11", "Authorization": "TC3-HMAC-SHA256 x"}
    answer = requests.post(f"{standin.url}/", json={}, headers=headers, timeout=5).json()
    assert answer["Response"]["Error"]["Code"] == "InvalidAction"
    with pytest.raises(StandinError, match="hang_next: expected a number"):
        phone.set_sms_faults(hang_next="soon")
    with pytest.raises(StandinError, match="nosuch: unknown fault switch"):
        phone.set_sms_faults(nosuch=1)


@pytest.mark.parametrize("code, advice", [
    ("FailedOperation.TemplateIncorrectOrUnapproved", "the template is not approved or its id is wrong"),
    ("FailedOperation.SignatureIncorrectOrUnapproved", "the sign is not approved or misspelt"),
    ("InvalidParameterValue.TemplateParameterFormatError", "the parameters do not fit the template's variables"),
    ("InvalidParameterValue.IncorrectPhoneNumber", "not a valid mobile number"),
    ("FailedOperation.InsufficientBalanceInSmsPackage", "the SMS package is used up"),
    ("LimitExceeded.PhoneNumberDailyLimit", "the number had Tencent Cloud's daily limit"),
    ("FailedOperation.ContainSensitiveWord", "see Tencent Cloud SMS's error codes"),
])
def test_a_refused_number_fails_for_good_with_one_line_saying_what_to_do(services, phone, daytime, caplog,
                                                                         code, advice):
    phone.set_sms_faults(codes={"+8613812341234": code})
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, code)
    [line] = [r.getMessage() for r in caplog.records if "failed for good" in r.getMessage()]
    assert line.startswith(f"sms sms:2026-12:publish:sec01 to {SHOWN} failed for good: {code}: {advice}")
    assert MOBILE not in caplog.text
    assert phone.sms() == []
    assert sms_counts("2026-12") == {"failed": 1}


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "InternalError.Timeout"])
def test_a_call_the_provider_did_not_take_is_retried(services, phone, daytime, code):
    phone.set_sms_faults(error_next=2, error_code=code)
    row = queue(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("pending", code)
    for _ in range(2):
        services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts) == ("sent", 3)
    assert len(phone.sms()) == 1


def test_a_provider_that_cannot_be_reached_is_tried_again_then_given_up(services, daytime):
    row = queue(services)            # no stand-in: [sms] endpoint is a port nothing listens on
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ClientNetworkError")
    for _ in range(services.config.outbox.max_attempts):
        services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).attempts) == ("failed", services.config.outbox.max_attempts)


def test_a_lost_answer_is_not_sent_twice(services, phone, daytime, caplog):
    phone.set_sms_faults(drop_next=1, hang_seconds=services.config.sms.timeout_seconds + 2)
    row = queue(services)
    services.outbox.deliver(row.id)
    row = row_of(row)
    assert (row.status, row.last_error) == ("failed", "unknown outcome, not resent (ClientNetworkError)")
    services.outbox.deliver(row.id)
    assert services.outbox.sweep()["unknown_outcome"] == 0
    assert len(phone.sms()) == 1
    assert sms_counts("2026-12") == {"failed": 1}
    assert f"to {SHOWN} failed for good: unknown outcome, not resent" in caplog.text


def test_a_call_never_answered_is_not_sent_again_either(services, phone, daytime):
    phone.set_sms_faults(hang_next=1, hang_seconds=services.config.sms.timeout_seconds + 2)
    row = queue(services)
    services.outbox.deliver(row.id)
    services.outbox.deliver(row.id)
    assert row_of(row).status == "failed" and phone.sms() == []


def test_the_sweep_fails_a_killed_workers_sms_instead_of_sending_it_again(services, phone, daytime, caplog):
    row = queue(services)
    services.outbox.sms.provider.send(MOBILE, "100001", ["2026年12月", "12月25日"])   # it got out ...
    OutboxMessage.update(status="sending", attempts=1,                                # ... then the worker died
                         claimed_at=services.clock.utcnow() - datetime.timedelta(minutes=5)).execute()
    assert services.outbox.sweep() == {"reclaimed": 0, "requeued": 0, "unknown_outcome": 1}
    run_worker(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("failed", "unknown outcome, not resent (worker lost)")
    assert len(phone.sms()) == 1
    assert SHOWN in caplog.text and MOBILE not in caplog.text


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


def test_without_a_provider_nothing_is_sent_and_nothing_breaks(config, redis_client, phone, daytime):
    services = create_app(config.replace(sms={"provider": ""}), daytime).extensions["yuebao"]
    row = queue(services)
    services.outbox.deliver(row.id)
    assert (row_of(row).status, row_of(row).last_error) == ("failed", sms.NO_PROVIDER)
    assert services.outbox.sweep()["requeued"] == 0 and phone.sms() == []
