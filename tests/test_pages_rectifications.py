"""整改清单 on the pages: 工作台 shows the figures' line and the rectifications not closed, the overdue
first; 我的月报 shows the org's not closed, as the chat's 整改 lists them. tests/conversation.py's
lists, November published; the org's moves on its report, the office's on 工作台, by the chat's rules."""
from __future__ import annotations

import datetime

import pytest

from jobs.publish import publish_period
from models import AuditEntry, Org, Rectification, RectificationEvent
from models.rectifications import Move, create, move, withdraw
from tests.browser import pages_app, post, sign_in, text
from tests.conversation import seed_lists
from tests.setups import run_worker, told

PERIOD = "2026-11"


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 20, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture
def month(client, services, phone):
    phone.add_members(["sec01", "dep01", "dangwei01"])
    org = seed_lists(PERIOD)
    publish_period(services, PERIOD)
    run_worker(services)
    at = datetime.datetime(2026, 11, 1)
    for problem, deadline in (("台账不全", datetime.date(2026, 12, 31)), ("学习不深入", datetime.date(2026, 11, 15)),
                              ("换届不及时", datetime.date(2026, 11, 30))):
        create(org, {"source": "巡察", "problem": problem, "measures": "", "responsible": "张书记",
                     "found_on": datetime.date(2026, 11, 1), "deadline": deadline}, "dangwei01", at)
    move("ZG03", Move.SUBMIT, "sec01", at, datetime.date(2026, 11, 2), "已换届")
    move("ZG03", Move.ACCEPT, "dangwei01", at, datetime.date(2026, 11, 2))
    other = Org.create(code="ORG02", name="化学学院", type="学院")
    create(other, {"source": "督查", "problem": "安全检查缺失", "measures": "", "responsible": "赵书记",
                   "found_on": datetime.date(2026, 11, 1), "deadline": datetime.date(2026, 12, 1)}, "dangwei01", at)


def test_the_desk_lists_the_rectifications_not_closed_overdue_first(client, month):
    sign_in(client, "dangwei01")
    page = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "整改情况（2026-11-20）：未销号 3 条，其中逾期 1 条；已销号 1 条，按期 1 条、逾期销号 0 条" in page
    overdue, first, second = (page.index(s) for s in ("【逾期】ZG02 哲学学院", "ZG01 哲学学院", "ZG04 化学学院"))
    assert overdue < first < second and "ZG03 哲学学院" not in page


def test_my_report_shows_the_orgs_rectifications_not_closed_and_no_other_orgs(client, month):
    sign_in(client, "sec01")
    page = text(client.get(f"/h5/report/{PERIOD}"))
    assert "整改事项" in page and "【逾期】ZG02 巡察 · 学习不深入 · 整改中 · 时限2026-11-15" in page
    assert "ZG01 巡察 · 台账不全" in page
    assert "ZG03" not in page and "ZG04" not in page and "安全检查缺失" not in page


def test_the_org_reports_progress_and_done_on_its_report_and_the_admins_are_told(client, month):
    sign_in(client, "dep01")
    done = post(client, f"/h5/report/{PERIOD}/rectifications/ZG01/done", text="台账已补齐")
    assert done.status_code == 303
    page = text(client.get(done.headers["Location"]))
    assert "整改 ZG01 已报请验收（待验收）" in page and "ZG01 巡察 · 台账不全 · 待验收" in page
    assert "哲学学院 报请验收整改 ZG01（台账不全）：台账已补齐" in told("dangwei01")
    refused = post(client, f"/h5/report/{PERIOD}/rectifications/ZG01/progress", text="再说一次")
    assert refused.status_code == 200 and "整改 ZG01 待验收，不能进展。" in text(refused)
    empty = post(client, f"/h5/report/{PERIOD}/rectifications/ZG02/progress", text=" ")
    assert "请写明内容，例：整改 ZG02 进展 已制定学习计划" in text(empty)
    assert post(client, f"/h5/report/{PERIOD}/rectifications/ZG04/progress", text="开会").status_code == 403
    assert [(e.rectification.code, e.move, e.by) for e in RectificationEvent.select().where(
        RectificationEvent.by == "dep01")] == [("ZG01", "submit", "dep01")]


def test_an_admin_accepts_and_returns_on_the_desk_as_the_groups_command(client, month):
    move("ZG01", Move.SUBMIT, "sec01", datetime.datetime(2026, 11, 3), datetime.date(2026, 11, 3), "台账已补齐")
    move("ZG02", Move.SUBMIT, "sec01", datetime.datetime(2026, 11, 3), datetime.date(2026, 11, 3), "已学习")
    for media in ("m1", "m2", "m3"):
        move("ZG01", Move.EVIDENCE, "sec01", datetime.datetime(2026, 11, 3), datetime.date(2026, 11, 3),
             media_ids=(media,))
    withdraw(RectificationEvent.select().order_by(RectificationEvent.id.desc()).get(), "sec01",
             datetime.datetime(2026, 11, 3), datetime.date(2026, 11, 3))
    sign_in(client, "dangwei01")
    desk = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "报请验收：台账已补齐（照片 2 张）" in desk and "报请验收：已学习" in desk
    accepted = post(client, "/h5/desk/rectifications/ZG01/accept")
    assert accepted.status_code == 303
    assert "整改 ZG01（哲学学院）已销号。" in text(client.get(accepted.headers["Location"]))
    post(client, "/h5/desk/rectifications/ZG02/return", reason="缺少学习记录")
    assert [(r.code, r.state) for r in Rectification.select().order_by(Rectification.code)][:2] == [
        ("ZG01", "closed"), ("ZG02", "open")]
    assert "整改 ZG02（学习不深入）被退回：缺少学习记录" in told("sec01")
    assert [(a.command, a.place, a.outcome) for a in AuditEntry.select()] == [("整改", "h5", "ok")] * 2


def test_an_admin_lists_a_new_one_on_the_desk_and_a_wrong_date_is_said(client, month):
    sign_in(client, "dangwei01")
    form = {"org": "ORG02", "source": "点评", "problem": "会议记录|不全", "measures": "补齐", "responsible": "赵书记",
            "deadline": "2026-12-20"}
    added = post(client, "/h5/desk/rectifications/add", **form)
    assert added.status_code == 303
    shown = text(client.get(added.headers["Location"]))
    assert "已列入整改 ZG05：化学学院 · 点评 · 会议记录 不全，时限 2026-12-20。" in shown
    early = post(client, "/h5/desk/rectifications/add", **{**form, "deadline": "2026-11-19"})
    assert "整改时限不能早于发现问题的日期（2026-11-20）。" in text(client.get(early.headers["Location"]))
    assert Rectification.select().count() == 5
