"""The terminal phone against a real stand-in and the tiny app of test_standin."""
from __future__ import annotations

import io
import queue
import re
import threading
import time

import requests
from test_standin import CARD, USER, api, client, standin, standin_config, tiny_app  # noqa: F401 (fixtures)

from standin.client import StandinClient
from standin.phone import HELP, run_phone

BANNER = f"【企业微信模拟】{USER} 已进入应用会话。输入 /help 查看命令。"
BYE = "【企业微信模拟】已退出。"
CARD_LINES = ["  【卡片】五月月报", "  请在10日前填报", "  截止：5月10日"]


def talk(client, typed: str, **options) -> list[str]:
    out = io.StringIO()
    run_phone(client, USER, stdin=io.StringIO(typed), stdout=out, poll_seconds=0.05, **options)
    return re.sub(r"^\[\d\d:\d\d\] ", "[hh:mm] ", out.getvalue(), flags=re.M).splitlines()


def test_conversation_with_the_app(client, tiny_app, api):
    def answer(message):
        if message["MsgType"] == "text":
            return tiny_app.passive(f"<xml><MsgType>text</MsgType><Content>收到：{message['Content']}</Content></xml>")
        if message.get("Event") == "enter_agent":
            api.send("template_card", CARD)
        if message.get("Event") == "template_card_event":
            return tiny_app.passive("<xml><MsgType>update_button</MsgType>"
                                    "<Button><ReplaceName>已选择：开始填报</ReplaceName>"
                                    "</Button></xml>")
        return ""

    tiny_app.answer = answer
    assert talk(client, "你好\n/enter\n!1\n") == [
        BANNER,
        "[hh:mm] 月报助手", "  收到：你好",
        "[hh:mm] 月报助手", *CARD_LINES, "  [1] 开始填报  [2] 查看清单",
        "[hh:mm] 月报助手（卡片已更新）", *CARD_LINES, "  [已选择：开始填报]",
        BYE,
    ]
    assert tiny_app.received[-1]["EventKey"] == "start"


def test_group_chat_goes_to_the_robot(client, tiny_app):
    reply = {"msgtype": "stream", "stream": {"id": "s1", "finish": True, "content": "**本月进度**\n已填 3 / 5"}}
    tiny_app.robot_answer = lambda message: tiny_app.robot_passive(reply)
    assert talk(client, "进度\n/帮助\n/photo\n!1\n/quit\n不会发出\n", group=True, chatid="party-group") == [
        f"【企业微信模拟】{USER} 已进入群聊 party-group，发送的文字会 @月报助手。输入 /help 查看命令。",
        "[hh:mm] 月报助手", "  **本月进度**", "  已填 3 / 5",
        "[hh:mm] 月报助手", "  **本月进度**", "  已填 3 / 5",
        "（群聊中只能发送文字）",
        "（没有可点击的卡片）",
        BYE,
    ]
    assert [m["text"]["content"] for m in tiny_app.received] == ["@月报助手 进度", "@月报助手 /帮助"]
    assert {m["chatid"] for m in tiny_app.received} == {"party-group"}


def test_failures_help_and_media(client, tiny_app, api):
    tiny_app.answer = lambda message: ("forbidden", 403)
    upload = {"media": ("清单.xlsx", b"x" * 2048, "application/octet-stream")}
    media_id = api_upload(api, upload)
    api.send("file", {"media_id": media_id})
    assert talk(client, "/help\n你好\n/voice\n!1\n/dance\n") == [
        BANNER,
        "[hh:mm] 月报助手", "  ［文件］清单.xlsx（2.0 KB）",
        *HELP.splitlines(),
        "（回调失败：HTTP 403）",
        "（回调失败：HTTP 403）",
        "（没有可点击的卡片）",
        "（回调失败：HTTP 403）",            # /dance is no command of the phone: it is sent as typed
        BYE,
    ]


def api_upload(api, files: dict) -> str:
    url = api.base + "media/upload"
    answer = requests.post(url, params={"access_token": api.token(), "type": "file"}, files=files, timeout=5)
    return answer.json()["media_id"]


def test_card_already_answered_and_app_down(client, api, standin):
    api.send("template_card", CARD)
    standin.state.config = standin.state.config.replace(standin={"app_url": "http://127.0.0.1:9"})
    code = api.send("template_card", {**CARD, "task_id": "second"})["response_code"]
    api.update(code, button={"replace_name": "已处理"})
    lines = talk(client, "!3\n!1\n")
    assert lines[-3:] == ["（没有第 3 个按钮）", "（这张卡片已处理：已处理）", BYE]
    assert talk(client, "你好\n")[-2:] == ["（回调失败：应用无应答，已尝试 4 次）", BYE]


class TypedSlowly:
    """stdin that hands out lines only when the test gives them."""

    def __init__(self):
        self.lines: queue.Queue[str] = queue.Queue()

    def readline(self) -> str:
        return self.lines.get(timeout=10)


def test_poller_shows_messages_as_they_arrive(client, api):
    typed, out = TypedSlowly(), io.StringIO()
    running = threading.Thread(target=run_phone, args=(client, USER),
                               kwargs={"stdin": typed, "stdout": out, "poll_seconds": 0.05})
    running.start()
    api.text("会议通知：周五下午三点")
    deadline = time.monotonic() + 5
    while "会议通知" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    typed.lines.put("/quit\n")
    running.join(timeout=5)
    assert not running.is_alive()
    assert out.getvalue().splitlines()[-2:] == ["  会议通知：周五下午三点", BYE]


class CtrlC:
    def readline(self) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_leaves_cleanly(client):
    out = io.StringIO()
    run_phone(client, USER, stdin=CtrlC(), stdout=out, poll_seconds=0.05)
    assert out.getvalue().splitlines() == [BANNER, BYE]


def test_standin_unreachable():
    out = io.StringIO()
    run_phone(StandinClient("http://127.0.0.1:9", timeout=2), USER, stdin=io.StringIO("hi\n"), stdout=out)
    assert out.getvalue() == "（无法连接企业微信模拟服务器 http://127.0.0.1:9）\n"
