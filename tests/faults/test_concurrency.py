"""Web processes and workers writing the same database at once (issue 12, point 2): 8 secretaries
answer 26 items each as fast as the app replies, two gunicorn workers take the callbacks, two RQ
workers deliver the next-item cards. No delivery job fails, no message is sent twice or resent,
every answer is stored once — on SQLite as on PostgreSQL."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from rq.registry import FailedJobRegistry

from jobs.publish import publish_period
from models import Entry, EntryChange, OutboxMessage
from tests.chat import show
from tests.faults.fleet import Fleet, seed_secretaries

SECRETARIES, ITEMS = 8, 26


@pytest.fixture
def fleet(config, standin, phone, db, tmp_path):
    seed_secretaries(phone, config.admins.userids, SECRETARIES, "C", items=ITEMS)
    fleet = Fleet(config, standin, tmp_path)
    yield fleet
    fleet.stop()


@pytest.mark.slow
def test_writers_in_several_processes_neither_fail_nor_resend(fleet, phone, figures):
    fleet.web()
    fleet.worker()
    fleet.worker()
    publish_period(fleet.services, fleet.clock.period(), force=True)

    def answer_all(userid: str) -> list[int]:
        return [phone.say(userid, "1")["status"] for _ in range(ITEMS)]

    with ThreadPoolExecutor(max_workers=SECRETARIES) as pool:
        statuses = [status for done in pool.map(answer_all, [f"c{n:04d}" for n in range(SECRETARIES)])
                    for status in done]
    fleet.drain()
    failed = FailedJobRegistry(queue=fleet.services.queue).count
    figures("concurrency", answers=SECRETARIES * ITEMS, stored=EntryChange.select().count(), failed_jobs=failed,
            resent=OutboxMessage.select().where(OutboxMessage.attempts > 1).count())
    assert statuses == [200] * SECRETARIES * ITEMS
    assert failed == 0
    sent = OutboxMessage.select().where(OutboxMessage.status != "skipped")     # skipped: SMS to people without a number
    assert {(row.status, row.attempts) for row in sent} == {("sent", 1)}   # none resent
    assert Entry.select().where(Entry.status == "done").count() == SECRETARIES * ITEMS
    assert EntryChange.select().count() == SECRETARIES * ITEMS
    for n in range(SECRETARIES):
        shown = Counter(show(m) for m in phone.messages(userid=f"c{n:04d}"))
        assert max(shown.values()) == 1, shown.most_common(1)
