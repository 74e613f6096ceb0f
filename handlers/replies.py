"""What handlers return. The edge decides how each travels (passive reply or the outbox)."""
from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class Result:
    """A handler's answer: replies to the sender, plus anything addressed elsewhere."""

    replies: list = field(default_factory=list)
    outgoing: list[Outgoing] = field(default_factory=list)
