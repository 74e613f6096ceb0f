"""What handlers return. The edge decides how each travels (passive reply or the outbox)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    content: str


@dataclass(frozen=True)
class Markdown:
    content: str


@dataclass(frozen=True)
class Button:
    text: str
    key: str
    style: int = 1              # 1 primary, 2 secondary …


@dataclass(frozen=True)
class Card:
    """A template card: text_notice when it has no buttons, button_interaction otherwise."""

    title: str
    description: str = ""
    subtitle: str = ""                           # a longer line under the title
    lines: tuple[tuple[str, str], ...] = ()     # (key, value) rows
    buttons: tuple[Button, ...] = ()
    task_id: str = ""
    url: str = ""


@dataclass(frozen=True)
class CardUpdate:
    """Grey out the buttons of a card the person clicked, showing what was chosen."""

    response_code: str
    replace_name: str
    userids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileReply:
    path: str
    kind: str = "file"          # file | image


@dataclass(frozen=True)
class Outgoing:
    """A reply to someone other than the sender, or with a fixed idempotency key."""

    to: str
    reply: object
    key: str = ""


@dataclass(frozen=True)
class Background:
    """Work too long for a callback (publishing, a chart, an Excel file): the edge queues the job
    `job` (a dotted name under jobs/) with these keyword arguments once the message is recorded, and
    says `note` (what is being made, and where it will come); when the queue cannot take work now,
    the edge says so instead, at once."""

    job: str
    kwargs: dict
    note: str = ""
