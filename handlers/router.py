"""Who gets what: unknown people a polite word, the group chat its commands, secretaries their report."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from handlers import checkin, commands, messages
from handlers.events import Inbound
from handlers.replies import Text
from models import Person
from models.clock import Clock
from models.directory import ROLE_ADMIN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """What handlers know besides the message and its sender: the clock and the admins."""

    clock: Clock
    admin_userids: frozenset[str] = frozenset()

    def is_admin(self, person: Person | None) -> bool:
        return person is not None and (person.userid in self.admin_userids or person.has_role(ROLE_ADMIN))


def route(inbound: Inbound, person: Person | None, ctx: Context) -> list:
    """The replies to one inbound message (run inside the caller's write transaction)."""
    if person is None:
        log.info("message from a user not in the directory: %s via %s", inbound.user, inbound.source)
        return [Text(messages.UNKNOWN_USER)]
    if inbound.source == "robot":
        return commands.run(inbound.text, person, ctx)
    return checkin.handle(inbound, person, ctx)
