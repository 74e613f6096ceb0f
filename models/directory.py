"""Who is who: organisations, people, departments; and the lists: baseline actions, monthly tasks, periods."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from models.db import BaseModel
from models.fields import ListField
from models.messaging import SmsSkip

ROLE_SECRETARY = "secretary"
ROLE_DEPUTY = "deputy"
ROLE_ADMIN = "admin"
ROLE_LIAISON = "liaison"        # a department's liaison (联络人) or an area's liaison (片区联络员)

FREQUENCIES = {"每月": "monthly", "每季度": "quarterly", "每半年": "half_yearly", "每年": "yearly"}

CATEGORIES = (
    "落实主体责任", "加强理论学习", "思想政治建设", "基层组织建设", "党员发展与教育",
    "党建带群团建设", "保障体系建设", "安全工作", "离退休工作",
)


class Department(BaseModel):
    """A department of the party committee (党群机关部门) that raises tasks and answers suggestions."""

    name = CharField(max_length=64, unique=True)


class Org(BaseModel):
    """A second-level organisation (二级党组织)."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=128)
    type = CharField(max_length=32)                  # 学院 / 直属系 / 附属医院 / 机关部门 …
    size_class = CharField(max_length=16, default="党委")   # 党委 / 党总支 / 党支部
    tags = ListField(default=list)                   # e.g. 新建院系, 无毕业年级
    area = CharField(max_length=64, default="")      # 片区
    active = BooleanField(default=True)
    wecom_department = IntegerField(null=True)       # its WeCom department id (企业微信部门ID): synced people


class Person(BaseModel):
    """Someone the bot knows by WeCom userid."""

    userid = CharField(max_length=64, unique=True)
    name = CharField(max_length=64)
    roles = ListField(default=list)
    org = ForeignKeyField(Org, null=True, backref="people", on_delete="SET NULL")
    department = ForeignKeyField(Department, null=True, backref="liaisons", on_delete="SET NULL")
    area = CharField(max_length=64, default="")      # the area (片区) an area liaison watches
    active = BooleanField(default=True)              # False: left WeCom (directory sync); kept for history
    in_wecom = BooleanField(default=False)           # seen in WeCom's directory by a sync: may be seen to leave
    mobile = CharField(max_length=16, null=True)     # normalise_mobile's form; shown masked (mask_mobile)
    sms = BooleanField(default=True)                 # False: opted out of SMS (短信 = 否, 不要短信)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def sms_skip(self) -> SmsSkip | None:
        """Why an SMS due to this person is not sent (opted out, no number), or None: it is."""
        if not self.sms:
            return SmsSkip.OPTED_OUT
        return None if self.mobile else SmsSkip.NO_MOBILE


def once_each(people: Iterable[Person]) -> list[Person]:
    """Each person once (a deputy of two orgs is messaged once), in the order given."""
    return list({person.userid: person for person in people}.values())


def sms_reach(people: Iterable[Person]) -> Counter:
    """How many of these people (each once) an SMS reaches (key None) and does not, by SmsSkip."""
    return Counter(person.sms_skip for person in once_each(people))


MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
OTHER_MOBILE = re.compile(r"\+[1-9]\d{6,14}")
MOBILE_NOISE = re.compile(r"[\s\-()（）]")


def normalise_mobile(text: str) -> str:
    """A mobile number as stored: a mainland one as its 11 digits (13812341234; +86, 0086, spaces and
    dashes dropped), any other as + and its digits (+85291234567). ValueError if it is neither."""
    number = MOBILE_NOISE.sub("", text)
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix):]
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    if number.startswith("00"):
        number = "+" + number[2:]
    if MAINLAND_MOBILE.fullmatch(number) or OTHER_MOBILE.fullmatch(number):
        return number
    raise ValueError(text)


class Action(BaseModel):
    """A baseline action from the responsibility list (责任清单)."""

    code = CharField(max_length=32, unique=True)
    category = CharField(max_length=32)
    title = CharField(max_length=128)
    requirement = TextField(default="")
    frequency = CharField(max_length=16)             # monthly | quarterly | half_yearly | yearly
    target = IntegerField(null=True)                 # per window, e.g. 2 (次) or 56 (学时)
    unit = CharField(max_length=16, default="")
    applies_to = ListField(default=list)             # org types, size classes or tags; empty = all
    excludes = ListField(default=list)               # org types, size classes or tags it never applies to
    active = BooleanField(default=True)
    org = ForeignKeyField(Org, null=True, backref="own_actions", on_delete="CASCADE")   # 个性指标: this org's only

    @property
    def own(self) -> bool:
        """An organisation's own item (个性), approved from its proposal (models.own_items); else 共性."""
        return self.org_id is not None


class TaskStatus(StrEnum):
    """Whether a task goes out with its month: an admin's own at once, a department's once reviewed."""

    PENDING = "pending"         # raised by a department liaison, waiting for an admin (待审核)
    APPROVED = "approved"       # published with its month
    REJECTED = "rejected"       # returned with a reason (退回); kept, never published


class Task(BaseModel):
    """A monthly task raised by a department (月度工作任务)."""

    period = CharField(max_length=7, index=True)     # "2026-11"
    code = CharField(max_length=32)
    title = CharField(max_length=128)
    details = TextField(default="")
    department = ForeignKeyField(Department, null=True, backref="tasks", on_delete="SET NULL")
    due_date = DateField(null=True)
    applies_to = ListField(default=list)
    excludes = ListField(default=list)
    status = CharField(max_length=16, default=TaskStatus.APPROVED)     # a TaskStatus
    raised_by = CharField(max_length=64, default="")    # the liaison's userid, told of the review; "" for admins
    review_note = CharField(max_length=255, default="")     # why it was returned

    class Meta:
        indexes = ((("period", "code"), True),)


TASK_CODE = re.compile(r"T(\d+)")


def next_task_code(period: str) -> str:
    """The code of a task added to the month: T01, T02 … (two digits, as the demo and the imports
    write them; T100 after T99), after the highest T-number stored, whether it reads T1 or T01."""
    numbers = [int(found.group(1)) for (code,) in Task.select(Task.code).where(Task.period == period).tuples()
               if (found := TASK_CODE.fullmatch(code))]
    return f"T{max(numbers, default=0) + 1:02d}"


def task_by_code(period: str, code: str) -> Task | None:
    """The month's task of `code`, as typed: T2, t2 and T02 name the same task."""
    code = code.strip().upper()
    found = TASK_CODE.fullmatch(code)
    if found is None:
        return Task.get_or_none(Task.period == period, Task.code == code)
    return next((task for task in Task.select().where(Task.period == period, Task.code.startswith("T"))
                 if (own := TASK_CODE.fullmatch(task.code)) and int(own.group(1)) == int(found.group(1))), None)


class PeriodStatus(StrEnum):
    DRAFT = "draft"             # its tasks are being gathered
    PUBLISHED = "published"     # the reports are out: people fill them in
    CLOSED = "closed"           # read-only


class Period(BaseModel):
    """A reporting month: draft → published → closed."""

    key = CharField(max_length=7, unique=True)       # "2026-11"
    status = CharField(max_length=16, default=PeriodStatus.DRAFT)
    publish_on = DateField(null=True)
    remind_on = DateField(null=True)
    close_on = DateField(null=True)


def configured_admin(userid: str, configured) -> Person | None:
    """An admin the configuration names who has no directory row, as the chat and the pages see them
    (an unsaved Person named by their userid); None for anyone else."""
    return Person(userid=userid, name=userid, roles=[ROLE_ADMIN]) if userid in configured else None


def admins(configured: list[str]) -> list[tuple[str, str]]:
    """(userid, name) of the admins: those the configuration names and those with the admin role."""
    named = {p.userid: p.name for p in Person.select(Person.userid, Person.name, Person.roles)
             if p.has_role(ROLE_ADMIN) or p.userid in configured}
    return sorted({**{userid: userid for userid in configured}, **named}.items())
