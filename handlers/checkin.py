"""The monthly check-in conversation."""
from __future__ import annotations

from handlers import messages
from handlers.replies import Text


def handle(inbound, person, ctx) -> list:
    return [Text(messages.APP_HELP.format(name=person.name))]
