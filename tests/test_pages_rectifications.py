"""整改清单 on the pages: 工作台 shows the figures' line and the rectifications not closed, the overdue
first; 我的月报 shows the org's not closed, as the chat's 整改 lists them. tests/conversation.py's
lists, November published; read-only (the moves are the chat's)."""
from __future__ import annotations

import datetime

import pytest

from jobs.publish import publish_period
from models import Org
from models.rectifications import Move, create, move
from tests.browser import pages_app, sign_in, text
from tests.conftest import run_worker
from tests.conversation import seed_lists

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
