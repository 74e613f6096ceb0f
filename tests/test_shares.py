"""优秀月报分享 (issue 22, point 4): an admin shares an org's submitted report, or one highlight, with
the secretaries of its type (or all), named or anonymous; asked first, sent on 确认, once; the org
told; the page only for those it was shared with; withdrawn, the page says so; the year's count in
统计. tests/conversation.py's 哲学学院 (ORG01, 学院) with 化学学院 (ORG02, 学院) and 中文系 (ZW01, 直属系)."""
from __future__ import annotations

import dataclasses
import datetime

import pytest

from bot import outbound
from handlers import admin, messages as m
from handlers.replies import Card, Outgoing, Text
from jobs.publish import publish_period
from models import AuditEntry, Entry, Feedback, Org, OutboxMessage, PendingCommand, Person, Report, Share
from models.report import ReportStatus
from tests.browser import pages_app, post, sign_in, text
from tests.conversation import PERIOD, seed_lists, seed_month

ASK = m.CONFIRM_ASK.format(minutes=2)


def office(ctx, typed: str, userid: str = "dangwei01") -> list:
    """What an admin reads back in the robot's chat; the messages to others queued as the edge queues them."""
    replies = admin.run(typed, Person.get(Person.userid == userid), ctx, "robot")
    for reply in replies:
        if isinstance(reply, Outgoing):
            outbound.enqueue(reply.key, "app", reply.to, reply.reply, ctx.clock.utcnow())
    return replies


def words(replies: list) -> str:
    return "\n".join(reply.content for reply in replies if isinstance(reply, Text))


def sent(replies: list) -> dict[str, object]:
    return {reply.to: reply.reply for reply in replies if isinstance(reply, Outgoing)}


def others() -> None:
    chemistry = Org.create(code="ORG02", name="化学学院", type="学院")
    Person.create(userid="sec02", name="赵书记", roles=["secretary"], org=chemistry)
    Person.create(userid="dep02", name="钱副书记", roles=["deputy"], org=chemistry)
    chinese = Org.create(code="ZW01", name="中文系", type="直属系")
    Person.create(userid="sec03", name="孙书记", roles=["secretary"], org=chinese)
    Org.create(code="ORG09", name="旧学院", type="学院", active=False)


def submit(period: str = PERIOD) -> Report:
    report = Report.get(Report.period == period, Report.org == Org.get(Org.code == "ORG01"))
    Report.update(status=ReportStatus.SUBMITTED).where(Report.id == report.id).execute()
    for said in ("哲学学院张书记带头讲党课", "ORG01 读书班"):
        Feedback.create(report=report, kind="highlight", text=said, created_at=datetime.datetime(2026, 11, 6))
    Feedback.create(report=report, kind="difficulty", text="经费紧张", created_at=datetime.datetime(2026, 11, 6))
    return report


@pytest.fixture
def month(ctx):
    seed_month()
    others()
    return submit()


def footprint() -> tuple[int, int, int]:
    return Share.select().count(), PendingCommand.select().count(), OutboxMessage.select().count()


def test_a_share_says_what_it_will_do_and_sends_on_confirm_to_the_secretaries_of_its_type(ctx, month):
    ctx = dataclasses.replace(ctx, pages="https://yuebao.example/h5/")
    asked = words(office(ctx, f"分享 ORG01 {PERIOD}"))
    assert asked == ("将把哲学学院（ORG01）2026年11月的月报作为优秀月报分享给学院类组织的 1 位书记（显示组织名称），"
                     "并告知该组织 2 人。\n" + ASK)
    assert Share.select().count() == 0
    replies = office(ctx, "确认")
    share = Share.get()
    assert words(replies) == "已分享 FX1：1 位书记将收到卡片，已告知哲学学院。"
    cards = sent(replies)
    assert set(cards) == {"sec02", "sec01", "dep01"}      # not the deputy of 化学学院, not 中文系, not the org itself
    card = cards["sec02"]
    assert isinstance(card, Card) and card.url.endswith(f"/h5/shared/{share.id}")
    assert card.description == "党委办公室推荐哲学学院的月报，供学习交流。"
    assert cards["sec01"].content.startswith("您单位2026年11月的月报被作为优秀月报分享给学院类组织（显示组织名称）")
    assert [(a.command, a.outcome) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("分享", "asked"), ("分享", "ok")]
    assert words(office(ctx, "确认")) == m.CONFIRM_NOTHING
    assert words(office(ctx, f"分享 ORG01 {PERIOD}")) == "哲学学院2026年11月的月报已经分享过（FX1），不重复分享。"
    assert Share.select().count() == 1


def test_to_all_and_anonymous_one_highlight_names_neither_the_org_nor_its_people(ctx, month):
    asked = words(office(ctx, f"分享 ORG01 {PERIOD} 亮点1 匿名 全部"))
    assert "亮点1（哲学学院张书记带头讲党课）作为优秀月报分享给全部组织的 2 位书记（匿名）" in asked
    replies = office(ctx, "确认")
    cards = sent(replies)
    assert set(cards) == {"sec02", "sec03", "sec01", "dep01"}
    for userid in ("sec02", "sec03"):
        seen = cards[userid].title + cards[userid].description
        assert "某学院" in seen and not any(name in seen for name in ("哲学学院", "ORG01", "张书记"))
    assert Share.get().feedback.text == "哲学学院张书记带头讲党课" and Share.get().anonymous
    # the highlight alone is shared: the whole report may still be, and the other highlight
    assert words(office(ctx, f"分享 ORG01 {PERIOD} 亮点2")).endswith(ASK)


@pytest.mark.parametrize("typed, said", [
    ("分享 NOPE 2026-11", "没有这些组织编号：NOPE。"),
    ("分享 ORG01 2026-13", m.BAD_MONTH.format(word="2026-13")),
    ("分享 ORG01 2026-10", "2026年10月的月报还没有发布，不能分享。"),
    ("分享 ORG02 2026-11", "化学学院2026年11月的月报还没有提交，只能分享已提交的月报。"),
    ("分享 ORG01 2026-11 亮点3", "哲学学院2026年11月的月报没有亮点3（共 2 条亮点）。"),
    ("分享 ORG01 2026-11 大概", "看不懂“大概”。"),
    ("分享 撤回 FX9", "没有分享 FX9。发“分享”查看本年的分享。"),
])
def test_every_refusal_is_one_line_and_changes_nothing(ctx, month, typed, said):
    before = footprint()
    assert words(office(ctx, typed)).splitlines()[0] == said
    assert footprint() == before


def test_withdrawal_asks_then_hides_and_the_list_and_statistics_count_the_year(ctx, month):
    office(ctx, f"分享 ORG01 {PERIOD} 匿名")
    office(ctx, "确认")
    listed = words(office(ctx, "分享"))
    assert listed.splitlines()[:2] == ["2026年优秀月报分享 1 次（已撤回 0 次）：",
                                       "FX1 · 哲学学院（匿名） · 2026年11月 · 月报 · 学院类组织 · 已发 1 人"]
    assert "优秀月报分享（2026年）：1 次" in words(office(ctx, "统计 2026"))
    assert "优秀月报分享" not in words(office(ctx, f"统计 {PERIOD}"))
    assert words(office(ctx, "分享 撤回 FX1")) == (
        "将撤回 FX1（哲学学院2026年11月的月报）：已收到的 1 人打开时将看到“已撤回”。\n" + ASK)
    assert Share.get().withdrawn_at is None
    assert words(office(ctx, "确认")) == "已撤回 FX1。"
    assert Share.get().withdrawn_at is not None
    assert words(office(ctx, "分享 撤回 FX1")) == "FX1 已经撤回。"
    assert "优秀月报分享" not in words(office(ctx, "统计 2026"))
    assert words(office(ctx, "分享")).splitlines()[1].endswith("已发 1 人 · 已撤回")
    assert words(office(ctx, f"分享 ORG01 {PERIOD}")).endswith(ASK)     # withdrawn: it may be shared again


def test_secretaries_and_deputies_may_not_share(ctx, month):
    assert words(office(ctx, f"分享 ORG01 {PERIOD}", "sec01")).startswith("“分享”仅限党委办公室管理员使用")
    assert footprint() == (0, 0, 0)


# the pages

@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 20, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture
def shared(client, services, phone):
    phone.add_members(["sec01", "dep01", "dangwei01", "sec02", "dep02", "sec03"])
    seed_lists(PERIOD)
    others()
    publish_period(services, PERIOD)
    report = submit()
    Person.update(name="张书记").where(Person.userid == "sec01").execute()
    entry = report.entries.order_by(Entry.position).first()
    entry.note = "哲学学院张书记主讲，李副书记主持"
    entry.save()
    return report


def test_the_desk_asks_and_its_confirm_shares_then_the_page_opens_for_those_it_is_for(app, client, shared):
    sign_in(client, "dangwei01")
    asked = post(client, "/h5/desk/shares", org="ORG01", period=PERIOD, anonymous="1")
    assert asked.status_code == 303
    page = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "分享给学院类组织的 1 位书记（匿名）" in page and "有一项操作等待您确认" in page
    assert Share.select().count() == 0
    assert post(client, "/h5/desk/confirm", period=PERIOD).status_code == 303
    share = Share.get()
    page = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "已分享 FX1" in page and "FX1 · 哲学学院（匿名）" in page and "有一项操作等待您确认" not in page
    assert {row.recipient for row in OutboxMessage.select().where(OutboxMessage.key.startswith("share:"))} == {
        "sec02", "sec01", "dep01"}
    for userid, status in (("sec02", 200), ("sec01", 200), ("dep02", 200), ("sec03", 403), ("dangwei01", 200)):
        browser = app.test_client()
        sign_in(browser, userid)
        response = browser.get(f"/h5/shared/{share.id}")
        assert response.status_code == status, userid
        if status == 200:
            seen = text(response)
            assert "某学院" in seen and "某单位主讲，某单位主持" in seen and "带头讲党课" in seen
            assert not any(name in seen for name in ("哲学学院", "ORG01", "张书记", "李副书记", "经费紧张"))
    assert client.get("/h5/shared/99").status_code == 404


def test_a_withdrawn_share_shows_only_that_it_was_withdrawn(app, client, shared):
    sign_in(client, "dangwei01")
    post(client, "/h5/desk/shares", org="ORG01", period=PERIOD, all="1")
    post(client, "/h5/desk/confirm", period=PERIOD)
    share = Share.get()
    assert "哲学学院" in text(client.get(f"/h5/shared/{share.id}"))       # named
    post(client, f"/h5/desk/shares/{share.code}/withdraw", period=PERIOD)
    post(client, "/h5/desk/confirm", period=PERIOD)
    browser = app.test_client()
    sign_in(browser, "sec03")
    response = browser.get(f"/h5/shared/{share.id}")
    assert response.status_code == 410 and "已被党委办公室撤回" in text(response)
    assert "哲学学院" not in text(response)
