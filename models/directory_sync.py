"""The WeCom directory against ours: who is added, changed, or has left (deactivated, never deleted).

Pure over a Snapshot (what bot/contacts.py read from WeCom) and the database. What WeCom decides:
the names (and mobile numbers, where user/get gives one; an empty one changes nothing) of people it
knows; the roles whose tag the configuration names ([directory] secretary_tag, deputy_tag,
liaison_tag), for members of an org whose WeCom department id the org list gives (企业微信部门ID);
and who left. Everything else stays as the imports made it: people WeCom
does not know, orgs without a department id, roles without a tag. Someone is added only when a tag
gives them a role in such an org (a WeCom member without a role would have nothing to do here), and
deactivated only after a sync has seen them in WeCom once (an imported person never seen there has
not "left").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models.db import database
from models.directory import ROLE_DEPUTY, ROLE_LIAISON, ROLE_SECRETARY, Org, Person, normalise_mobile
from models.lists_io.persons import ROLE_LABELS, sort_roles
from models.messaging import mask_mobile

SYNCED_ROLES = (ROLE_SECRETARY, ROLE_DEPUTY, ROLE_LIAISON)


@dataclass(frozen=True)
class Member:
    """A WeCom member: userid as WeCom spells it, name ("" when user/get was refused), departments, and
    the mobile number user/get gave ("": none given, or refused)."""

    userid: str
    name: str
    departments: tuple[int, ...]
    mobile: str = ""


@dataclass(frozen=True)
class Snapshot:
    """WeCom's directory as read at one time: members by lower-cased userid, and the members of each
    configured role's tag (lower-cased userids; None: that role is not synced)."""

    members: dict[str, Member]
    tagged: dict[str, frozenset[str] | None]


@dataclass
class Change:
    """One person's change: the values to write, and what they were (for the printout)."""

    userid: str
    name: str
    values: dict
    before: dict = field(default_factory=dict)


@dataclass
class Diff:
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    left: list[Change] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)       # userids seen in WeCom for the first time

    @property
    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "left": len(self.left)}

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.left)


def _wanted_roles(member: Member, tagged: dict, orgs: dict[int, Org]) -> tuple[Org | None, set[str]]:
    """The org a member's departments map to (the first that does) and the synced roles tags give there."""
    org = next((orgs[d] for d in member.departments if d in orgs), None)
    if org is None:
        return None, set()
    key = member.userid.lower()
    return org, {role for role, members in tagged.items() if members is not None and key in members}


def _target(person: Person | None, member: Member, snapshot: Snapshot, orgs: dict[int, Org],
            mapped_ids: set[int]) -> dict:
    """The values a person should hold after the sync (only those WeCom decides)."""
    org, roles = _wanted_roles(member, snapshot.tagged, orgs)
    synced = {role for role, members in snapshot.tagged.items() if members is not None}
    current = list(person.roles) if person else []
    decided = org is not None or (person is not None and person.org_id in mapped_ids)
    department_liaison = person is not None and person.department_id is not None    # not an org's: kept
    keep = [r for r in current if r not in synced or not decided or (r == ROLE_LIAISON and department_liaison)]
    values = {"roles": sort_roles({*keep, *roles})}
    if roles & {ROLE_SECRETARY, ROLE_DEPUTY}:
        values["org"] = org.id
    if ROLE_LIAISON in roles and org.area:
        values["area"] = org.area
    if member.name:
        values["name"] = member.name
    if mobile := _mobile(member.mobile):
        values["mobile"] = mobile
    return values


def _mobile(given: str) -> str:
    """WeCom's number as we store it; "" (nothing changes) for none or one we cannot read."""
    try:
        return normalise_mobile(given) if given else ""
    except ValueError:
        return ""


def _differs(person: Person, values: dict) -> dict:
    before = {"roles": list(person.roles), "org": person.org_id, "area": person.area, "name": person.name,
              "mobile": person.mobile}
    return {key: before[key] for key, value in values.items() if before[key] != value}


def compute(snapshot: Snapshot) -> Diff:
    """What a sync would change, from the database as it is now."""
    orgs = {org.wecom_department: org for org in Org.select().where(Org.wecom_department.is_null(False), Org.active)}
    mapped_ids = {org.id for org in orgs.values()}
    people = {person.userid.lower(): person for person in Person.select().order_by(Person.userid)}
    diff = Diff()
    for key, person in people.items():
        member = snapshot.members.get(key)
        if member is None:
            if person.in_wecom and person.active:
                diff.left.append(Change(person.userid, person.name, {"active": False}))
            continue
        if not person.in_wecom:
            diff.seen.append(person.userid)
        values = _target(person, member, snapshot, orgs, mapped_ids)
        before = _differs(person, values)
        if not person.active:
            values["active"], before["active"] = True, False
        if before:
            diff.changed.append(Change(person.userid, values.get("name", person.name),
                                       {k: v for k, v in values.items() if k in before}, before))
    for key, member in sorted(snapshot.members.items()):
        if key in people:
            continue
        values = _target(None, member, snapshot, orgs, mapped_ids)
        if values["roles"]:
            values.setdefault("name", member.userid)
            diff.added.append(Change(member.userid, values["name"], values))
    return diff


def apply(diff: Diff) -> dict[str, int]:
    """Write the diff in one transaction; its counts."""
    with database.atomic():
        for change in diff.added:
            Person.create(userid=change.userid, in_wecom=True, **change.values)
        for change in diff.changed:
            Person.update(**change.values, in_wecom=True).where(Person.userid == change.userid).execute()
        for change in diff.left:
            Person.update(active=False).where(Person.userid == change.userid).execute()
        if diff.seen:
            Person.update(in_wecom=True).where(Person.userid.in_(diff.seen)).execute()
    return diff.counts


def describe(diff: Diff) -> list[str]:
    """The diff as lines, for the command line: + added, ~ changed (field: before → after), - left."""
    codes = dict(Org.select(Org.id, Org.code).tuples())

    def shown(key: str, value) -> str:
        if key == "roles":
            return "、".join(ROLE_LABELS.get(role, role) for role in value) or "-"
        if key == "org":
            return codes.get(value, "-")
        if key == "mobile":
            return mask_mobile(value) if value else "-"
        return str(value) if value not in ("", None) else "-"

    lines = [f"+ {c.userid} {c.name}: " + ", ".join(f"{k} {shown(k, v)}" for k, v in c.values.items() if k != "name")
             for c in diff.added]
    lines += [f"~ {c.userid} {c.name}: " + ", ".join(f"{k} {shown(k, c.before[k])} → {shown(k, v)}"
                                                    for k, v in c.values.items()) for c in diff.changed]
    lines += [f"- {c.userid} {c.name}: left WeCom, deactivated" for c in diff.left]
    return lines
