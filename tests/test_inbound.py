import pytest

from bot.inbound import MalformedMessage, from_app_xml, from_robot_json
from tests.wecom import event_xml, robot_json, text_xml


def test_text_message():
    inbound = from_app_xml(text_xml("sec01", " 1 ", msg_id="42"))
    assert (inbound.user, inbound.kind, inbound.text, inbound.dedupe_key) == ("sec01", "text", "1", "app:msg:42")


def test_image_and_voice():
    image = from_app_xml("<xml><FromUserName>u</FromUserName><MsgType>image</MsgType><PicUrl>p</PicUrl>"
                         "<MediaId>m1</MediaId><MsgId>7</MsgId></xml>")
    voice = from_app_xml("<xml><FromUserName>u</FromUserName><MsgType>voice</MsgType>"
                         "<MediaId>m2</MediaId><Format>amr</Format><MsgId>8</MsgId></xml>")
    assert (image.kind, image.media_id) == ("image", "m1")
    assert (voice.kind, voice.media_id) == ("voice", "m2")


def test_unknown_message_type_is_other():
    inbound = from_app_xml("<xml><FromUserName>u</FromUserName><MsgType>location</MsgType><MsgId>9</MsgId></xml>")
    assert inbound.kind == "other"


def test_template_card_event_carries_task_and_response_code():
    inbound = from_app_xml(event_xml("sec01", "template_card_event", key="done", task_id="t-1",
                                     response_code="RC9"))
    assert (inbound.kind, inbound.event, inbound.event_key, inbound.task_id, inbound.response_code) == (
        "event", "template_card_event", "done", "t-1", "RC9")


def test_events_in_the_same_second_are_told_apart_by_key_and_task():
    keys = {from_app_xml(event_xml("u", "template_card_event", key=k, task_id=t)).dedupe_key
            for k, t in [("done", "t1"), ("skip", "t1"), ("done", "t2")]}
    assert len(keys) == 3
    again = from_app_xml(event_xml("u", "template_card_event", key="done", task_id="t1")).dedupe_key
    assert again in keys


@pytest.mark.parametrize("xml", [
    "<xml><MsgType>text</MsgType><MsgId>1</MsgId></xml>",                       # no sender
    "<xml><FromUserName>u</FromUserName><MsgId>1</MsgId></xml>",                # no type
    "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>",         # no MsgId
    "<xml><FromUserName>u</FromUserName><MsgType>event</MsgType></xml>",        # no Event
    "<notxml/>", "<xml>", "plain words", "",
    '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><FromUserName>&a;</FromUserName></xml>',
])
def test_malformed_app_messages(xml):
    with pytest.raises(MalformedMessage):
        from_app_xml(xml)


def test_robot_message_strips_the_mention():
    inbound = from_robot_json(robot_json("dangwei01", "进度 2026-11", msg_id="m-1"))
    assert (inbound.source, inbound.user, inbound.text, inbound.chat_id, inbound.dedupe_key) == (
        "robot", "dangwei01", "进度 2026-11", "admin-group", "robot:msg:m-1")


@pytest.mark.parametrize("body", ["[]", "{}", "not json", '{"msgid": "1", "msgtype": "text"}',
                                  '{"msgid": "1", "from": {"userid": "u"}}',
                                  '{"from": {"userid": "u"}, "msgtype": "text"}'])
def test_malformed_robot_messages(body):
    with pytest.raises(MalformedMessage):
        from_robot_json(body)
