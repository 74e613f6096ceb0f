"""在网页中查看: the cards a person gets link to the page of what they are about (a row that opens
it, and a tap on the card), the admin group's answers end with a link to 工作台 or 反馈, and following
a link signs the person in and lands on that page. Without [pages] nothing links anywhere."""
from __future__ import annotations

import datetime

import pytest

from handlers import messages as m
from jobs import runtime
from models import Department, Entry, Person, Report
from models.checkin import add_feedback
from models.demo import DEMO_SECRETARY
from tests.browser import PUBLIC_URL, csrf_token, pages_app, sign_in
from tests.chat import Phone
from tests.setups import demo_month, run_worker
from tests.test_admin import Desk

PERIOD = "2026-12"
REPORT_PAGE = f"{PUBLIC_URL}/h5/report/{PERIOD}"
DESK_LINK = f"[{m.PAGE_LINK}]({PUBLIC_URL}/h5/desk/{PERIOD})"


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    return pages_app(config, clock, standin)


@pytest.fixture
def desk(client, config, services, phone):
    demo_month(services, phone, PERIOD)
    return Desk(client, config, services, phone)


def last_card(phone, userid: str) -> dict:
    return [message["card"] for message in phone.messages(userid=userid) if message["card"]][-1]


def link(url: str) -> list[dict]:
    return [{"text": m.PAGE_LINK, "url": url}]


def test_the_month_card_and_each_item_card_open_the_report_page(desk, services, phone, live_app):
    notice = last_card(phone, DEMO_SECRETARY)
    assert notice["title"] == "2026年12月党建月报已发布"
    assert notice["links"] == link(REPORT_PAGE) and notice["url"] == REPORT_PAGE
    Phone(phone, services, DEMO_SECRETARY).tap("开始填报")
    report = Report.get(Report.org == Person.get(Person.userid == DEMO_SECRETARY).org, Report.period == PERIOD)
    first = Entry.get(Entry.report == report, Entry.position == 1)
    item = last_card(phone, DEMO_SECRETARY)
    assert item["title"].startswith("第 1/") and item["links"] == link(f"{REPORT_PAGE}#e{first.id}")


def test_a_reminder_opens_the_report_page(desk, phone):
    assert "已提醒 1 人" in desk.group("dangwei01", "催办 XY01")
    run_worker(desk.services)
    reminder = last_card(phone, DEMO_SECRETARY)
    assert "提醒" in reminder["title"] and reminder["links"] == link(REPORT_PAGE)


def test_a_difficulty_card_opens_the_liaisons_inbox(client, desk, phone):
    sign_in(client, DEMO_SECRETARY)
    department = Department.get(Department.name == "组织部")
    form = {"kind": "difficulty", "text": "活动经费报销较慢", "department": department.id}
    sent = client.post(f"/h5/report/{PERIOD}/feedback", data={"csrf_token": csrf_token(client), **form})
    assert sent.status_code == 303
    run_worker(desk.services)
    card = last_card(phone, "dept-zzb")
    assert "活动经费报销较慢" in card["description"] and card["links"] == link(f"{PUBLIC_URL}/h5/feedback")


def test_the_groups_answers_link_to_the_desk_and_the_inbox(desk, clock):
    assert desk.group("dangwei01", "进度").endswith("\n" + DESK_LINK)
    assert DESK_LINK in desk.group("dangwei01", "统计")
    assert desk.chat("dangwei01", "进度").endswith(f'\n<a href="{PUBLIC_URL}/h5/desk/{PERIOD}">{m.PAGE_LINK}</a>')
    assert m.PAGE_LINK not in desk.group("pq-gznan", "进度")        # 工作台 is not theirs
    secretary = Person.get(Person.userid == DEMO_SECRETARY)
    add_feedback(Report.get(Report.org == secretary.org, Report.period == PERIOD), "difficulty", "活动经费报销较慢",
                 secretary, clock.utcnow(), Department.get(Department.name == "组织部"))
    assert desk.group("dept-zzb", "反馈").endswith(f"\n[{m.PAGE_LINK}]({PUBLIC_URL}/h5/feedback)")


@pytest.mark.parametrize("who, page", [(DEMO_SECRETARY, f"/h5/report/{PERIOD}"), ("dangwei01", f"/h5/desk/{PERIOD}"),
                                       ("dept-zzb", "/h5/feedback")])
def test_following_a_link_signs_in_and_lands_on_its_page(client, desk, who, page):
    assert sign_in(client, who, page).headers["Location"] == page
    assert client.get(page).status_code == 200


def test_without_pages_nothing_links(config, redis_client, clock, standin, phone):
    app = pages_app(config.replace(pages={"secret_key": ""}), clock, standin)
    services = app.extensions["yuebao"]
    runtime.use(services)
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    desk_ = Desk(app.test_client(), config, services, phone)
    demo_month(services, phone, PERIOD)
    notice = last_card(phone, DEMO_SECRETARY)
    assert notice["links"] == [] and notice["url"] == ""
    assert m.PAGE_LINK not in desk_.group("dangwei01", "进度")
