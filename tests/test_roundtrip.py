"""Both callbacks end to end: the stand-in encrypts and posts as WeCom does, the app answers over HTTP."""
import threading
import time

import pytest

from handlers import messages, router


@pytest.fixture(autouse=True)
def members(phone, people):
    phone.add_members(["sec01", "dep01", "dangwei01"])


def test_a_text_goes_round_trip(live_app, phone, people):
    result = phone.say("sec01", "你好")
    assert (result["status"], result["attempts"]) == (200, 1)
    [shown] = phone.messages(userid="sec01")
    assert shown["via"] == "passive" and shown["content"]["text"]["content"] == messages.NO_REPORT


def test_an_unknown_member_is_answered_politely(live_app, phone, people):
    phone.add_members(["visitor"])
    phone.say("visitor", "在吗")
    [shown] = phone.messages(userid="visitor")
    assert shown["content"]["text"]["content"] == messages.UNKNOWN_USER


def test_a_robot_mention_goes_round_trip(live_app, phone, people):
    result = phone.robot("dangwei01", "帮助")
    assert result["status"] == 200
    [shown] = phone.messages(chatid="admin-group")
    assert messages.GROUP_HELP_HEADER in shown["content"]["stream"]["content"]


def test_a_slow_answer_is_retried_by_wecom_and_acted_on_once(live_app, phone, people, standin, monkeypatch):
    standin.state.config = standin.state.config.replace(standin={"callback_timeout_seconds": 1})
    calls = []
    real = router.route

    def slow(inbound, person, ctx):
        calls.append(inbound.msg_id)
        time.sleep(1.5)
        return real(inbound, person, ctx)
    monkeypatch.setattr(router, "route", slow)
    result = phone.say("sec01", "慢一点")
    assert result["attempts"] == 2 and result["status"] == 200
    assert len(calls) == 1
    replies = [m for m in phone.messages(userid="sec01") if m["via"] == "passive"]
    assert len(replies) == 1


def test_two_messages_of_one_person_at_once_are_handled_one_at_a_time(live_app, phone, people, monkeypatch):
    active, overlaps = [], []
    real = router.route

    def watched(inbound, person, ctx):
        if active:
            overlaps.append(inbound.text)
        active.append(1)
        time.sleep(0.3)
        active.pop()
        return real(inbound, person, ctx)
    monkeypatch.setattr(router, "route", watched)
    threads = [threading.Thread(target=phone.say, args=("sec01", text)) for text in ("一", "二")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []
    assert len(phone.messages(userid="sec01")) == 2
