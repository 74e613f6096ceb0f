"""SMS to 40 numbers from two worker processes while Tencent Cloud (the stand-in) refuses calls as
busy, loses answers after sending, and a worker is killed while its call is out: each number gets
its SMS at most once, those the provider did take are all there, and every row whose outcome is
unknown is recorded as such, never sent again."""
from collections import Counter

import pytest

from bot import sms
from models import OutboxMessage, database
from models.messaging import SmsPurpose, sms_counts
from tests.faults.fleet import Fleet
from tests.waiting import until

NUMBERS = [f"139{n:08d}" for n in range(40)]
LOST = 3                    # answers lost after the SMS went out


@pytest.fixture
def fleet(config, standin, phone, db, tmp_path):
    fleet = Fleet(config, standin, tmp_path)
    fleet.env.update(YUEBAO_SMS_TIMEOUT_SECONDS="2", YUEBAO_OUTBOX_MAX_ATTEMPTS="12")
    yield fleet
    fleet.stop()


def queue_all(fleet) -> list[OutboxMessage]:
    period = fleet.clock.period()
    with database.atomic():
        return [sms.enqueue(f"sms:{period}:publish:p{n}", number, SmsPurpose.PUBLISH, [period, "25日"],
                            fleet.clock.utcnow()) for n, number in enumerate(NUMBERS)]


@pytest.mark.slow
def test_busy_provider_lost_answers_and_a_killed_worker_send_no_sms_twice(fleet, phone, figures):
    phone.set_sms_faults(error_next=10, error_code="RequestLimitExceeded", drop_next=LOST, hang_seconds=30)
    workers = [fleet.worker(), fleet.worker()]
    fleet.services.outbox.kick(queue_all(fleet))
    until(lambda: _out_and_unanswered(phone), "an SMS out and its answer held back", *fleet.running())
    for worker in workers:              # killed while their call is out: the sweep cannot know it went
        fleet.kill(worker)
    for lock in fleet.services.redis.scan_iter("yuebao:outbox:recipient:*"):
        fleet.services.redis.delete(lock)   # as a minute later: the dead workers' locks have expired
    workers = [fleet.worker(), fleet.worker()]
    assert fleet.recover()["unknown_outcome"] >= 1
    fleet.drain()
    received = Counter(message["to"] for message in phone.sms())
    rows = list(OutboxMessage.select())
    unknown = [row for row in rows if (row.last_error or "").startswith(sms.UNKNOWN_OUTCOME)]
    figures("sms faults", numbers=len(NUMBERS), received=len(received),
            duplicates=sum(received.values()) - len(received), unknown=len(unknown),
            retried=sum(1 for row in rows if row.attempts > 1))
    assert max(received.values()) == 1                                  # none twice
    assert {row.status for row in rows} <= {"sent", "failed"}
    assert {f"+86{row.recipient}" for row in rows if row.status == "sent"} <= set(received)
    assert [row for row in rows if row.status == "failed"] == unknown                 # failed only as unknown
    assert len(received) >= len(NUMBERS) - len(unknown) and len(unknown) >= LOST    # the lost answers' SMS went out
    assert sms_counts(fleet.clock.period()) == {"sent": len(NUMBERS) - len(unknown), "failed": len(unknown)}
    assert sum(1 for row in rows if row.attempts > 1) > 0                # the busy answers were retried


def _out_and_unanswered(phone) -> bool:
    received = {message["to"] for message in phone.sms()}
    return any(f"+86{row.recipient}" in received
               for row in OutboxMessage.select().where(OutboxMessage.status == "sending"))
