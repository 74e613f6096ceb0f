"""Who gets what: unknown people a polite word, the group chat its commands, secretaries their report."""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from handlers import checkin, commands, messages
from handlers.events import Inbound
from handlers.replies import Text
from models import Person
from models.checkin import sender
from models.directory import ROLE_ADMIN

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    admin_userids: frozenset[str] = frozenset()
    timezone: str = "Asia/Shanghai"

    def today(self) -> datetime.date:
        return datetime.datetime.now(ZoneInfo(self.timezone)).date()

    def is_admin(self, person: Person | None) -> bool:
        return person is not None and (person.userid in self.admin_userids or person.has_role(ROLE_ADMIN))


def prepare(inbound: Inbound, ctx: Context) -> Callable[[], list]:
    """Read what answering needs, then return the step that acts (and writes) and gives the replies.

    The caller runs the step inside its write transaction: on SQLite that holds the database's one
    write lock, so the reads are done before it. The caller also holds the person's lock, so what
    was read about them cannot change in between.
    """
    person = sender(inbound.user)
    if person is None:
        log.info("message from a user not in the directory: %s via %s", inbound.user, inbound.source)
        return lambda: [Text(messages.UNKNOWN_USER)]
    if inbound.source == "robot":
        return lambda: commands.run(inbound.text, person, ctx)
    return checkin.prepare(inbound, person, ctx)
