"""The documented multi-machine topology on one machine: two gunicorn masters sharing a port (as
two web machines behind nginx), three workers, one Redis and PostgreSQL. A publish to 2,000
secretaries, and while its cards flow 50 secretaries answer at once; every card arrives once, every
answer is stored once, both web processes answer callbacks and no job fails."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from rq import Worker
from rq.registry import FailedJobRegistry

from jobs.publish import BATCH, publish_period
from models import Entry, EntryChange, Org, OutboxMessage, Report, database
from tests.chat import show
from tests.faults.fleet import Fleet, seed_secretaries
from tests.waiting import until

SECRETARIES = 2000
ANSWERING = range(BATCH - 50, BATCH)   # the end of publish's first batch: their reports exist early
ANSWERS = 2                           # of 5 items: 100 check-in messages


def userid(n: int) -> str:
    return f"t{n:04d}"


@pytest.fixture
def fleet(config, standin, phone, db, tmp_path):
    seed_secretaries(phone, config.admins.userids, SECRETARIES, "T")
    fleet = Fleet(config, standin, tmp_path)
    yield fleet
    fleet.stop()


def published_cards(phone) -> Counter:
    return Counter(m["userid"] for m in phone.messages() if "已发布" in ((m["card"] or {}).get("title") or ""))


@pytest.mark.slow
@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.pg)], indirect=True)
def test_two_web_processes_and_three_workers_publish_to_2000_and_take_check_ins_exactly_once(fleet, phone, figures):
    first, url = fleet.web(reuse_port=True)
    second, _ = fleet.web(port=int(url.rsplit(":", 1)[1]), reuse_port=True)
    for _ in range(3):
        fleet.worker()
    until(lambda: len(Worker.all(connection=fleet.services.redis)) == 3, "three RQ workers", *fleet.running())

    def publish() -> dict:
        with database.connection_context():         # back to the pool when the thread is done
            return publish_period(fleet.services, fleet.clock.period(), force=True)

    def check_in(n: int) -> list[int]:
        return [phone.say(userid(n), "1")["status"] for _ in range(ANSWERS)]

    with ThreadPoolExecutor(max_workers=1) as publisher, ThreadPoolExecutor(max_workers=16) as phones:
        publishing = publisher.submit(publish)
        until(lambda: published_cards(phone) or publishing.done(), "the first card", *fleet.running())
        cards_when_answering = sum(published_cards(phone).values())
        statuses = [status for done in [phones.submit(check_in, n) for n in ANSWERING] for status in done.result()]
        publishing.result()
    fleet.drain()
    cards = published_cards(phone)
    seen = Counter((m.get("userid") or m.get("chatid"), show(m)) for m in phone.messages())
    figures("topology", cards=SECRETARIES, sent=sum(cards.values()), lost=SECRETARIES - len(cards),
            duplicates=sum(times - 1 for times in seen.values()), answers=len(ANSWERING) * ANSWERS,
            stored=EntryChange.select().count())

    assert cards_when_answering < SECRETARIES, "the check-ins began after the last card"
    assert statuses == [200] * len(ANSWERING) * ANSWERS
    served = [fleet.served(web, "POST /wecom/callback") for web in (first, second)]
    assert min(served) > 0, f"callbacks answered by each web process: {served}"
    jobs_done = [worker.successful_job_count for worker in Worker.all(connection=fleet.services.redis)]
    assert len(jobs_done) == 3 and min(jobs_done) > 0, f"jobs done by each worker: {jobs_done}"
    assert cards == Counter({userid(n): 1 for n in range(SECRETARIES)})
    done = Counter(org for org, in Entry.select(Org.code).join(Report).join(Org)
                   .where(Entry.status == "done").tuples())
    assert done == Counter({f"T{n:04d}": ANSWERS for n in ANSWERING})
    assert EntryChange.select().count() == len(ANSWERING) * ANSWERS      # each answer stored once
    outbox = Counter(OutboxMessage.select(OutboxMessage.channel, OutboxMessage.status).tuples())
    assert set(outbox) == {("app", "sent"), ("sms", "skipped")}, outbox      # the fleet's people have no number
    assert [shown for shown, times in seen.items() if times > 1] == [], "a phone got a message twice"
    for n in ANSWERING:
        assert any(who == userid(n) and f"第 {ANSWERS + 1}/5 项" in text for who, text in seen), \
            f"{userid(n)}'s conversation did not go on"
    assert FailedJobRegistry(queue=fleet.services.queue).count == 0
