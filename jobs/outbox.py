"""Delivering the outbox."""
from __future__ import annotations

from bot import dispatch
from jobs import runtime
from models import database


def deliver(row_ids: list[int] | int) -> None:
    """Deliver these rows (a single id: a job queued before deliveries came in batches)."""
    with database.connection_context():
        runtime.services().outbox.deliver_many([row_ids] if isinstance(row_ids, int) else row_ids)


def sweep() -> dict:
    """Every minute: pick up what a dead worker or a Redis outage left behind, outgoing messages
    and callbacks handed to a worker alike."""
    services = runtime.services()
    with database.connection_context():
        return {**services.outbox.sweep(), "handed_off": dispatch.requeue_deferred(services)}
