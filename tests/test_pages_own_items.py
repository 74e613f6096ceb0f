"""个性指标 on the pages: a secretary proposes an item of the org's own on 我的月报 (the chat's
rules, each problem said on the page, nothing written); an admin approves or returns it on 工作台
(the group's 自选, audited as h5), the proposer is told in the chat; once approved it is in the org's
next month, marked 个性. tests/conversation.py's lists, November published on the 10th."""
from __future__ import annotations

import datetime

import pytest

from handlers import messages as m
from jobs.publish import publish_period
from models import AuditEntry, OwnItem
from tests.browser import pages_app, post, sign_in, text
from tests.conversation import seed_lists
from tests.setups import run_worker, told

PERIOD = "2026-11"
PROPOSE = f"/h5/report/{PERIOD}/own-items"
FORM = {"title": "红色研学", "category": "党员发展与教育", "frequency": "每季度", "target": "1", "unit": "次",
        "why": "结合本院红色资源"}


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 10, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture
def month(client, services, phone):
    phone.add_members(["sec01", "dep01", "dangwei01"])
    seed_lists(PERIOD)
    publish_period(services, PERIOD)
    run_worker(services)


@pytest.mark.parametrize("wrong, said", [
    ({"title": " "}, m.OWN_PROBLEMS["no title"]),
    ({"frequency": "经常"}, m.OWN_PROBLEMS["no frequency"]),
    ({"category": "红色教育"}, m.OWN_PROBLEMS["bad category"]),
])
def test_a_proposal_with_something_missing_is_said_on_the_page_and_nothing_is_written(client, month, wrong, said):
    sign_in(client, "sec01")
    response = post(client, PROPOSE, **{**FORM, **wrong})
    assert response.status_code == 200 and said.split("例：")[0].strip() in text(response)
    assert "结合本院红色资源" in text(response)          # what was typed stays in the form
    assert OwnItem.select().count() == 0


def test_proposed_on_the_page_approved_on_the_desk_then_in_next_months_report(app, client, services, clock, month):
    sign_in(client, "dep01")
    response = post(client, PROPOSE, **FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith("#own")
    page = text(client.get(response.headers["Location"]))
    assert "已提出个性指标 1：红色研学（党员发展与教育 · 每季度1次）" in page
    assert "1. 红色研学（党员发展与教育 · 每季度1次）待审核" in page
    post(client, PROPOSE, **{**FORM, "title": "校友讲坛", "target": ""})
    client = app.test_client()
    sign_in(client, "dangwei01")
    desk = text(client.get("/h5/desk"))
    assert "1. 哲学学院（ORG01）：红色研学 · 党员发展与教育 · 每季度1次 · 结合本院红色资源" in desk
    approved = post(client, "/h5/desk/own-items/1/approve")
    assert "已通过个性指标 1：哲学学院 · 红色研学" in text(client.get(approved.headers["Location"]))
    returned = post(client, "/h5/desk/own-items/2/return", reason="与规定动作重复")
    assert "已退回个性指标 2：哲学学院 · 校友讲坛" in text(client.get(returned.headers["Location"]))
    again = post(client, "/h5/desk/own-items/2/approve")
    assert "个性指标 2 已退回，不能再审核。" in text(client.get(again.headers["Location"]))
    assert "没有待审核的个性指标。" in text(client.get("/h5/desk"))
    assert "“红色研学”已通过" in told("dep01") and "“校友讲坛”被退回：与规定动作重复" in told("dep01")
    assert [(a.place, a.text, a.outcome) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("h5", "自选 通过 1", "ok"), ("h5", "自选 退回 2 与规定动作重复", "ok"), ("h5", "自选 通过 2", "ok")]
    publish_period(services, "2026-12")
    clock.set(datetime.datetime(2026, 12, 10, 9, 30))
    client = app.test_client()
    sign_in(client, "sec01")
    assert "3. 【个性】红色研学" in text(client.get("/h5/report/2026-12"))
    assert "【个性】红色研学" in text(client.get("/h5/year/2026"))
