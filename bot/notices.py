"""Telling the admins: each by an app message and, when [admin_group] webhook_key is set, the admin
group through its robot's webhook (the intelligent robot answers only when asked, it cannot push)."""
from __future__ import annotations

import datetime

from bot import outbound, render
from handlers import messages
from handlers.replies import Markdown, Text
from handlers.report_views import split_text
from models import OutboxMessage
from models.directory import admins


def admin_userids(config) -> list[str]:
    """The admins named in the configuration and the people with the admin role."""
    return [userid for userid, _ in admins(config.admins.userids)]


def admin_recipients(config) -> list[str]:
    """Who notify_admins reaches: each admin, and the admin group when it has a webhook."""
    return admin_userids(config) + ([outbound.GROUP] if config.admin_group.webhook_key else [])


def notify_admins(config, key: str, text: str, at: datetime.datetime) -> list[OutboxMessage]:
    """Queue `text` for every admin and the admin group, once per `key` (inside the caller's
    transaction), in as many messages as it takes; returns the new rows, for Outbox.kick."""
    chunks = split_text(text, render.TEXT_LIMIT_BYTES - 48)
    rows = [outbound.enqueue(f"{key}:{userid}" + (f":{i}" if i else ""), "app", userid, Text(chunk), at)
            for userid in admin_userids(config) for i, chunk in enumerate(chunks)]
    if config.admin_group.webhook_key:
        rows += [outbound.enqueue(f"{key}:group" + (f":{i}" if i else ""), "group", outbound.GROUP, Markdown(chunk), at)
                 for i, chunk in enumerate(split_text(text, render.GROUP_LIMIT_BYTES - 48))]
    return [row for row in rows if row is not None]


def unknown_recipient(config, clock, userid: str) -> list[OutboxMessage]:
    """WeCom knows no member `userid`: the admins hear of it once a month (the directory needs fixing)."""
    return notify_admins(config, f"unknown:{clock.period()}:{userid}",
                         messages.UNKNOWN_RECIPIENT.format(userid=userid), clock.utcnow())
