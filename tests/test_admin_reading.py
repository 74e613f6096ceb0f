"""What was written can be read back from the group: 清单's counts agree with the year overview,
组织 shows the numbers and part three, 进度 is a summary, and an untouched report is 未开始
wherever it is named. November: 哲学学院 (ORG01) of tests/conversation.py, and 14 more colleges."""
from __future__ import annotations

import datetime

import pytest

from handlers import admin
from handlers.replies import Text
from handlers.router import Context
from models import Action, Department, Entry, Feedback, Org, Person, Report, overview
from models.checkin import create_reports
from models.clock import Clock
from models.items import items_for_orgs
from tests.conversation import PERIOD, Chat, seed_month

AT = datetime.datetime(2026, 11, 6, 2, 0)


@pytest.fixture
def ctx(db):
    return Context(clock=Clock("Asia/Shanghai", at=datetime.datetime(2026, 11, 10, 9, 30)),
                   admin_userids=frozenset({"dangwei01"}), pages="https://yb.example/h5/")


@pytest.fixture
def report(ctx) -> Report:
    return seed_month(PERIOD)


def run(text: str, ctx) -> str:
    replies = admin.run(text, Person.get(Person.userid == "dangwei01"), ctx, "app")
    return "\n".join(r.content for r in replies if isinstance(r, Text))


def lecture(report: Report) -> Entry:
    return Entry.get(Entry.report == report, Entry.action == Action.get(Action.code == "A2"))


def test_items_count_this_months_answer_as_the_year_overview_does(report, ctx):
    assert "讲授党课（规定动作 每年；已完成 0/2 次）" in run("清单 ORG01", ctx)
    secretary = Chat("sec01", ctx)
    secretary.send("开始")
    assert secretary.send("1 1") == ["卡片：第 2/5 项 · 理论学习"]             # 讲授党课: 已完成, once
    assert (lecture(report).status, lecture(report).amount) == ("done", 1)
    items = run("清单 ORG01", ctx)
    year = overview.cells(2026, [report.org_id])[report.org_id]
    tally = overview.items()[(lecture(report).action_id, None)].tally(year[(lecture(report).action_id, None)])
    assert tally == "1/2 次" and "讲授党课（规定动作 每年；已完成 1/2 次）" in items
    Entry.update(amount=None).where(Entry.id == lecture(report).id).execute()     # 已完成 without a number: one
    assert "已完成 1/2 次" in run("清单 ORG01", ctx)


def test_one_org_shows_its_numbers_and_part_three(report, ctx):
    shown = run("组织 ORG01", ctx).splitlines()
    assert shown[1] == "人员：书记 张书记（手机未登记） · 代填人 李副书记（手机未登记）"
    assert shown[2] == "2026年11月（未开始）：" and "亮点、困难和建议：无" in shown
    Entry.update(status="done", amount=2, note="第二次在12月").where(Entry.id == lecture(report).id).execute()
    secretary, organisation = Person.get(Person.userid == "sec01"), Department.get(Department.name == "组织部")
    for kind, text, department, answer in (("highlight", "主题党日走进社区", None, ""),
                                           ("difficulty", "活动经费不足", organisation, "已协调"),
                                           ("suggestion", "简化报表", None, "")):
        Feedback.create(report=report, kind=kind, text=text, department=department, answer=answer,
                        created_by=secretary, created_at=AT)
    shown = run("组织 ORG01", ctx).splitlines()
    assert shown[2] == "2026年11月（填报中）："
    assert f"✅ {lecture(report).position}. 讲授党课 · 已完成 2 次 · 备注：第二次在12月" in shown
    assert shown[-5:-1] == ["亮点、困难和建议 3 条：", "【亮点】主题党日走进社区",
                            "【困难】活动经费不足 → 组织部 · 已回复：已协调", "【建议】简化报表 → 未指定部门 · 待回复"]


def test_progress_is_a_summary_and_the_full_list_is_on_the_desk(report, ctx):
    colleges = [Org.create(code=f"ORG{n:02d}", name=f"学院{n}", type="学院", area="南校园") for n in range(2, 16)]
    create_reports(PERIOD, items_for_orgs(colleges, PERIOD), AT)
    Entry.update(status="done").where(Entry.report == Report.get(Report.org == colleges[0])).execute()
    shown = run("进度", ctx).splitlines()
    assert shown[0].startswith("2026年11月进度：已提交 0/15（0.0%，其中逾期 0）；填报中 1，未开始 14")
    assert shown[1] == "未查看 15 · 已查看未提交 0 · 已提交 0"          # no card went out here: nobody saw it
    assert shown[2] == "按片区：南校园 0/14 · 未分片区 0/1"            # by type too when there is more than one
    assert shown[-2].startswith("未查看（15）：") and shown[-2].endswith(" 等，另有 5 个（全部名单见工作台或导出）")
    left = shown[-3]
    assert left.startswith("未提交（15）：哲学学院（0/5）、学院3（0/5）") and left.count("（0/") == 10
    assert left.endswith(" 等，另有 5 个（全部名单见工作台或导出）")
    assert "学院2（" not in left                                    # the furthest behind first
    assert shown[-1] == '<a href="https://yb.example/h5/desk/2026-11">在网页中查看</a>'
    without_pages = Context(clock=ctx.clock, admin_userids=ctx.admin_userids)
    assert "在网页中查看" not in run("进度", without_pages)
