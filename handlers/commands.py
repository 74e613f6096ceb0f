"""Admin commands in the group chat, registered by decorator; each docstring is its help line."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable

from handlers import messages
from handlers.replies import Text


@dataclass(frozen=True)
class Command:
    name: str
    func: Callable
    admin_only: bool

    @property
    def help(self) -> str:
        return (self.func.__doc__ or self.name).strip().splitlines()[0]


COMMANDS: dict[str, Command] = {}


def command(name: str, admin_only: bool = True, aliases: tuple[str, ...] = ()):
    """Register `func(args, person, ctx) -> list of replies` under `name` (and aliases)."""
    def register(func):
        entry = Command(name, func, admin_only)
        for key in (name, *aliases):
            COMMANDS[key] = entry
        return func
    return register


@command("帮助", admin_only=False, aliases=("help", "?", "？"))
def help_command(args, person, ctx):
    """帮助 — 列出可用命令"""
    unique = {c.name: c for c in COMMANDS.values()}.values()
    lines = [messages.COMMANDS_HEADER] + [f"· {c.help}" for c in unique]
    return [Text("\n".join(lines))]


def run(text: str, person, ctx) -> list:
    """Run the command a group message names; unknown names get a "did you mean"."""
    name, _, args = text.strip().lstrip("/／").partition(" ")
    entry = COMMANDS.get(name or "帮助")
    if entry is None:
        reply = messages.UNKNOWN_COMMAND.format(name=name)
        close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.3)
        if close:
            reply += messages.DID_YOU_MEAN.format(suggestion=COMMANDS[close[0]].name)
        return [Text(reply)]
    if entry.admin_only and not ctx.is_admin(person):
        return [Text(messages.ADMIN_ONLY)]
    return entry.func(args.strip(), person, ctx)
