"""The long-running pieces that must outlive a Redis outage: the cron (RQ's cron scheduler, driven
here through its public methods so that a Redis error waits and retries instead of ending the
process) and the worker (RQ's own loop already retries; its scheduler child, which dies with the
connection, is started again at every maintenance round)."""
from __future__ import annotations

import logging
import signal
import threading

from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.cron import CronScheduler

from bot.services import QUEUE_NAME

log = logging.getLogger(__name__)
BEAT_SECONDS = 5            # the cron wakes at least this often: to send its heartbeat, and to notice an outage
MAX_BACKOFF_SECONDS = 30


class AlreadyRunning(Exception):
    """Another cron scheduler is alive (two would enqueue every job twice)."""


def run_cron(redis, config_module: str = "jobs.cron") -> None:
    """Enqueue the cron table's jobs until SIGTERM or Ctrl-C; wait out Redis outages."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler = None
    backoff = 1
    while not stop.is_set():
        try:
            if scheduler is None:
                scheduler = _start_cron(redis, config_module)
            if scheduler.enqueue_jobs():
                scheduler.save()
            scheduler.heartbeat()
            backoff = 1
            stop.wait(min(scheduler.calculate_sleep_interval(), BEAT_SECONDS))
        except RedisError as exc:
            log.warning("cron: Redis unreachable (%s); trying again in %d s", type(exc).__name__, backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
    if scheduler is not None:
        try:
            scheduler.register_death()
        except RedisError:
            log.warning("cron: could not unregister (Redis unreachable); the registration expires by itself")
    log.info("cron stopped")


def _start_cron(redis, config_module: str) -> CronScheduler:
    alive = CronScheduler.all(redis)
    if alive:
        raise AlreadyRunning(alive[0].name)
    scheduler = CronScheduler(connection=redis)
    scheduler.load_config_from_file(config_module)
    scheduler.register_birth()
    log.info("cron %s started", scheduler.name)
    return scheduler


def run_worker(redis, burst: bool, maintenance_seconds: int) -> None:
    """An RQ worker with its scheduler (delayed retries), restarted every maintenance round if it died.
    Jobs run in the worker's own process (RQ's SimpleWorker): forking for each job cost more CPU
    than a delivery job's sends (bench/fanout.py), and its connections are kept for the next job."""
    SimpleWorker([QUEUE_NAME], connection=redis, maintenance_interval=maintenance_seconds).work(
        with_scheduler=True, burst=burst)
