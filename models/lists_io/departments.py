"""Departments (党群机关部门): 名称, 联络人账号, 联络人姓名.

Several liaisons go in one cell each, in the same order ("zzb01、zzb02" / "王芳、李强"). A row
that names liaisons replaces the department's liaisons; empty cells change nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import ROLE_LIAISON, Department
from models.lists_io.bulk import upsert
from models.lists_io.cells import RowError, RowReader, check_unique, join_list
from models.lists_io.persons import NAME_LIMIT, Mention, People, check_names, check_posts

LABEL = "部门"
HEADERS = ("名称", "联络人账号", "联络人姓名")


@dataclass
class DepartmentRow:
    number: int
    name: str
    liaisons: list[Mention]


def _read(reader: RowReader) -> DepartmentRow:
    name = reader.text("名称", required=True, limit=Department.name.max_length)
    userids, names = reader.items("联络人账号"), reader.items("联络人姓名")
    if len(userids) != len(names):
        reader.fail("联络人姓名", f"联络人账号有 {len(userids)} 个,姓名有 {len(names)} 个")
    for column, values in (("联络人账号", userids), ("联络人姓名", names)):
        for value in values:
            if len(value) > NAME_LIMIT:
                reader.fail(column, f"不能超过 {NAME_LIMIT} 个字")
    mentions = [Mention(userid, person, reader.number, "联络人账号") for userid, person in
                zip(userids, names, strict=False)]     # a row whose counts differ has failed above
    return DepartmentRow(reader.number, name, mentions)


def check(rows, directory, errors: list[RowError]) -> list[DepartmentRow]:
    department_rows = [_read(RowReader(number, cells, errors)) for number, cells in rows]
    check_unique(department_rows, lambda row: row.name, "名称", errors)
    mentions = [mention for row in department_rows for mention in row.liaisons]
    check_names(mentions, errors)
    people = People()
    names = dict(Department.select(Department.id, Department.name).tuples())
    current = {userid: names[department_id] for department_id, userids in
               people.holders(ROLE_LIAISON, lambda person: person.department_id).items()
               for userid in userids}
    posts = [(row.name, mention) for row in department_rows for mention in row.liaisons]
    check_posts(posts, current, "联络人", errors, single_holder=False)
    return department_rows


def apply(department_rows: list[DepartmentRow], advance) -> dict:
    existing = {department.name: department for department in Department.select()}
    departments = upsert(Department, lambda record: record["name"],
                         [{"name": row.name} for row in department_rows], existing, advance)
    ids = {name: department_id for department_id, name in
           Department.select(Department.id, Department.name).tuples()}
    people = People()
    current = people.holders(ROLE_LIAISON, lambda person: person.department_id)
    named = [row for row in department_rows if row.liaisons]
    for row in named:
        listed = {mention.userid for mention in row.liaisons}
        for userid in current.get(ids[row.name], []):
            if userid not in listed:
                people.revoke(userid, ROLE_LIAISON, department=None)
    for row in named:
        for mention in row.liaisons:
            people.grant(mention.userid, mention.name, ROLE_LIAISON, department=ids[row.name])
    return {LABEL: departments, "人员": people.write()}


def dump() -> list[list]:
    people = People()
    liaisons = people.holders(ROLE_LIAISON, lambda person: person.department_id)
    rows = []
    for department in Department.select().order_by(Department.id):
        listed = [people.existing[userid] for userid in sorted(liaisons.get(department.id, []))]
        rows.append([department.name, join_list(person.userid for person in listed),
                     join_list(person.name for person in listed)])
    return rows
