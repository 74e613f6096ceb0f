"""Admin commands in the group chat, registered on GROUP; each docstring's first line is its help."""
from __future__ import annotations

from handlers import messages
from handlers.registry import SLASHES, Registry
from handlers.replies import Text
from handlers.report_views import clip

NAME_SHOWN = 20         # an unknown command is quoted back at most this long

GROUP = Registry(messages.GROUP_HELP_HEADER, free_args=True)


@GROUP.command("帮助", aliases=("help", "?", "？"))
def help_command(args, person, ctx):
    """帮助 — 列出可用命令"""
    return [Text(GROUP.help_text(lambda command: not command.admin_only or ctx.is_admin(person)))]


def run(text: str, person, ctx) -> list:
    """Run the command a group message names; unknown names get a "did you mean"."""
    text = text.strip().lstrip(SLASHES).strip() or "帮助"
    found = GROUP.find(text)
    if found is None:
        name = text.split()[0]
        reply = messages.UNKNOWN_COMMAND.format(name=clip(name, NAME_SHOWN))
        close = GROUP.suggest(name)
        if close:
            reply += messages.DID_YOU_MEAN.format(suggestion=close.name)
        return [Text(reply)]
    command, args = found
    if command.admin_only and not ctx.is_admin(person):
        return [Text(messages.ADMIN_ONLY)]
    return command.func(args, person, ctx)
