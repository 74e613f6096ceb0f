"""The WeCom directory sync as jobs: nightly (jobs/cron.py), after change_contact events, and an
admin's 同步通讯录 (preview, then apply on 确认). Each reads WeCom afresh (bot/contacts.py) and
computes the diff from the database as it is then (models/directory_sync.py).

A storm of change_contact events is one sync (bot/contacts.schedule_sync): the sync deletes the
pending key as it starts, so an event during a sync queues the next one.
"""
from __future__ import annotations

import logging

from rq import get_current_job

from bot import contacts, outbound
from handlers import messages as m
from handlers.replies import Text
from jobs import runtime
from models import confirmation, database
from models.audit import APP_PLACE
from models.directory_sync import apply as apply_diff, compute, describe

log = logging.getLogger(__name__)

COMMAND = "同步通讯录"


def _send(services, to: str, text: str) -> None:
    """One message to the asker, once whatever the job's retries (keyed by the job id)."""
    job = get_current_job()
    key = f"result:{job.id if job else 'directory'}:1"
    with database.atomic():
        row = outbound.enqueue(key, "app", to, Text(text), services.clock.utcnow())
    services.outbox.kick([row] if row is not None else [])


def run(services, dry_run: bool = False):
    """Read WeCom, log the diff line by line, apply it unless `dry_run`; the diff."""
    diff = compute(contacts.read_directory(services))
    for line in describe(diff):
        log.info("directory sync: %s", line)
    if not dry_run and not diff.empty:
        apply_diff(diff)
    return diff


def sync() -> dict:
    """The nightly and the event-driven sync: applies what WeCom says (no one to ask)."""
    services = runtime.services()
    services.redis.delete(contacts.PENDING_KEY)
    with database.connection_context():
        try:
            return run(services).counts
        except contacts.DirectoryRefused:
            return {}


def preview(to: str) -> dict:
    """同步通讯录: say what a sync would change and hold the command for the asker's 确认 in their
    1:1 chat with the app, where this answer arrives."""
    services = runtime.services()
    with database.connection_context():
        try:
            diff = run(services, dry_run=True)
        except contacts.DirectoryRefused:
            _send(services, to, m.DIRECTORY_REFUSED)
            return {}
        if diff.empty:
            _send(services, to, m.DIRECTORY_NOTHING)
            return diff.counts
        confirmation.hold(to, APP_PLACE, COMMAND, services.clock.utcnow())
        minutes = int(confirmation.WINDOW.total_seconds() // 60)
        plan = m.DIRECTORY_PLAN.format(**diff.counts)
        _send(services, to, plan + "\n" + m.DIRECTORY_CONFIRM_HERE.format(minutes=minutes))
        return diff.counts


def apply(to: str) -> dict:
    """同步通讯录 confirmed: sync, and tell the asker what changed."""
    services = runtime.services()
    with database.connection_context():
        try:
            diff = run(services)
        except contacts.DirectoryRefused:
            _send(services, to, m.DIRECTORY_REFUSED)
            return {}
        _send(services, to, m.DIRECTORY_DONE.format(**diff.counts))
        return diff.counts
