"""200 check-ins from 50 secretaries at once while the web process, a worker and Redis are each
killed with SIGKILL and started again: every answer is stored exactly once, every conversation
goes on where it was, and no message reaches a phone twice (counted on the stand-in)."""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from jobs.publish import publish_period
from models import Entry, EntryChange, OutboxMessage, Report
from tests.chat import show
from tests.faults.fleet import Fleet, seed_secretaries

SECRETARIES = 50
ANSWERS = 4                 # of 5 items: 200 check-in messages


@pytest.fixture
def fleet(config, standin, phone, db, tmp_path):
    seed_secretaries(phone, config.admins.userids, SECRETARIES, "K")
    standin.state.config = standin.state.config.replace(standin={"callback_retry_delay_seconds": 3})
    fleet = Fleet(config, standin, tmp_path)
    yield fleet
    fleet.stop()


@pytest.mark.slow
def test_kills_during_200_check_ins_lose_nothing_and_send_nothing_twice(fleet, phone, figures):
    web, url = fleet.web()
    port = int(url.rsplit(":", 1)[1])
    workers = [fleet.worker(), fleet.worker()]
    publish_period(fleet.services, fleet.clock.period(), force=True)
    fleet.drain()
    answered = Counter()
    progress = threading.Condition()

    def check_in(userid: str) -> list[int]:
        statuses = []
        for _ in range(ANSWERS):
            statuses.append(phone.say(userid, "1")["status"])
            with progress:
                answered["messages"] += 1
                progress.notify_all()
        return statuses

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = [pool.submit(check_in, f"k{n:04d}") for n in range(SECRETARIES)]
        with progress:
            progress.wait_for(lambda: answered["messages"] >= 40, timeout=120)
        fleet.kill(web)
        web, _ = fleet.web(port=port)
        with progress:
            progress.wait_for(lambda: answered["messages"] >= 90, timeout=120)
        fleet.kill(workers.pop(0))
        workers.append(fleet.worker())
        with progress:
            progress.wait_for(lambda: answered["messages"] >= 140, timeout=120)
        fleet.restart_redis()
        workers = [fleet.worker(), fleet.worker()]
        statuses = [status for done in results for status in done.result()]

    fleet.recover()
    fleet.drain()
    done = Counter(Report.get_by_id(report).org.code for report, in
                   Entry.select(Entry.report).where(Entry.status == "done").tuples())
    stats = phone.stats()
    delivered = [(m["userid"], show(m)) for m in phone.messages() if m.get("userid")]
    figures("kills", callbacks=stats["callbacks"], retried=stats["callback_attempts"] - stats["callbacks"],
            answers=SECRETARIES * ANSWERS, stored=EntryChange.select().count(),
            lost=SECRETARIES * ANSWERS - sum(done.values()), sent=len(delivered),
            duplicates=len(delivered) - len(set(delivered)))
    assert statuses == [200] * SECRETARIES * ANSWERS          # every callback answered within WeCom's retries
    assert OutboxMessage.select().where(OutboxMessage.status.not_in(("sent", "skipped"))).count() == 0
    assert done == Counter({f"K{n:04d}": ANSWERS for n in range(SECRETARIES)})
    assert EntryChange.select().count() == SECRETARIES * ANSWERS    # each answer stored once
    for n in range(SECRETARIES):
        seen = Counter(show(m) for m in phone.messages(userid=f"k{n:04d}"))
        assert max(seen.values()) == 1, f"k{n:04d} got a message twice: {seen.most_common(1)}"
        assert any(f"第 {ANSWERS + 1}/5 项" in text for text in seen), "the conversation did not go on"
