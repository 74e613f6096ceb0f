"""Every admin command, who ran it, where and with what outcome (`flask --app app audit` prints it);
refused ones too."""
from __future__ import annotations

from peewee import CharField, DateTimeField

from models.db import BaseModel

OK, REFUSED, UNKNOWN, USAGE, FAILED = "ok", "refused", "unknown", "usage", "failed"
ASKED, CANCELLED, EXPIRED = "asked", "cancelled", "expired"        # a mass command and its 确认
GROUP_PLACE = "group:"          # the start of a group chat's place
APP_PLACE, PAGE_PLACE = "app", "h5"     # an admin's 1:1 chat with the app; 工作台's buttons


class AuditEntry(BaseModel):
    at = DateTimeField(index=True)
    userid = CharField(max_length=64, index=True)
    place = CharField(max_length=128)           # "group:<chat id>", "robot", "app" or "h5"
    command = CharField(max_length=32)          # the command's name ("" when unknown)
    text = CharField(max_length=255)            # what was typed, cut to fit
    outcome = CharField(max_length=16)          # ok | refused | unknown | usage | failed | asked | cancelled | expired

    @classmethod
    def latest(cls, count: int) -> list["AuditEntry"]:
        """The last `count` commands, the latest first."""
        return list(cls.select().order_by(cls.at.desc(), cls.id.desc()).limit(count))
