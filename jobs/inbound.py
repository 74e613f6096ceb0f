"""Callbacks handled later, when the person's previous message was still being handled."""
from __future__ import annotations

from bot import dispatch
from handlers.events import Inbound
from jobs import runtime
from models import database


def process(inbound: dict) -> None:
    with database.connection_context():
        dispatch.handle(runtime.services(), Inbound(**inbound), passive=False, lock_wait=60)
