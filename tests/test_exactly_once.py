"""Exactly once, whatever dies: a worker killed with SIGKILL halfway through publishing to 1,000
secretaries (and sending 300 of them a rectification's 催告函), and Redis killed and started again
empty; after recovery (the sweep, a new worker) each secretary has exactly one card, each of the 300
exactly one 催告函, and on the deadline each one who has not submitted exactly one reminder —
counted on the stand-in."""
import datetime
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.services import Services
from jobs import cycle, letters, runtime
from jobs.publish import publish_period
from models import Org, OutboxMessage, Rectification, Report
from models.clock import Clock
from models.report import ReportStatus
from stack import redis_server
from tests.chat import show
from tests.conftest import TIMEZONE
from tests.faults.fleet import seed_secretaries
from tests.setups import run_worker
from tests.waiting import HANG, until

pytestmark = pytest.mark.slow     # starts processes

ROOT = Path(__file__).resolve().parent.parent
SECRETARIES = 1000
RECTIFYING = 300                # the first orgs, each with a rectification due today: a 催告函 to its secretary


@pytest.fixture
def directory(db, phone, config):
    seed_secretaries(phone, config.admins.userids, SECRETARIES, "K")


def cards(phone, words: str) -> Counter:
    return Counter(m["userid"] for m in phone.messages() if words in ((m["card"] or {}).get("title") or ""))


def sent_cards(period: str) -> int:
    return OutboxMessage.select().where(OutboxMessage.key.startswith(f"notice:{period}:"),
                                        OutboxMessage.status == "sent").count()


def urged(phone) -> Counter:
    return Counter(m["userid"] for m in phone.messages() if show(m).startswith("【整改催告函】"))


def rectifications_due(today: datetime.date) -> None:
    orgs = Org.select(Org.id).order_by(Org.code).limit(RECTIFYING)
    Rectification.insert_many([{"code": f"ZG{n:04d}", "org": org.id, "source": "自查", "problem": "台账不全",
                                "responsible": "书记", "found_on": today, "deadline": today}
                               for n, org in enumerate(orgs)]).execute()


def worker(env: dict, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", *options], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_killed_worker_and_a_restarted_redis_lose_nothing_and_send_nothing_twice(
        config, standin, phone, directory, tmp_path, figures):
    redis_process, url = redis_server.start(tmp_path / "redis")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    real_time = Clock(TIMEZONE)                 # the worker processes read the real time too
    services = Services(config.replace(redis={"url": url}), real_time)
    runtime.use(services)
    phone.set_faults(latency_ms=100)     # slow enough that the kill finds cards still to send
    env = {**os.environ, "YUEBAO_CONFIG": str(ROOT / "config.demo.toml"), "YUEBAO_DATABASE_URL": config.database.url,
           "YUEBAO_REDIS_URL": url, "YUEBAO_WECOM_API_BASE_URL": config.wecom.api_base_url,
           "YUEBAO_APP_LOG_LEVEL": "WARNING"}
    first = worker(env)
    try:
        period = real_time.period()
        today = real_time.today()
        rectifications_due(today)
        evening = datetime.datetime.combine(today, datetime.time(23, 0), tzinfo=real_time.zone)  # the 催告函 is due
        publish_period(services, period, force=True)
        assert letters.send_due(services, evening) == {"urge": RECTIFYING, "queued": RECTIFYING}
        # polled in the database: reading every message back from the stand-in can take longer than the rest
        until(lambda: sent_cards(period) >= SECRETARIES // 3, "a third of the cards", first)
        first.kill()
        redis_process.kill()
        first.wait()
        redis_process.wait()
        assert sum(cards(phone, "已发布").values()) < SECRETARIES and sum(urged(phone).values()) < RECTIFYING
        redis_process, _ = redis_server.start(tmp_path / "redis", port)      # empty: every queued job is gone
        # Three minutes pass: long enough for the sweep to take back what the dead worker was sending,
        # and to queue again what Redis forgot.
        long_ago = real_time.utcnow() - datetime.timedelta(minutes=3)
        stuck = OutboxMessage.update(claimed_at=long_ago).where(OutboxMessage.status == "sending").execute()
        OutboxMessage.update(next_attempt_at=long_ago).where(OutboxMessage.status == "pending").execute()
        unsent = OutboxMessage.select().where(OutboxMessage.status.in_(("pending", "sending"))).count()
        swept = services.outbox.sweep()
        assert swept["reclaimed"] == stuck and swept["reclaimed"] + swept["requeued"] == unsent
        subprocess.run(worker(env, "--burst").args, cwd=ROOT, env=env, timeout=HANG,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        published = cards(phone, "已发布")
        figures("kills", test_of="publish to 1,000: worker and Redis killed", cards=SECRETARIES,
                sent=sum(published.values()), duplicates=sum(published.values()) - len(published),
                lost=SECRETARIES - len(published))
        assert set(cards(phone, "已发布").values()) == {1} and len(cards(phone, "已发布")) == SECRETARIES
        assert OutboxMessage.select().where(OutboxMessage.status.not_in(("sent", "skipped"))).count() == 0
        assert urged(phone) == Counter({f"k{n:04d}": 1 for n in range(RECTIFYING)})
        assert letters.send_due(services, evening) == {}

        phone.set_faults(latency_ms=0)
        Report.update(status=ReportStatus.SUBMITTED).where(Report.org.in_(
            Org.select(Org.id).where(Org.code < "K0900"))).execute()
        for _ in range(2):                                  # the schedule, then an admin by hand
            assert cycle.run_step(services, period, "remind", ran_by="test").state == "ran"
        run_worker(services)
        assert cards(phone, "提醒") == Counter({f"k{n:04d}": 1 for n in range(900, SECRETARIES)})
    finally:
        first.kill()
        redis_process.kill()
