"""The long-running pieces outlive Redis going away and coming back: the cron registers again and goes
on enqueueing, the worker (whose RQ loop ends when Redis goes away in the middle of a job) and its
scheduler (delayed retries) come back, nobody restarts anything by hand."""
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_lib
from rq import Queue
from rq.cron import CronScheduler

from cli import processes
from models import bind, database, migrate
from stack import redis_server

pytestmark = pytest.mark.slow     # starts processes

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "app"]


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = check()
        except redis_lib.RedisError:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_cron_and_worker_outlive_a_redis_restart(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'y.db'}"
    bind(database_url)
    with database.connection_context():
        migrate()
    redis_process, url = redis_server.start(tmp_path / "redis")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    env = {**os.environ, "YUEBAO_CONFIG": str(ROOT / "config.demo.toml"), "YUEBAO_REDIS_URL": url,
           "YUEBAO_DATABASE_URL": database_url, "YUEBAO_APP_LOG_LEVEL": "WARNING"}
    pieces = [subprocess.Popen(FLASK + args, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
              for args in (["cron"], ["worker", "--maintenance-seconds", "1"])]
    client = redis_lib.Redis.from_url(url)
    try:
        wait_until(lambda: CronScheduler.all(client), 20, "the cron registers")
        busy = Queue("yuebao", connection=client).enqueue("time.sleep", 2)
        wait_until(lambda: busy.get_status(refresh=True) == "started", 20, "the worker takes a job")
        redis_process.kill()                            # mid-job: RQ's own loop ends when the job does
        redis_process.wait()
        time.sleep(processes.BEAT_SECONDS + 1)          # long enough for the cron to wake into the outage
        redis_process, _ = redis_server.start(tmp_path / "redis", port)
        wait_until(lambda: CronScheduler.all(client), 30, "the cron registers again in the new Redis")
        assert [piece.poll() for piece in pieces] == [None, None], [piece.stdout.read() for piece in pieces
                                                                   if piece.poll() is not None]
        job = Queue("yuebao", connection=client).enqueue_in(datetime.timedelta(seconds=1), "jobs.outbox.sweep")
        wait_until(lambda: job.get_status(refresh=True) == "finished", 30,
                   "a delayed job runs: the worker's scheduler is back")
    finally:
        for piece in pieces:
            piece.send_signal(signal.SIGTERM)
        outputs = [piece.communicate(timeout=20)[0] for piece in pieces]
        redis_process.kill()
    assert "cron: Redis unreachable" in outputs[0]
    assert "worker: its loop ended" in outputs[1]
    assert [piece.returncode for piece in pieces] == [0, 0], outputs
