"""A mass admin command waiting for its 确认: one per person and place (the group, the robot's or the
app's 1:1 chat), kept in the database so that the 确认 may reach another process, and valid until
`expires_at` by the services' clock."""
from __future__ import annotations

import datetime

from peewee import CharField, DateTimeField, TextField

from models.db import BaseModel, database

WINDOW = datetime.timedelta(minutes=2)


class PendingCommand(BaseModel):
    userid = CharField(max_length=64)
    place = CharField(max_length=128)
    text = TextField()                          # the command as typed, run again on 确认
    expires_at = DateTimeField()

    class Meta:
        indexes = ((("userid", "place"), True),)


def hold(userid: str, place: str, text: str, now: datetime.datetime) -> None:
    """Keep `text` until its 确认 (a second command asked for replaces the first)."""
    with database.atomic():
        PendingCommand.delete().where(PendingCommand.userid == userid, PendingCommand.place == place).execute()
        PendingCommand.create(userid=userid, place=place, text=text, expires_at=now + WINDOW)


def take(userid: str, place: str) -> PendingCommand | None:
    """The command waiting for this person here, removed (a 确认 or anything else ends the wait)."""
    row = PendingCommand.get_or_none(PendingCommand.userid == userid, PendingCommand.place == place)
    if row is not None:
        row.delete_instance()
    return row


def waiting(userid: str, place: str) -> bool:
    return PendingCommand.select().where(PendingCommand.userid == userid, PendingCommand.place == place).exists()
