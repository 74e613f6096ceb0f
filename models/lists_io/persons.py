"""People named in the lists: who holds which post, checked before and written after an import.

A post is a slot one account holds: an org's secretary (one per org), an area's liaison (one per
area), a department's liaison (several per department). A file that names a slot's holders
replaces them; a person holds at most one slot of each kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from models.directory import ROLE_ADMIN, ROLE_DEPUTY, ROLE_LIAISON, ROLE_SECRETARY, Person
from models.lists_io.bulk import Counts, upsert
from models.lists_io.cells import MISSING, RowError, RowReader

ROLE_ORDER = (ROLE_SECRETARY, ROLE_DEPUTY, ROLE_ADMIN, ROLE_LIAISON)
ROLE_LABELS = {ROLE_SECRETARY: "书记", ROLE_DEPUTY: "代填人", ROLE_ADMIN: "管理员", ROLE_LIAISON: "联络人"}
ROLE_BY_LABEL = {label: role for role, label in ROLE_LABELS.items()} | {"副书记": ROLE_DEPUTY}
NAME_LIMIT = 64


@dataclass(frozen=True)
class Mention:
    """An account named in a file, with the name written next to it."""

    userid: str
    name: str
    row: int
    column: str


def sort_roles(roles) -> list[str]:
    return sorted(set(roles), key=lambda role: ROLE_ORDER.index(role) if role in ROLE_ORDER else 99)


def read_mention(reader: RowReader, account_column: str, name_column: str) -> Mention | None:
    """The person in a pair of account/name cells; both empty means none."""
    userid = reader.text(account_column, limit=NAME_LIMIT)
    name = reader.text(name_column, limit=NAME_LIMIT)
    if not userid and not name:
        return None
    if not userid:
        reader.fail(account_column, MISSING)
    if not name:
        reader.fail(name_column, MISSING)
    return Mention(userid, name, reader.number, account_column)


def check_names(mentions: list[Mention], errors: list[RowError]) -> None:
    """One account, one name, wherever the file names it."""
    first = {}
    for mention in mentions:
        earlier = first.setdefault(mention.userid, mention)
        if earlier.name != mention.name:
            errors.append(RowError(mention.row, mention.column,
                                   f"账号 {mention.userid} 的姓名与第 {earlier.row} 行不一致"))


def check_posts(posts: list[tuple[str, Mention]], current: dict[str, str], label: str,
                errors: list[RowError], single_holder: bool = True) -> None:
    """Check (slot, holder) pairs from a file against each other and the database.

    `current` maps an account to the slot it holds now; a slot the file names is replaced,
    so its current holders are free to take another.
    """
    first_of_slot, first_of_holder = {}, {}
    replaced = {slot for slot, _ in posts}
    for slot, mention in posts:
        first = first_of_slot.setdefault(slot, mention)
        if single_holder and first.userid != mention.userid:
            errors.append(RowError(mention.row, mention.column,
                                   f"“{slot}”的{label}与第 {first.row} 行不一致"))
        earlier_slot, earlier = first_of_holder.setdefault(mention.userid, (slot, mention))
        if earlier_slot != slot:
            errors.append(RowError(mention.row, mention.column,
                                   f"该账号已是第 {earlier.row} 行“{earlier_slot}”的{label}"))
        held = current.get(mention.userid)
        if held and held != slot and held not in replaced:
            errors.append(RowError(mention.row, mention.column, f"该账号已是“{held}”的{label}"))


class People:
    """Everyone in the directory, edited in memory and written back with one upsert."""

    def __init__(self):
        self.existing = {person.userid: person for person in Person.select()}
        self.records: dict[str, dict] = {}

    def holders(self, role: str, slot: Callable[[Person], object]) -> dict[object, list[str]]:
        """Slot → accounts holding the role there now, e.g. org id → its secretaries."""
        held = {}
        for person in self.existing.values():
            if role in person.roles and slot(person):
                held.setdefault(slot(person), []).append(person.userid)
        return held

    def record(self, userid: str, name: str | None = None) -> dict:
        """The editable record of this account (new if unknown)."""
        if userid not in self.records:
            person = self.existing.get(userid)
            if person is None:
                self.records[userid] = {"userid": userid, "name": name or userid, "roles": [],
                                        "org": None, "department": None, "area": ""}
            else:
                self.records[userid] = {field: person.__data__.get(field) for field in
                                        ("userid", "name", "roles", "org", "department", "area")}
        if name:
            self.records[userid]["name"] = name
        return self.records[userid]

    def grant(self, userid: str, name: str, role: str, **fields) -> None:
        record = self.record(userid, name)
        record["roles"] = sort_roles([*record["roles"], role])
        record.update(fields)

    def revoke(self, userid: str, role: str, **fields) -> None:
        record = self.record(userid)
        record.update(fields)
        keeps_liaison = role == ROLE_LIAISON and (record["department"] or record["area"])
        if not keeps_liaison:
            record["roles"] = [held for held in record["roles"] if held != role]

    def write(self) -> Counts:
        return upsert(Person, lambda record: record["userid"], list(self.records.values()), self.existing)
