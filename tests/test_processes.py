"""The long-running pieces outlive Redis going away and coming back: the cron registers again and goes
on enqueueing, the worker (whose RQ loop ends when Redis goes away in the middle of a job) and its
scheduler (delayed retries) come back, nobody restarts anything by hand."""
import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis as redis_lib
from rq import Queue
from rq.cron import CronScheduler

from models import bind, database, migrate
from stack import redis_server
from tests.waiting import HANG, until

pytestmark = pytest.mark.slow     # starts processes

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def test_cron_and_worker_outlive_a_redis_restart(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'y.db'}"
    bind(database_url)
    with database.connection_context():
        migrate()
    redis_process, url = redis_server.start(tmp_path / "redis")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    env = {**os.environ, "YUEBAO_CONFIG": str(ROOT / "config.demo.toml"), "YUEBAO_REDIS_URL": url,
           "YUEBAO_DATABASE_URL": database_url, "YUEBAO_APP_LOG_LEVEL": "WARNING"}
    logs = [tmp_path / "cron.log", tmp_path / "worker.log"]
    pieces = []
    for args, log in zip((["cron"], ["worker", "--maintenance-seconds", "1"]), logs, strict=True):
        with open(log, "wb") as out:
            pieces.append(subprocess.Popen(FLASK + args, cwd=ROOT, env=env, start_new_session=True, stdout=out,
                                           stderr=subprocess.STDOUT))

    def said(log, words):
        return words in log.read_text(encoding="utf-8")
    client = redis_lib.Redis.from_url(url)
    try:
        until(lambda: CronScheduler.all(client), "the cron registers", *pieces, tolerate=(redis_lib.RedisError,))
        busy = Queue("yuebao", connection=client).enqueue("time.sleep", 2)
        until(lambda: busy.get_status(refresh=True) == "started", "the worker takes a job", *pieces)
        redis_process.kill()                            # mid-job: RQ's own loop ends when the job does
        redis_process.wait()
        until(lambda: said(logs[0], "cron: Redis unreachable") and said(logs[1], "worker: its loop ended"),
              "the cron and the worker meet the outage", *pieces)
        redis_process, _ = redis_server.start(tmp_path / "redis", port)
        until(lambda: CronScheduler.all(client), "the cron registers again in the new Redis", *pieces,
              tolerate=(redis_lib.RedisError,))
        assert [piece.poll() for piece in pieces] == [None, None], [log.read_text() for log in logs]
        job = Queue("yuebao", connection=client).enqueue_in(datetime.timedelta(seconds=1), "jobs.outbox.sweep")
        until(lambda: job.get_status(refresh=True) == "finished", "a delayed job runs: the worker's scheduler is back",
              *pieces)
    finally:
        for piece in pieces:
            piece.send_signal(signal.SIGTERM)
        for piece in pieces:
            piece.wait(timeout=HANG)
        redis_process.kill()
    assert [piece.returncode for piece in pieces] == [0, 0], [log.read_text() for log in logs]
