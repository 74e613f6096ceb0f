"""反馈: a liaison answers the difficulties and suggestions of their department (an area liaison those
of their area's orgs, an admin all) on the page, through the chat's own code: the secretary's phone
shows the answer, and the chat's 反馈 command shows it answered. November's reports of 哲学学院
(ORG01, 东校园) and 历史学院 (ORG02, 南校园); 组织部 and 宣传部 each have a liaison."""
from __future__ import annotations

import datetime

import pytest

from bot.dispatch import context
from handlers.admin import run
from handlers.feedback import route
from models import Department, Feedback, Org, Person, Report
from models.checkin import add_feedback
from tests.browser import csrf_token, pages_app, post, sign_in, text
from tests.chat import Phone
from tests.conversation import Chat, seed_month

PERIOD = "2026-11"
HANDLED_LIST = "最近处理的"


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 10, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture(autouse=True)
def members(phone):
    phone.add_members(["sec01", "sec02", "zzb01", "xcb01", "pq01", "both01", "dangwei01"])


@pytest.fixture
def feedback(db) -> dict[str, Feedback]:
    """Three routed items and a highlight, written on the 5th, 6th and 7th (10:00 in Beijing)."""
    ours = seed_month(PERIOD).org
    Org.update(area="东校园").where(Org.id == ours.id).execute()
    other = Org.create(code="ORG02", name="历史学院", type="学院", area="南校园")
    Person.create(userid="sec02", name="陈书记", roles=["secretary"], org=other)
    organisation, publicity = Department.get(name="组织部"), Department.get(name="宣传部")
    Person.create(userid="zzb01", name="赵联络员", roles=["liaison"], department=organisation)
    Person.create(userid="xcb01", name="孙联络员", roles=["liaison"], department=publicity)
    Person.create(userid="pq01", name="周联络员", roles=["liaison"], area="南校园")
    Person.create(userid="both01", name="吴联络员", roles=["liaison"], area="南校园", department=publicity)
    reports = {"ORG01": Report.get(Report.org == ours),
               "ORG02": Report.create(org=other, period=PERIOD, created_at=datetime.datetime(2026, 11, 5))}
    written = [("funds", "sec01", "ORG01", "difficulty", "缺少活动经费", organisation),
               ("training", "sec02", "ORG02", "suggestion", "希望增加培训名额", organisation),
               ("board", "sec01", "ORG01", "suggestion", "宣传栏需要更新", publicity),
               ("highlight", "sec01", "ORG01", "highlight", "主题党日", None)]
    return {name: add_feedback(reports[org], kind, said, Person.get(Person.userid == author),
                               datetime.datetime(2026, 11, day, 2), department)
            for day, (name, author, org, kind, said, department) in enumerate(written, 5)}


def reply_path(item: Feedback) -> str:
    return f"/h5/feedback/{item.id}/reply"


def ack_path(item: Feedback) -> str:
    return f"/h5/feedback/{item.id}/acknowledge"


def follow(client, response) -> str:
    """A change that went through: the list again, which says so."""
    assert response.status_code == 303 and response.headers["Location"] == "/h5/feedback"
    return text(client.get(response.headers["Location"]))


def still_open(*items: Feedback) -> bool:
    return all(Feedback.get_by_id(item.id).is_open for item in items)


def test_a_liaison_answers_their_departments_feedback_and_the_secretary_hears_it(client, services, phone, feedback):
    sign_in(client, "zzb01")
    assert "困难和建议" in text(client.get("/h5/"))
    shown = text(client.get("/h5/feedback"))
    assert "待回复 2 条" in shown and "宣传栏需要更新" not in shown and "主题党日" not in shown
    newest, older = "【建议】历史学院 · 2026年11月", "【困难】哲学学院 · 2026年11月 → 组织部 缺少活动经费"
    assert shown.index(newest) < shown.index(older)
    assert "陈书记 11-06 10:00" in shown and "张书记 11-05 10:00" in shown and HANDLED_LIST not in shown

    after = follow(client, post(client, reply_path(feedback["funds"]), text=" 已协调专项经费，下周下达。\r\n"))
    assert "已回复，书记会收到。" in after and "待回复 1 条" in after
    handled = after[after.index(HANDLED_LIST):]
    assert "缺少活动经费 张书记 11-05 10:00 ↳ 已回复：已协调专项经费，下周下达。 赵联络员 11-10 09:30" in handled
    answered = Feedback.get_by_id(feedback["funds"].id)
    assert (answered.answer, answered.answered_by.userid) == ("已协调专项经费，下周下达。", "zzb01")
    assert Phone(phone, services, "sec01").read() == ["组织部回复了您反映的“缺少活动经费”：已协调专项经费，下周下达。"]
    listed = Chat("zzb01", context(services)).send("反馈")[0]
    assert "困难和建议 2 条，待回复 1 条：" in listed and "↳ 已回复：已协调专项经费，下周下达。" in listed

    after = follow(client, post(client, ack_path(feedback["training"])))
    assert "已标记为已知悉，书记会收到通知。" in after and "没有待回复的困难和建议。" in after
    assert "希望增加培训名额 陈书记 11-06 10:00 ↳ 已知悉 11-10 09:30" in after[after.index(HANDLED_LIST):]
    assert Phone(phone, services, "sec02").read() == ["组织部已知悉您反映的“希望增加培训名额”。"]
    assert not Feedback.get_by_id(feedback["training"].id).answer and still_open(feedback["board"])


def test_what_the_chat_answered_first_is_not_answered_again(client, services, phone, feedback):
    liaison = Chat("zzb01", context(services))
    liaison.click(f"fb-reply:{feedback['funds'].id}")
    assert liaison.send("经费已下达。")[-1] == "→sec01 组织部回复了您反映的“缺少活动经费”：经费已下达。"
    sign_in(client, "zzb01")
    after = follow(client, post(client, reply_path(feedback["funds"]), text="再说一次"))
    assert "这条反馈已回复或已知悉。" in after and "↳ 已回复：经费已下达。" in after
    assert Feedback.get_by_id(feedback["funds"].id).answer == "经费已下达。"
    assert Phone(phone, services, "sec01").read() == []        # the page sends nothing more
    refused = post(client, reply_path(feedback["training"]), text="  ")
    assert refused.status_code == 200 and "没有收到内容。" in text(refused) and still_open(feedback["training"])


def test_each_liaison_sees_and_answers_only_their_own(app, client, services, phone, feedback):
    sign_in(client, "zzb01")
    for path in (reply_path(feedback["board"]), ack_path(feedback["board"]), ack_path(feedback["highlight"]),
                 "/h5/feedback/99999/reply"):
        refused = post(client, path, text="伪造的回复")
        assert refused.status_code == 403 and "这条反馈不归您处理。" in text(refused)
    assert still_open(*feedback.values()) and Phone(phone, services, "sec01").read() == []
    seen = {}
    for userid in ("xcb01", "pq01", "both01", "dangwei01"):
        other = app.test_client()
        sign_in(other, userid)
        shown = text(other.get("/h5/feedback"))
        seen[userid] = [name for name, item in feedback.items() if item.text in shown]
    assert seen == {"xcb01": ["board"], "pq01": ["training"], "both01": ["training", "board"],
                    "dangwei01": ["funds", "training", "board"]}
    secretary = app.test_client()
    sign_in(secretary, "sec01")
    assert "困难和建议" not in text(secretary.get("/h5/"))
    assert secretary.get("/h5/feedback").status_code == 403
    refused = post(secretary, ack_path(feedback["funds"]))
    assert refused.status_code == 403 and "此页面不对您开放" in text(refused) and still_open(feedback["funds"])


def test_forms_without_the_csrf_token_change_nothing(client, services, phone, feedback):
    sign_in(client, "zzb01")
    token = csrf_token(client)
    for path, form in ((reply_path(feedback["funds"]), {"text": "已协调"}), (ack_path(feedback["training"]), {})):
        for given in ({}, {"csrf_token": token[:-1]}):
            refused = client.post(path, data={**form, **given})
            assert refused.status_code == 400 and "页面已过期" in text(refused)
    assert still_open(*feedback.values()) and Phone(phone, services, "sec01").read() == []


def test_a_liaison_of_an_area_and_a_department_answers_both_in_chat_as_on_the_page(services, feedback):
    chat = Chat("both01", context(services))
    listed = chat.send("反馈")[0]
    assert "希望增加培训名额" in listed and "宣传栏需要更新" in listed and "缺少活动经费" not in listed
    assert "宣传栏需要更新" in chat.click(f"fb-reply:{feedback['board'].id}")[0]
    assert chat.send("已安排更换")[0] == "已回复，书记会收到。"
    answered = Feedback.get_by_id(feedback["board"].id)
    assert (answered.answer, answered.answered_by.userid) == ("已安排更换", "both01")


def test_feedback_sent_to_no_department_is_the_admins_to_answer_with_one_count_everywhere(client, services, phone,
                                                                                          feedback):
    lost = add_feedback(Report.get(Report.org == Org.get(Org.code == "ORG02")), "difficulty", "场地紧张",
                        Person.get(Person.userid == "sec02"), datetime.datetime(2026, 11, 8, 2), None)
    sign_in(client, "dangwei01")
    shown = text(client.get("/h5/feedback"))
    assert "待回复 4 条" in shown and "【困难】历史学院 · 2026年11月 → 未指定部门 场地紧张" in shown
    admin = Chat("dangwei01", context(services))
    assert "困难和建议 4 条，待回复 4 条：" in admin.send("反馈")[0]
    stats = run("统计 2026-11", Person.get(Person.userid == "dangwei01"), context(services), "app")[0].content
    assert "困难和建议：部门已回复 0，待回复 4。" in stats
    assert "按部门：宣传部 已回复 0 · 待回复 1 · 组织部 已回复 0 · 待回复 2 · 未指定部门 已回复 0 · 待回复 1" in stats
    assert admin.send(f"反馈 回复 {lost.id} 已协调学院会议室")[:2] == [
        "已回复，书记会收到。", "→sec02 党委办公室回复了您反映的“场地紧张”：已协调学院会议室"]
    assert "困难和建议 4 条，待回复 3 条：" in admin.send("反馈")[0]
    assert "待回复 3 条" in text(client.get("/h5/feedback"))
    assert admin.send(f"反馈 已知悉 {lost.id}")[0] == f"反馈 #{lost.id} 已经回复或已知悉。"
    for userid in ("zzb01", "pq01"):
        liaison = Chat(userid, context(services))
        assert "场地紧张" not in liaison.send("反馈")[0]
        assert liaison.send(f"反馈 回复 {lost.id} 我来答")[0].startswith(f"没有您可回复的反馈 #{lost.id}。")
    assert Feedback.get_by_id(lost.id).answered_by.userid == "dangwei01"


def test_an_admin_acknowledges_from_the_chat_and_the_page_lists_it_handled(client, services, phone, feedback):
    admin = Chat("dangwei01", context(services))
    assert admin.send(f"反馈 已知悉 #{feedback['board'].id}")[:2] == [
        "已标记为已知悉，书记会收到通知。", "→sec01 宣传部已知悉您反映的“宣传栏需要更新”。"]
    assert admin.send("反馈 回复 12")[0].startswith("请写反馈的编号")
    sign_in(client, "xcb01")
    assert "没有待回复的困难和建议。" in text(client.get("/h5/feedback"))


def test_a_departments_card_names_the_org_and_the_writer_once(services, feedback):
    card = route(feedback["funds"], "哲学学院", PERIOD, context(services))[0].reply
    assert (card.title, card.description, card.subtitle) == (
        "【困难】哲学学院 · 2026年11月", "张书记 填写", "缺少活动经费")
