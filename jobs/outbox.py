"""Delivering the outbox."""
from __future__ import annotations

from jobs import runtime
from models import database


def deliver(row_id: int) -> None:
    with database.connection_context():
        runtime.services().outbox.deliver(row_id)


def sweep() -> dict:
    """Every minute: pick up what a dead worker or a Redis outage left behind."""
    with database.connection_context():
        return runtime.services().outbox.sweep()
