"""The long-running pieces that must outlive a Redis outage: the cron (RQ's cron scheduler, driven
here through its public methods so that a Redis error waits and retries instead of ending the
process) and the worker (RQ's loop retries only while it waits for a job; an outage that hits it
anywhere else ends the loop, so a new worker is started after a pause, until a signal asks to stop)."""
from __future__ import annotations

import logging
import signal
import threading
import time

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


class _Worker(SimpleWorker):
    """RQ's SimpleWorker that also notes a stop request in an event shared with the loop around it, so
    that the loop can tell a stop (return) from a loop ended by an outage (start a new worker)."""

    def __init__(self, *args, stop: threading.Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.stop = stop

    def request_stop(self, signum, frame):
        self.stop.set()
        super().request_stop(signum, frame)


def run_worker(redis, burst: bool, maintenance_seconds: int) -> None:
    """An RQ worker with its scheduler (delayed retries), started again when an outage ended it.
    Jobs run in the worker's own process (RQ's SimpleWorker): forking for each job cost more CPU
    than a delivery job's sends (bench/fanout.py), and its connections are kept for the next job."""
    stop = threading.Event()
    backoff = 1
    while True:
        started = time.monotonic()
        worker = None
        try:
            worker = _Worker([QUEUE_NAME], connection=redis, maintenance_interval=maintenance_seconds, stop=stop)
            # RQ logs four lines a job at INFO (and a job's description); the outbox logs one line
            # a delivered message itself, so RQ says only what went wrong.
            worker.work(with_scheduler=True, burst=burst, logging_level="WARNING")
        except RedisError as exc:
            log.warning("worker: Redis unreachable (%s)", type(exc).__name__)
            if worker is not None:
                _stop_listening(worker)
        if burst or stop.is_set():
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        if time.monotonic() - started > MAX_BACKOFF_SECONDS:
            backoff = 1
        log.warning("worker: its loop ended (Redis unreachable?); a new worker in %d s", backoff)
        if stop.wait(backoff):
            return
        backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)


def _stop_listening(worker: SimpleWorker) -> None:
    """End the thread that listens for the worker's commands (RQ ends it in its teardown, which the
    outage cut short), so that each outage does not leave one behind."""
    try:
        worker.unsubscribe()
    except RedisError:
        worker.pubsub_thread.stop()
