"""Organisations: 编号, 名称, 类型, 规模, 标签, 片区, 书记账号, 书记姓名, 联络员账号, 联络员姓名, and the
optional 企业微信部门ID (the org's WeCom department: its tagged members' roles come from the directory
sync, models/directory_sync.py). A file without that column leaves the ids as they are; an empty
cell under it clears the org's.

The secretary columns create or update the org's secretary (the previous one loses the role);
the liaison columns name the area's liaison (片区联络员). Empty person columns change nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import ROLE_LIAISON, ROLE_SECRETARY, Org
from models.lists_io.bulk import upsert
from models.lists_io.cells import RowError, RowReader, check_unique, join_list
from models.lists_io.persons import Mention, People, check_names, check_posts, read_mention

LABEL = "组织"
HEADERS = ("编号", "名称", "类型", "规模", "标签", "片区", "书记账号", "书记姓名", "联络员账号", "联络员姓名")
WECOM_DEPARTMENT = "企业微信部门ID"
EXPORT_HEADERS = (*HEADERS, WECOM_DEPARTMENT)


@dataclass
class OrgRow:
    number: int
    record: dict
    secretary: Mention | None
    liaison: Mention | None

    @property
    def code(self) -> str:
        return self.record["code"]


def _read(reader: RowReader, directory) -> OrgRow:
    size_classes = {size: size for size in directory.size_classes}
    record = {
        "code": reader.text("编号", required=True, limit=32),
        "name": reader.text("名称", required=True, limit=128),
        "type": reader.choice("类型", {kind: kind for kind in directory.org_types}, "类型"),
        "size_class": reader.choice("规模", size_classes, "规模", default=directory.size_classes[0]),
        "tags": reader.items("标签"),
        "area": reader.text("片区", limit=64),
    }
    if WECOM_DEPARTMENT in reader.cells:
        record["wecom_department"] = reader.positive_integer(WECOM_DEPARTMENT)
    secretary = read_mention(reader, "书记账号", "书记姓名")
    liaison = read_mention(reader, "联络员账号", "联络员姓名")
    if liaison and not record["area"]:
        reader.fail("片区", "填写联络员时片区必填")
    return OrgRow(reader.number, record, secretary, liaison)


def check(rows, directory, errors: list[RowError]) -> list[OrgRow]:
    org_rows = [_read(RowReader(number, cells, errors), directory) for number, cells in rows]
    check_unique(org_rows, lambda row: row.code, "编号", errors)
    _check_departments(org_rows, errors)
    people = People()
    check_names([mention for row in org_rows for mention in (row.secretary, row.liaison) if mention],
                errors)
    codes = dict(Org.select(Org.id, Org.code).tuples())
    secretaries = {userid: codes[org_id] for org_id, userids in
                   people.holders(ROLE_SECRETARY, lambda person: person.org_id).items()
                   for userid in userids}
    check_posts([(row.code, row.secretary) for row in org_rows if row.secretary],
                secretaries, "书记", errors)
    liaisons = {userid: area for area, userids in
                people.holders(ROLE_LIAISON, lambda person: person.area).items() for userid in userids}
    check_posts([(row.record["area"], row.liaison) for row in org_rows if row.liaison and row.record["area"]],
                liaisons, "片区联络员", errors)
    return org_rows


def _check_departments(org_rows: list[OrgRow], errors: list[RowError]) -> None:
    """One org per WeCom department, after the import."""
    in_file = {row.code for row in org_rows}
    taken = {department: code for code, department in Org.select(Org.code, Org.wecom_department)
             .where(Org.wecom_department.is_null(False)).tuples() if code not in in_file}
    for row in org_rows:
        department = row.record.get("wecom_department")
        if department is None:
            continue
        if department in taken:
            errors.append(RowError(row.number, WECOM_DEPARTMENT, f"已用于组织 {taken[department]}"))
        taken.setdefault(department, row.code)


def apply(org_rows: list[OrgRow], advance) -> dict:
    existing = {org.code: org for org in Org.select()}
    orgs = upsert(Org, lambda record: record["code"], [row.record for row in org_rows], existing, advance)
    ids = {code: org_id for org_id, code in Org.select(Org.id, Org.code).tuples()}
    people = People()
    secretaries = people.holders(ROLE_SECRETARY, lambda person: person.org_id)
    liaisons = people.holders(ROLE_LIAISON, lambda person: person.area)
    named = [row for row in org_rows if row.secretary]
    areas = {row.record["area"]: row.liaison for row in org_rows if row.liaison}
    for row in named:
        for userid in secretaries.get(ids[row.code], []):
            if userid != row.secretary.userid:
                people.revoke(userid, ROLE_SECRETARY)
    for area, liaison in areas.items():
        for userid in liaisons.get(area, []):
            if userid != liaison.userid:
                people.revoke(userid, ROLE_LIAISON, area="")
    for row in named:
        people.grant(row.secretary.userid, row.secretary.name, ROLE_SECRETARY, org=ids[row.code])
    for area, liaison in areas.items():
        people.grant(liaison.userid, liaison.name, ROLE_LIAISON, area=area)
    return {LABEL: orgs, "人员": people.write()}


def dump() -> list[list]:
    people = People()
    by_userid = people.existing
    secretaries = people.holders(ROLE_SECRETARY, lambda person: person.org_id)
    liaisons = people.holders(ROLE_LIAISON, lambda person: person.area)
    rows = []
    for org in Org.select().where(Org.active).order_by(Org.id):
        secretary = by_userid[secretaries[org.id][0]] if org.id in secretaries else None
        liaison = by_userid[liaisons[org.area][0]] if org.area in liaisons else None
        rows.append([
            org.code, org.name, org.type, org.size_class, join_list(org.tags), org.area,
            secretary.userid if secretary else "", secretary.name if secretary else "",
            liaison.userid if liaison else "", liaison.name if liaison else "",
            org.wecom_department or "",
        ])
    return rows
