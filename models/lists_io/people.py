"""People: 账号, 姓名, 角色, 所属组织编号, 所属部门, 片区 — each row defines the whole person — and the
optional 手机 (a mobile number for SMS, stored normalised: models.directory.normalise_mobile) and 短信
(是/否: 否 opts the person out of SMS; empty: 是). A file without one of these columns leaves it as it
is; an empty 手机 cell clears the number. The export (an admin's) shows the full number.

Roles are written in Chinese: 书记, 代填人 (also accepted: 副书记), 管理员, 联络人; an empty
cell is a person without a role (a former secretary, say). A secretary or
deputy belongs to an org; a liaison to a department (部门联络人) or an area (片区联络员).
After the import every org has at most one secretary and every area at most one liaison.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from models.directory import ROLE_DEPUTY, ROLE_LIAISON, ROLE_SECRETARY, Department, Org, Person, normalise_mobile
from models.lists_io.bulk import upsert
from models.lists_io.cells import RowError, RowReader, check_unique, join_list
from models.lists_io.persons import NAME_LIMIT, ROLE_BY_LABEL, ROLE_LABELS, sort_roles

LABEL = "人员"
HEADERS = ("账号", "姓名", "角色", "所属组织编号", "所属部门", "片区")
MOBILE, SMS = "手机", "短信"
EXPORT_HEADERS = (*HEADERS, MOBILE, SMS)
YES_NO = {"是": True, "否": False}


@dataclass
class PersonRow:
    number: int
    record: dict
    org_code: str


@dataclass
class Lookup:
    """What the people file refers to: orgs by code, departments by name, known areas."""

    org_ids: dict[str, int]
    department_ids: dict[str, int]
    areas: set[str]

    @classmethod
    def load(cls) -> "Lookup":
        orgs = list(Org.select(Org.id, Org.code, Org.area).tuples())
        return cls({code: org_id for org_id, code, _ in orgs},
                   {name: department_id for department_id, name in
                    Department.select(Department.id, Department.name).tuples()},
                   {area for _, _, area in orgs if area})


def _roles(reader: RowReader) -> list[str]:
    labels = reader.items("角色")
    for label in labels:
        if label not in ROLE_BY_LABEL:
            reader.fail("角色", f"未知角色“{label}”,可选:{join_list(ROLE_LABELS.values())}")
    return sort_roles(ROLE_BY_LABEL[label] for label in labels if label in ROLE_BY_LABEL)


def _reference(reader: RowReader, column: str, known, what: str):
    value = reader.text(column)
    if value and value not in known:
        reader.fail(column, f"未知{what}“{value}”")
    return value


def _read(reader: RowReader, lookup: Lookup) -> PersonRow:
    roles = _roles(reader)
    org_code = _reference(reader, "所属组织编号", lookup.org_ids, "组织编号")
    department = _reference(reader, "所属部门", lookup.department_ids, "部门")
    area = _reference(reader, "片区", lookup.areas, "片区")
    if {ROLE_SECRETARY, ROLE_DEPUTY} & set(roles) and not org_code:
        reader.fail("所属组织编号", "书记和代填人须填所属组织编号")
    if ROLE_LIAISON in roles and not (department or area):
        reader.fail("角色", "联络人须填所属部门或片区")
    for column, value in (("所属部门", department), ("片区", area)):
        if value and ROLE_LIAISON not in roles:
            reader.fail(column, "只有联络人填写此项")
    record = {
        "userid": reader.text("账号", required=True, limit=NAME_LIMIT),
        "name": reader.text("姓名", required=True, limit=NAME_LIMIT),
        "roles": roles,
        "org": lookup.org_ids.get(org_code),
        "department": lookup.department_ids.get(department),
        "area": area,
    }
    if MOBILE in reader.cells:
        record["mobile"] = _mobile(reader)
    if SMS in reader.cells:
        record["sms"] = reader.choice(SMS, YES_NO, "取值", default=True)
    return PersonRow(reader.number, record, org_code)


def _mobile(reader: RowReader) -> str | None:
    text = reader.text(MOBILE)
    if not text:
        return None
    try:
        return normalise_mobile(text)
    except ValueError:
        reader.fail(MOBILE, f"手机号“{text}”无法识别,请写成 13812341234")
        return None


def check(rows, directory, errors: list[RowError]) -> list[PersonRow]:
    lookup = Lookup.load()
    person_rows = [_read(RowReader(number, cells, errors), lookup) for number, cells in rows]
    check_unique(person_rows, lambda row: row.record["userid"], "账号", errors)
    _check_single_holders(person_rows, errors)
    return person_rows


def _check_single_holders(person_rows: list[PersonRow], errors: list[RowError]) -> None:
    """After the import: one secretary per org, one liaison per area."""
    in_file = {row.record["userid"] for row in person_rows}
    holders = defaultdict(list)          # (what, slot) → [(userid, row number or None)]
    final = [(person.__data__, None) for person in Person.select() if person.userid not in in_file]
    final += [(row.record, row) for row in person_rows]
    for record, row in final:
        number = row.number if row else None
        if ROLE_SECRETARY in record["roles"] and record["org"]:
            holders[("书记", "所属组织编号", record["org"])].append((record["userid"], number))
        if ROLE_LIAISON in record["roles"] and record["area"]:
            holders[("片区联络员", "片区", record["area"])].append((record["userid"], number))
    for (what, column, _), held in holders.items():
        for userid, number in held:
            others = [other for other, _ in held if other != userid]
            if number is not None and others:
                errors.append(RowError(number, column, f"已有{what} {join_list(others)},每处只能一位"))


def apply(person_rows: list[PersonRow], advance) -> dict:
    existing = {person.userid: person for person in Person.select()}
    counts = upsert(Person, lambda record: record["userid"], [row.record for row in person_rows],
                    existing, advance)
    return {LABEL: counts}


def dump() -> list[list]:
    codes = dict(Org.select(Org.id, Org.code).tuples())
    names = dict(Department.select(Department.id, Department.name).tuples())
    return [
        [person.userid, person.name, join_list(ROLE_LABELS.get(role, role) for role in person.roles),
         codes.get(person.org_id, ""), names.get(person.department_id, ""), person.area,
         person.mobile or "", "是" if person.sms else "否"]
        for person in Person.select().order_by(Person.userid)
    ]
