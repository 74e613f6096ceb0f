"""已查看 (issue 23, point 2): the first sign that a secretary or deputy saw the month after its card
— a reply, a card's tap, a visit to 我的月报 — recorded once; per org 未查看 / 已查看未提交 / 已提交 in
进度, 工作台 and 统计; unseen() for the SMS. tests/conversation.py's 哲学学院 (ORG01: sec01 and its
deputy dep01) with 化学学院 (ORG02: sec02) and 中文系 (ZW01: sec03), November published on the 5th."""
from __future__ import annotations

import datetime

import pytest

from bot.dispatch import context
from handlers import admin
from handlers.card_keys import Tap, card_key
from handlers.replies import Text
from jobs.publish import publish_period, unpublish
from models import Conversation, Org, Person, Report, Seen, seen
from models.report import ReportStatus
from tests.browser import pages_app, sign_in, text
from tests.conversation import PERIOD, Chat, seed_lists
from tests.setups import run_worker

FIFTH = datetime.datetime(2026, 11, 5, 9, 0)
SIXTH = datetime.datetime(2026, 11, 6, 10, 0)


@pytest.fixture
def app(config, redis_client, clock, standin):
    return pages_app(config, clock, standin)


@pytest.fixture
def published(services, phone, clock):
    """November published on the 5th, its cards queued, not yet delivered."""
    clock.set(FIFTH)
    seed_lists(PERIOD)
    south = Org.get(Org.code == "ORG01")
    south.area = "南校区"
    south.save()
    chemistry = Org.create(code="ORG02", name="化学学院", type="学院")
    Person.create(userid="sec02", name="赵书记", roles=["secretary"], org=chemistry)
    chinese = Org.create(code="ZW01", name="中文系", type="直属系", area="南校区")
    Person.create(userid="sec03", name="孙书记", roles=["secretary"], org=chinese)
    Person.create(userid="pq-south", name="周老师", roles=["liaison"], area="南校区")
    phone.add_members([person.userid for person in Person.select()])
    assert publish_period(services, PERIOD)["cards"] == 4


@pytest.fixture
def delivered(services, published, clock):
    run_worker(services)
    clock.set(SIXTH)


def chat(services, userid: str) -> Chat:
    return Chat(userid, context(services))


def signs() -> list[tuple[str, str, str, datetime.datetime]]:
    return [(row.person.userid, row.period, row.how, row.first_at) for row in Seen.select().order_by(Seen.id)]


def utc(moment: datetime.datetime) -> datetime.datetime:
    return moment - datetime.timedelta(hours=8)      # Shanghai


def test_a_reply_is_the_first_sign_and_later_signs_do_not_move_it(services, delivered, clock, client):
    sec = chat(services, "sec01")
    sec.send("进度")
    assert signs() == [("sec01", PERIOD, "reply", utc(SIXTH))]
    assert Conversation.get().seen
    clock.set(SIXTH + datetime.timedelta(days=1))
    sec.send("1")
    sec.click(card_key(Tap.START, PERIOD))
    sign_in(client, "sec01")
    assert client.get(f"/h5/report/{PERIOD}").status_code == 200
    assert signs() == [("sec01", PERIOD, "reply", utc(SIXTH))]


def test_a_card_tap_is_a_sign_of_its_own(services, delivered):
    chat(services, "dep01").click(card_key(Tap.START, PERIOD))
    chat(services, "sec02").click(card_key(Tap.LIST, PERIOD))
    assert signs() == [("dep01", PERIOD, "card", utc(SIXTH)), ("sec02", PERIOD, "card", utc(SIXTH))]


def test_opening_the_chat_is_no_sign(services, delivered):
    chat(services, "sec01").enter()
    assert signs() == []


def test_a_visit_to_my_report_is_a_sign(services, delivered, client):
    sign_in(client, "dep01")
    assert "哲学学院" in text(client.get(f"/h5/report/{PERIOD}"))
    assert signs() == [("dep01", PERIOD, "page", utc(SIXTH))]
    client.get("/h5/report")
    assert len(signs()) == 1


def test_nothing_counts_before_the_card_reached_the_person(services, published, clock, client):
    sec = chat(services, "sec01")
    sec.send("进度")
    sign_in(client, "dep01")
    assert client.get(f"/h5/report/{PERIOD}").status_code == 200
    assert signs() == [] and not Conversation.get().seen
    run_worker(services)
    clock.set(SIXTH)
    sec.send("进度")
    assert signs() == [("sec01", PERIOD, "reply", utc(SIXTH))]


def test_the_same_sign_twice_at_once_is_one_row(delivered):
    person = Person.get(Person.userid == "sec01")
    seen.record(person, PERIOD, seen.SeenHow.PAGE, utc(SIXTH))
    seen.record(person, PERIOD, seen.SeenHow.REPLY, utc(SIXTH) + datetime.timedelta(seconds=1))
    assert signs() == [("sec01", PERIOD, "page", utc(SIXTH))]


def three_states(services) -> None:
    """ORG01 seen by its deputy only, ORG02 seen and submitted, ZW01 not seen."""
    chat(services, "dep01").send("进度")
    chat(services, "sec02").send("进度")
    Report.update(status=ReportStatus.SUBMITTED).where(
        Report.org == Org.get(Org.code == "ORG02").id).execute()


def said(services, userid: str, typed: str) -> list[str]:
    replies = admin.run(typed, Person.get(Person.userid == userid), context(services), "robot")
    return [line for reply in replies if isinstance(reply, Text) for line in reply.content.splitlines()]


def test_each_org_is_unseen_seen_or_submitted_in_progress_and_statistics(services, delivered):
    three_states(services)
    lines = said(services, "dangwei01", "进度")
    assert lines[1] == "未查看 1 · 已查看未提交 1 · 已提交 1"
    assert "未查看（1）：中文系" in lines
    south = said(services, "pq-south", "进度")
    assert south[1] == "未查看 1 · 已查看未提交 1 · 已提交 0" and "未查看（1）：中文系" in south
    assert "查看情况：未查看 1 · 已查看未提交 1 · 已提交 1。" in said(services, "dangwei01", f"统计 {PERIOD}")


def test_the_desk_shows_the_counts_and_each_org_not_submitted(services, delivered, client):
    three_states(services)
    sign_in(client, "dangwei01")
    shown = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "未查看 1 · 已查看未提交 1 · 已提交 1" in shown
    assert "哲学学院 （ORG01）· 未开始 · 0/5 · 已查看未提交" in shown
    assert "中文系 （ZW01）· 未开始 · 0/4 · 未查看" in shown
    assert "查看情况：未查看 1 · 已查看未提交 1 · 已提交 1。" in shown


def test_unseen_names_those_without_a_sign(services, delivered):
    three_states(services)
    assert seen.unseen(PERIOD, ["sec01", "dep01", "sec02", "sec03", "nobody"]) == {"sec01", "sec03", "nobody"}
    assert seen.unseen("2026-12", ["dep01"]) == {"dep01"}
    assert seen.unseen(PERIOD, []) == set()


def test_a_withdrawn_month_forgets_who_had_seen_it(services, delivered):
    chat(services, "sec01").send("进度")
    unpublish(services, PERIOD, "dangwei01")
    assert signs() == []
