"""Who gets what: unknown people a polite word, the group chat its commands, secretaries their report."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from handlers import admin, checkin, desk, messages
from handlers.events import TEXT, Inbound
from handlers.registry import SLASHES
from handlers.replies import Text
from models import Person
from models.audit import APP_PLACE
from models.clock import Clock
from models.directory import ROLE_ADMIN, ROLE_DEPUTY, ROLE_LIAISON, ROLE_SECRETARY, configured_admin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Context:
    """What handlers know besides the message and its sender: the clock, the admins and their group,
    where the pages are (settings.PagesSection.base), whether the ranking is published and whether
    SMS go out ([sms] provider set)."""

    clock: Clock
    admin_userids: frozenset[str] = frozenset()
    admin_chat_id: str = ""
    pages: str = ""
    publish_ranking: bool = False       # settings.ScoresSection: secretaries may read 排名
    sms: bool = False

    def is_admin(self, person: Person | None) -> bool:
        return person is not None and (person.userid in self.admin_userids or person.has_role(ROLE_ADMIN))

    def page(self, path: str) -> str:
        """The address of a page under /h5/ (e.g. "report/2026-12") for a message's 在网页中查看; "" without pages."""
        return self.pages + path if self.pages else ""


def route(inbound: Inbound, person: Person | None, ctx: Context) -> list:
    """The replies to one inbound message (run inside the caller's write transaction).

    The group robot carries admin commands. In the app's 1:1 chat, secretaries and deputies fill in
    their report (a text starting with / is an admin command if they are admins too, or if it names
    an admin command that is not one of the report's: refused and audited; so is a 确认 of a command
    waiting for them, and any other text cancels that command); admins and liaisons who fill in
    nothing have their desk: commands, and the department's feedback. A stranger's admin command
    is audited as refused, in either chat.
    """
    if person is None:
        person = configured_admin(inbound.user, ctx.admin_userids)
    place = f"group:{inbound.chat_id}" if inbound.chat_type == "group" else "robot"
    if person is None:
        log.info("message from a user not in the directory: %s via %s", inbound.user, inbound.source)
        if inbound.source == "robot":
            admin.refuse_stranger(inbound.user, inbound.text, ctx, place)
        elif inbound.kind == TEXT and admin.GROUP.find(inbound.text):      # an admin command in the app's chat
            admin.refuse_stranger(inbound.user, inbound.text, ctx, APP_PLACE)
        return [Text(messages.UNKNOWN_USER)]
    if inbound.source == "robot":
        return admin.run(inbound.text, person, ctx, place)
    fills_in = (person.has_role(ROLE_SECRETARY) or person.has_role(ROLE_DEPUTY)) and person.org_id is not None
    has_desk = ctx.is_admin(person) or person.has_role(ROLE_LIAISON)
    if has_desk and not fills_in:
        return desk.handle(inbound, person, ctx)
    if inbound.kind == TEXT and (admin.confirming(inbound.text, person, APP_PLACE) or (
            inbound.text.strip()[:1] in SLASHES
            and (has_desk or (admin.GROUP.find(inbound.text) and not checkin.CHAT.find(inbound.text))))):
        return admin.run(inbound.text, person, ctx, APP_PLACE)
    cancelled = admin.drop_pending(person, ctx, APP_PLACE) if inbound.kind == TEXT else ""
    return admin.told_first(cancelled, checkin.handle(inbound, person, ctx))
