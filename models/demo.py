"""The demo data set, loaded through the same checks as an admin's import (so it is idempotent).

Accounts: admins dangwei01 and dangwei02 (as in config.demo.toml); each org's secretary is
sec-<code> (sec-xy01 for 岭南学院), its deputy dep-<code>; area liaisons are pq-<campus>
(pq-zhuhai), department liaisons dept-<initials> (dept-zzb for 组织部).

The examples under examples/ are exported from this data:
    .venv/bin/python -m models.demo examples 2026-11
"""
from __future__ import annotations

import calendar
import datetime
import sys
from pathlib import Path

import settings
from models import (
    Comment,
    Org,
    OwnItem,
    Period,
    Person,
    Rectification,
    Report,
    checkin,
    comments,
    own_items,
    periods,
    rectifications,
    shares,
)
from models.clock import Clock
from models.db import bind, database, migrate
from models.demo_data import (
    ACTIONS,
    ADMINS,
    AREAS,
    CODE_PREFIXES,
    COMMENTS,
    DEPARTMENTS,
    DEPUTY_EVERY,
    GIVEN_NAMES,
    INDICATORS,
    NO_MOBILE_EVERY,
    ORG_GROUPS,
    OWN_ITEMS,
    RAISED_TASKS,
    RECTIFICATIONS,
    SHARED,
    SURNAMES,
    TASKS,
)
from models.directory import Department, Task, TaskStatus
from models.lists_io import IMPORT_ORDER, ImportResult, export_file, import_rows
from models.lists_io.cells import join_list
from models.report import EntryStatus, FeedbackKind, ReportStatus

DEMO_SECRETARY = "sec-xy01"     # the secretary the README and `./dev up` suggest trying


class DemoDataError(Exception):
    """The demo data does not pass the import checks (e.g. org types changed in the settings)."""


def person_name(index: int) -> str:
    """A plausible, deterministic Chinese name for the index-th generated person."""
    return SURNAMES[index % len(SURNAMES)] + GIVEN_NAMES[index % len(GIVEN_NAMES)]


def _orgs() -> list[dict]:
    rows, numbers = [], dict.fromkeys(CODE_PREFIXES, 0)
    for area, kind, size_class, tags, names in ORG_GROUPS:
        for name in names.split("、"):
            numbers[kind] += 1
            code = f"{CODE_PREFIXES[kind]}{numbers[kind]:02d}"
            liaison, liaison_name = AREAS[area]
            rows.append({
                "编号": code, "名称": name, "类型": kind, "规模": size_class, "标签": join_list(tags),
                "片区": area, "书记账号": f"sec-{code.lower()}", "书记姓名": person_name(len(rows)),
                "联络员账号": liaison, "联络员姓名": liaison_name,
            })
    return rows


def _people(orgs: list[dict]) -> list[dict]:
    """The admins, and each org's secretary (with a mobile number, but every NO_MOBILE_EVERY-th) and
    deputy (every DEPUTY_EVERY-th org's; the first of them has opted out of SMS)."""
    rows = [{"账号": userid, "姓名": name, "角色": "管理员", "手机": "", "短信": "是"} for userid, name in ADMINS]
    for index, org in enumerate(orgs):
        code = org["编号"]
        mobile = "" if index % NO_MOBILE_EVERY == NO_MOBILE_EVERY - 1 else f"1380000{index:04d}"
        rows.append({"账号": org["书记账号"], "姓名": org["书记姓名"], "角色": "书记", "所属组织编号": code,
                     "手机": mobile, "短信": "是"})
        if index % DEPUTY_EVERY == 0:
            rows.append({"账号": f"dep-{code.lower()}", "姓名": person_name(index + 40), "角色": "代填人",
                         "所属组织编号": code, "手机": f"1390000{index:04d}", "短信": "否" if index == 0 else "是"})
    return rows


def _departments() -> list[dict]:
    return [{"名称": name, "联络人账号": userid, "联络人姓名": person}
            for name, (userid, person) in DEPARTMENTS.items()]


def _actions() -> list[dict]:
    columns = ("编号", "类别", "名称", "要求", "频次", "目标", "单位", "适用类型")
    return [dict(zip(columns, ("" if value is None else str(value) for value in action), strict=True))
            for action in ACTIONS]


def _tasks(period: str) -> list[dict]:
    year, month = periods.split(period)
    last_day = calendar.monthrange(year, month)[1]
    return [{"月份": period, "编号": code, "标题": title, "内容": details, "来源部门": department,
             "截止日期": f"{period}-{min(day, last_day):02d}", "适用类型": applies_to}
            for code, title, details, department, day, applies_to in TASKS]


def _indicators() -> list[dict]:
    columns = ("编号", "上级编号", "名称", "分值", "周期", "计算方式", "参数", "适用类型")
    return [dict(zip(columns, indicator, strict=True)) for indicator in INDICATORS]


def demo_rows(period: str) -> dict[str, list[dict]]:
    """The demo data as import rows (header → cell text) of each list kind."""
    orgs = _orgs()
    return {"departments": _departments(), "orgs": orgs, "people": _people(orgs),
            "actions": _actions(), "tasks": _tasks(periods.check(period)),
            "rectifications": _rectifications(periods.check(period)), "indicators": _indicators()}


def load_demo_data(period: str, directory=None) -> dict[str, ImportResult]:
    """Load (or refresh) the demo data with the monthly tasks of `period`, all or nothing."""
    directory = directory or settings.DirectorySection()
    rows = demo_rows(period)
    results = {}
    listed = Clock(at=datetime.datetime(*periods.split(periods.check(period)), 1))     # the month's first day
    with database.atomic():
        listed_before = set(Rectification.select(Rectification.code).tuples())
        for kind in IMPORT_ORDER:
            result = import_rows(kind, list(enumerate(rows[kind], start=2)), directory, clock=listed)
            if not result.ok:
                raise DemoDataError("; ".join(str(error) for error in result.errors))
            results[kind] = result
        _approve_own_items(periods.check(period))
        _move_rectifications(periods.check(period), {code for (code,) in listed_before})
    return results


def _approve_own_items(period: str) -> None:
    """OWN_ITEMS, proposed by each org's secretary and approved on the month's first day (once)."""
    year, month = periods.split(period)
    at = datetime.datetime(year, month, 1)
    for code, title, category, frequency, why, admin in OWN_ITEMS:
        org = Org.get(Org.code == code)
        if OwnItem.select().where(OwnItem.org == org, OwnItem.title == title).exists():
            continue
        secretary = Person.get(Person.userid == f"sec-{code.lower()}")
        item = own_items.propose(org, secretary, own_items.proposal(title, category, frequency, why), at)
        own_items.approve(item.id, admin, at)


def _rectifications(period: str) -> list[dict]:
    """RECTIFICATIONS as import rows: found two months before the month's first day."""
    first = datetime.date(*periods.split(period), 1)
    return [{"编号": code, "组织编号": org, "来源": source, "问题": problem, "整改措施": measures,
             "责任人": responsible, "整改时限": (first + datetime.timedelta(days=days)).isoformat(),
             "发现日期": (first - datetime.timedelta(days=60)).isoformat()}
            for code, org, source, problem, measures, responsible, days, _ in RECTIFICATIONS]


def _move_rectifications(period: str, listed_before: set[str]) -> None:
    """The moves of RECTIFICATIONS, made on the month's first day, on those this load listed."""
    first = datetime.date(*periods.split(period), 1)
    at = datetime.datetime.combine(first, datetime.time())
    for code, *_, moves in RECTIFICATIONS:
        if code in listed_before:
            continue
        for step, userid, text in moves:
            rectifications.move(code, rectifications.Move(step), userid, at, first, text)


def add_demo_judging(period: str, at: datetime.datetime) -> list[tuple[shares.Share, shares.Plan]]:
    """The office's judging of the month, once it is published: COMMENTS, and SHARED's report; returns
    the shares made now, with their plans (whom the cards go to: the caller sends them)."""
    add_demo_comments(period, at)
    return share_demo_report(period, at)


def add_demo_comments(period: str, at: datetime.datetime) -> None:
    """COMMENTS on the month's reports, each org's unless it has comments of that month."""
    commented = {org_id for (org_id,) in Comment.select(Comment.org).where(Comment.period == period).tuples()}
    for code, position, kind, text, by in COMMENTS:
        org = Org.get(Org.code == code)
        if org.id not in commented:
            comments.add(org, period, position, comments.CommentKind(kind), text, by, at, period)


def share_demo_report(period: str, at: datetime.datetime) -> list[tuple[shares.Share, shares.Plan]]:
    """SHARED's report of the month answered (every item done), with its highlight, submitted and
    shared — unless it is submitted already (shared before, or by its secretary)."""
    code, highlight = SHARED
    report = Report.get(Report.org == Org.get(Org.code == code), Report.period == period)
    if report.status == ReportStatus.SUBMITTED:
        return []
    secretary = Person.get(Person.userid == f"sec-{code.lower()}")
    items = checkin.entries(report)
    for entry in items:
        checkin.answer(entry, secretary, at, EntryStatus.DONE, amount=1 if checkin.counted(entry) else None)
    checkin.add_feedback(report, FeedbackKind.HIGHLIGHT, highlight, secretary, at)
    checkin.submit(report, Period.get(Period.key == period), items, secretary, at, at.date())
    plans = [shares.plan(code, period, number, anonymous, audience)
             for number, anonymous, audience in ((None, False, shares.Audience.TYPE), (1, True, shares.Audience.ALL))]
    return [(shares.create(plan, ADMINS[0][0], at), plan) for plan in plans]


def raise_demo_tasks(period: str) -> None:
    """RAISED_TASKS in `period` (the month after the demo's: the one being gathered once the demo's is
    published), unless it has tasks of those codes already."""
    for code, title, department, liaison, approved in RAISED_TASKS:
        if Task.get_or_none(Task.period == period, Task.code == code) is None:
            Task.create(period=period, code=code, title=title, department=Department.get(Department.name == department),
                        raised_by=liaison, status=TaskStatus.APPROVED if approved else TaskStatus.PENDING)


def write_examples(folder: Path) -> None:
    """Export every list to folder/<kind>.xlsx (from the bound database)."""
    for kind in IMPORT_ORDER:
        export_file(kind, Path(folder) / f"{kind}.xlsx")


if __name__ == "__main__":
    bind("sqlite:///:memory:")
    migrate()
    load_demo_data(sys.argv[2] if len(sys.argv) > 2 else Clock().period())
    write_examples(Path(sys.argv[1]))
