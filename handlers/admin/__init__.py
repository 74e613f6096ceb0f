"""Admin commands: in the admin group (@ the robot), in the robot's 1:1 chat, and in an admin's 1:1
chat with the app. Each is registered on GROUP; its docstring is its help: a line, then how to use
it with an example. `run` decides who may (admins; department and area liaisons for a few, within
their own department or area) and where (1:1 chats, and of the group chats only the admin group),
audits every command, refused ones too, and answers a wrong argument with the usage.

A command that messages more than one organisation, publishes or withdraws first says what it will
do (Call.ask) and runs only on the same person's 确认 in the same place within WINDOW by the
services' clock (models.confirmation keeps it in the database). Anything else the person sends there
cancels it, says so, and is then handled as usual.

A long answer is never cut: in the group the first part is shown and the whole goes to the asker's
1:1 chat in as many messages as it takes. Work that takes longer than a callback (publishing, a
chart, an Excel file) is a Background reply: the edge queues the job, which sends its result to the
asker's 1:1 chat.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from handlers import messages as m
from handlers.errors import Refusal, UserError
from handlers.registry import AREAS, DEPARTMENTS, EVERYONE, LIAISONS, SLASHES, Registry
from handlers.replies import Background, Outgoing, Text
from handlers.report_views import CHAT_BYTES, clip, quoted, split_text
from models import AuditEntry, Person, confirmation
from models.audit import APP_PLACE, ASKED, CANCELLED, EXPIRED, GROUP_PLACE, OK, PAGE_PLACE, REFUSED, UNKNOWN, USAGE
from models.directory import ROLE_LIAISON, admins
from models.periods import check

GROUP = Registry(m.GROUP_HELP_HEADER, free_args=True)
NAME_SHOWN = 20                 # an unknown command is quoted back at most this long
GROUP_BYTES = 4000              # what a group answer shows before the rest goes to the 1:1 chat
MONTH = re.compile(r"^\d{4}-\d{1,2}$")
YEAR = re.compile(r"^\d{4}$")
CONFIRM_WORDS = ("确认", "confirm")


@dataclass
class Call:
    """One command as typed: its arguments, who asked, and where."""

    args: str
    person: Person
    ctx: object
    place: str                  # "group:<chat id>", "robot" (the robot's 1:1 chat), "app", or "h5" (工作台)
    text: str = ""              # the command as typed, without the slash
    confirmed: bool = False     # run on the person's 确认
    asked: bool = False         # set by `ask`: the command waits for its 确认

    @property
    def in_group(self) -> bool:
        return self.place.startswith(GROUP_PLACE)

    @property
    def words(self) -> list[str]:
        return self.args.split()

    @property
    def is_admin(self) -> bool:
        return self.ctx.is_admin(self.person)

    def period(self, word: str | None) -> str:
        """A month like 2026-12 (default: this month)."""
        if not word:
            return self.ctx.clock.period()
        if not MONTH.match(word):
            raise UserError(m.BAD_MONTH.format(word=quoted(word, NAME_SHOWN)))
        year, number = word.split("-")
        try:
            return check(f"{year}-{int(number):02d}")
        except ValueError:
            raise UserError(m.BAD_MONTH.format(word=quoted(word, NAME_SHOWN))) from None

    def answer(self, text: str, page: str = "") -> list:
        """A text answer, whole: in the group its first part, and all of it in the 1:1 chat. `page`
        (a path under /h5/, e.g. "desk/2026-12") adds a last line that opens it, in the chat's syntax."""
        url = self.ctx.page(page) if page and self.place != PAGE_PLACE else ""
        if url:
            text += f'\n<a href="{url}">{m.PAGE_LINK}</a>' if self.place == APP_PLACE else f"\n[{m.PAGE_LINK}]({url})"
        if len(text.encode("utf-8")) <= (GROUP_BYTES if self.in_group else CHAT_BYTES):
            return [Text(text)]
        chunks = split_text(text, CHAT_BYTES)
        if not self.in_group:
            return [Text(chunk) for chunk in chunks]
        private = [Outgoing(to=self.person.userid, reply=Text(chunk)) for chunk in chunks]
        return [Text(split_text(text, GROUP_BYTES)[0] + "\n" + m.REST_IN_CHAT)] + private

    def ask(self, summary: str) -> list:
        """Hold the command until the person's 确认 here; say exactly what it will do."""
        confirmation.hold(self.person.userid, self.place, self.text, self.ctx.clock.utcnow())
        self.asked = True
        minutes = int(confirmation.WINDOW.total_seconds() // 60)
        return [Text(summary + "\n" + m.CONFIRM_ASK.format(minutes=minutes))]

    def background(self, job: str, note: str, **kwargs) -> list:
        """Queue `job` with the asker as `to`; say so, and that the result comes to their 1:1 chat
        with the app (wherever they asked)."""
        return [Background(job, {**kwargs, "to": self.person.userid}, note + m.RESULT_IN_CHAT)]


def allowed(who: str, person: Person, ctx) -> bool:
    if who == EVERYONE or ctx.is_admin(person):
        return True
    if who == DEPARTMENTS:      # a department's liaison, not an area's
        return person.has_role(ROLE_LIAISON) and person.department_id is not None
    if who == AREAS:            # an area's liaison, not a department's
        return person.has_role(ROLE_LIAISON) and bool(person.area)
    return who == LIAISONS and person.has_role(ROLE_LIAISON)


def here(place: str, ctx) -> bool:
    """Whether commands act where they were typed: in 1:1 chats, and of the group chats only in the
    admin group ([admin_group] chat_id), so that what the answers show stays among the office."""
    return not place.startswith(GROUP_PLACE) or (bool(ctx.admin_chat_id) and place == GROUP_PLACE + ctx.admin_chat_id)


def not_here(place: str, person: Person, ctx) -> str:
    """The refusal in another group; an admin setting the robot up is told the group's chatid."""
    if not ctx.admin_chat_id and ctx.is_admin(person):
        return m.NO_ADMIN_GROUP_YET.format(chat_id=place.removeprefix(GROUP_PLACE))
    return m.NOT_ADMIN_GROUP


def refusal(name: str, ctx, who: str = "") -> str:
    people = "、".join(f"{name_}（{userid}）" for userid, name_ in admins(sorted(ctx.admin_userids)))
    told = {DEPARTMENTS: m.NOT_ALLOWED_DEPARTMENTS, AREAS: m.NOT_ALLOWED_AREAS}.get(who, m.NOT_ALLOWED)
    return told.format(command=name, admins=people or m.NO_ADMINS)


def run(text: str, person: Person, ctx, place: str) -> list:
    """Run the command a message names, and audit it; a 确认 runs the command waiting for it, and
    anything else cancels that command first."""
    text = text.strip().lstrip(SLASHES).strip() or "帮助"
    if text in CONFIRM_WORDS:
        return _confirm(text, person, ctx, place)
    return told_first(drop_pending(person, ctx, place), _run(text, person, ctx, place))


def confirming(text: str, person: Person, place: str) -> bool:
    """Whether a text is the 确认 of a command waiting for this person here (the app's chat asks
    before it hands a text to the report's conversation or to a department's answer)."""
    return text.strip().lstrip(SLASHES).strip() in CONFIRM_WORDS and confirmation.waiting(person.userid, place)


def drop_pending(person: Person, ctx, place: str) -> str:
    """Cancel the command waiting for this person here, if any: the line that says so, or ""."""
    pending = confirmation.take(person.userid, place)
    if pending is None:
        return ""
    _audit(person.userid, place, _name(pending.text), pending.text, CANCELLED, ctx)
    return m.CONFIRM_CANCELLED.format(command=clip(pending.text, NAME_SHOWN))


def told_first(line: str, replies: list) -> list:
    """`line` above the first reply (a 1:1 chat's answer shows only the first in place)."""
    if not line:
        return replies
    if replies and isinstance(replies[0], Text):
        return [Text(line + "\n" + replies[0].content), *replies[1:]]
    return [Text(line), *replies]


def _confirm(text: str, person: Person, ctx, place: str) -> list:
    pending = confirmation.take(person.userid, place)
    if pending is None:
        _audit(person.userid, place, "", text, USAGE, ctx)
        return [Text(m.CONFIRM_NOTHING)]
    if ctx.clock.utcnow() > pending.expires_at:
        _audit(person.userid, place, _name(pending.text), pending.text, EXPIRED, ctx)
        return [Text(m.CONFIRM_EXPIRED.format(command=clip(pending.text, NAME_SHOWN)))]
    return _run(pending.text, person, ctx, place, confirmed=True)


def _name(text: str) -> str:
    found = GROUP.find(text)
    return found[0].name if found else ""


def _run(text: str, person: Person, ctx, place: str, confirmed: bool = False) -> list:
    found = GROUP.find(text)
    name = found[0].name if found else ""
    if found is None:
        typed = quoted(text.split()[0], NAME_SHOWN)
        close = GROUP.suggest(text.split()[0])
        replies = [Text(m.UNKNOWN_COMMAND.format(name=typed)
                        + (m.DID_YOU_MEAN.format(suggestion=close.name) if close else "") + m.SEE_HELP)]
        outcome = UNKNOWN
    elif not allowed(found[0].who, person, ctx):
        replies, outcome = [Text(refusal(name, ctx, found[0].who))], REFUSED
    elif not here(place, ctx):
        replies, outcome = [Text(not_here(place, person, ctx))], REFUSED
    else:
        replies, outcome = _call(found, Call(found[1], person, ctx, place, text, confirmed))
    _audit(person.userid, place, name, text, outcome, ctx)
    return replies


def _call(found, call: Call) -> tuple[list, str]:
    """The command's replies and how it went: done, waiting for 确认, refused, or wrongly used."""
    command = found[0]
    try:
        replies = command.func(call)
    except Refusal as exc:
        return [Text(str(exc))], REFUSED
    except UserError as exc:
        usage = "\n".join(command.usage.splitlines()[1:])
        return [Text(f"{exc}\n{usage}".strip())], USAGE
    return replies, ASKED if call.asked else OK


def refuse_stranger(userid: str, text: str, ctx, place: str) -> None:
    """Audit a command typed by someone not in the directory, to the robot or in the app's chat (they
    are told they are not in the directory)."""
    text = text.strip().lstrip(SLASHES).strip() or "帮助"
    found = GROUP.find(text)
    _audit(userid, place, found[0].name if found else "", text, REFUSED, ctx)


def _audit(userid: str, place: str, name: str, text: str, outcome: str, ctx) -> None:
    AuditEntry.create(at=ctx.clock.utcnow(), userid=userid[:64], place=place[:128], command=name,
                      text=clip(text, 200), outcome=outcome)


@GROUP.command("帮助", aliases=("help", "?", "？"))
def help_command(call: Call):
    """帮助 [命令] — 命令列表，或一个命令的用法
    例：帮助 进度"""
    if call.args:
        found = GROUP.find(call.words[0])
        if found is None:
            raise UserError(m.UNKNOWN_COMMAND.format(name=quoted(call.words[0], NAME_SHOWN)))
        return [Text(found[0].usage)]
    header = m.GROUP_HELP_HEADER if call.in_group else m.CHAT_COMMANDS_HEADER      # true for where it is read
    visible = GROUP.help_text(lambda command: allowed(command.who, call.person, call.ctx), header)
    return [Text(visible + "\n" + m.HELP_MORE)]


from handlers.admin import (  # noqa: E402,F401,E501  (they register their commands)
    comments,
    directory,
    month,
    orgs,
    own_items,
    rankings,
    rectifications,
    reports,
    reviews,
    scores,
    shares,
    tasks,
)
