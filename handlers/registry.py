"""Commands, registered by decorator and looked up by what a person types: one kind of registry for
the secretaries' chat and the admins' group. The first line of a command's docstring is its help."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable

SLASHES = "/／"
EVERYONE, LIAISONS, ADMINS = "everyone", "liaisons", "admins"      # who may run a command (liaisons: and admins)
DEPARTMENTS = "departments"         # admins and the departments' liaisons (not the areas')
AREAS = "areas"                     # admins and the areas' liaisons (not the departments')


@dataclass(frozen=True)
class Command:
    name: str
    func: Callable
    aliases: tuple[str, ...] = ()
    args: re.Pattern | None = None      # what may follow the name; None: words, or nothing
    who: str = EVERYONE

    @property
    def help(self) -> str:
        """The docstring's first line."""
        return self.usage.splitlines()[0]

    @property
    def usage(self) -> str:
        """The whole docstring: the help line, then how to use it, with an example."""
        return "\n".join(line.strip() for line in (self.func.__doc__ or self.name).strip().splitlines())


class Registry:
    def __init__(self, header: str, free_args: bool):
        """free_args: whether any words may follow a command that declares no `args` pattern (the
        admins' "进度 2026-11 学院"); in the chat such a text is a note, not a command."""
        self.header = header
        self.free_args = free_args
        self.by_name: dict[str, Command] = {}

    def command(self, name: str, *, aliases: tuple[str, ...] = (), args: str | None = None, who: str = EVERYONE):
        """Register the decorated function under `name` and its aliases. `args` is a pattern the
        rest of the text must match; a text with other words after the name is then no command."""
        def register(func):
            entry = Command(name, func, aliases, re.compile(args) if args else None, who)
            for key in (name, *aliases):
                self.by_name[key] = entry
            return func
        return register

    @property
    def commands(self) -> list[Command]:
        return list({c.name: c for c in self.by_name.values()}.values())

    def find(self, text: str) -> tuple[Command, str] | None:
        """(the command, its arguments) that a text names, or None. "/进度 2026-11", "改3"."""
        text = text.strip().lstrip(SLASHES).strip()
        name, rest = (text.split(None, 1) + [""])[:2] if text else ("", "")
        entry = self.by_name.get(name) or self.by_name.get(name.lower())
        if entry is None:
            entry = next((c for c in self.commands if c.args and text.startswith(c.name)), None)
            rest = text[len(entry.name):] if entry else ""
        if entry is None:
            return None
        rest = rest.strip()
        if rest and not (entry.args.fullmatch(rest) if entry.args else self.free_args):
            return None
        return entry, rest

    def suggest(self, name: str) -> Command | None:
        """The command a mistyped name most likely means."""
        close = difflib.get_close_matches(name, list(self.by_name), n=1, cutoff=0.3)
        return self.by_name[close[0]] if close else None

    def help_text(self, allowed: Callable[[Command], bool] = lambda command: True, header: str = "") -> str:
        return "\n".join([header or self.header, *(c.help for c in self.commands if allowed(c))])
