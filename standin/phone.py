"""A phone in the terminal: one member's conversation with the work-app through the stand-in, or,
with group=True, a group chat where what is typed goes to the robot as an @-mention.

A background poller prints what arrives; each typed line is carried out before the next is read,
and what it brought back is printed right after it.
"""
from __future__ import annotations

import sys
import threading
import time

import requests

from standin.callbacks import ROBOT_NAME
from standin.client import StandinClient, StandinError

HELP = """可用命令：
  直接输入文字   发送消息（其他以 / 开头的文字，如 /帮助，也原样发出）
  !N            点击最近一张卡片的第 N 个按钮
  /photo        发送一张图片
  /voice        发送一条语音
  /enter        进入应用
  /help         显示本帮助
  /quit         退出"""
MEDIA_COMMANDS = ("/photo", "/voice", "/enter")
MEDIA_NAMES = {"image": "图片", "voice": "语音", "video": "视频", "file": "文件"}


class Phone:
    def __init__(self, client: StandinClient, userid: str, group: bool, chatid: str, stdout, poll_seconds: float):
        self.client = client
        self.userid = userid
        self.group = group
        self.chatid = chatid
        self.stdout = stdout
        self.poll_seconds = poll_seconds
        self.rev = 0
        self.seen: set[int] = set()
        self.cards: dict[int, dict] = {}
        self.offline = False
        self.stop = threading.Event()
        self.print_lock = threading.Lock()
        self.fetch_lock = threading.Lock()

    def show(self, text: str) -> None:
        with self.print_lock:
            self.stdout.write(text + "\n")
            self.stdout.flush()

    def refresh(self) -> None:
        """Print what arrived or changed since the last look."""
        with self.fetch_lock:
            try:
                if self.group:
                    changes = self.client.changes(chatid=self.chatid, since_rev=self.rev)
                else:
                    changes = self.client.changes(userid=self.userid, since_rev=self.rev)
            except (requests.RequestException, StandinError):
                if not self.offline:
                    self.show("（无法连接企业微信模拟服务器）")
                self.offline = True
                return
            self.offline = False
            for record in changes:
                self.rev = max(self.rev, record["rev"])
                updated = record["seq"] in self.seen
                self.seen.add(record["seq"])
                if record["card"]:
                    self.cards[record["seq"]] = record["card"]
                self.show(format_message(record, updated))

    def poll(self) -> None:
        while not self.stop.wait(self.poll_seconds):
            self.refresh()

    def handle(self, line: str) -> bool:
        """Carry out one typed line; False when the user leaves."""
        if line == "/quit":
            return False
        if line == "/help":
            self.show(HELP)
        elif line:
            self.act(line)
            self.refresh()
        return True

    def act(self, line: str) -> None:
        try:
            if line.startswith("!"):
                self.press(line[1:].strip())
            elif line in MEDIA_COMMANDS:
                self.command(line)
            elif self.group:
                self.report(self.client.robot(self.userid, line, chatid=self.chatid))
            else:
                self.report(self.client.say(self.userid, line))
        except StandinError as exc:
            self.show(f"（操作失败：{exc.reason}）")
        except requests.RequestException:
            self.show("（无法连接企业微信模拟服务器）")

    def command(self, line: str) -> None:
        actions = {"/photo": lambda: self.client.send_image(self.userid),
                   "/voice": lambda: self.client.send_voice(self.userid),
                   "/enter": lambda: self.client.event(self.userid, "enter_agent")}
        if self.group:
            self.show("（群聊中只能发送文字）")
        else:
            self.report(actions[line]())

    def press(self, number: str) -> None:
        with self.fetch_lock:
            cards = [card for _, card in sorted(self.cards.items()) if card["buttons"]]
        if self.group or not cards:
            self.show("（没有可点击的卡片）")
            return
        card = cards[-1]
        if not number.isdigit() or not 1 <= int(number) <= len(card["buttons"]):
            self.show(f"（没有第 {number} 个按钮）")
        elif card["replaced_name"] is not None:
            self.show(f"（这张卡片已处理：{card['replaced_name']}）")
        else:
            button = card["buttons"][int(number) - 1]
            self.report(self.client.click(self.userid, card["task_id"], button["key"]))

    def report(self, result: dict) -> None:
        line = result_line(result)
        if line:
            self.show(line)


def run_phone(client: StandinClient, userid: str, group: bool = False, chatid: str = "admin-group",
              stdin=sys.stdin, stdout=sys.stdout, poll_seconds: float = 0.5) -> None:
    """Run the phone until input ends, the user types /quit or presses Ctrl-C."""
    phone = Phone(client, userid, group, chatid, stdout, poll_seconds)
    try:
        client.add_members([userid])
    except (requests.RequestException, StandinError):
        phone.show(f"（无法连接企业微信模拟服务器 {client.base_url}）")
        return
    where = f"群聊 {chatid}，发送的文字会 @{ROBOT_NAME}" if group else "应用会话"
    phone.show(f"【企业微信模拟】{userid} 已进入{where}。输入 /help 查看命令。")
    phone.refresh()
    poller = threading.Thread(target=phone.poll, name="phone-poller", daemon=True)
    poller.start()
    try:
        for line in iter(stdin.readline, ""):
            if not phone.handle(line.strip()):
                break
    except KeyboardInterrupt:
        pass
    finally:
        phone.stop.set()
        poller.join()
    phone.refresh()
    phone.show("【企业微信模拟】已退出。")


def result_line(result: dict) -> str | None:
    """The line to show for a callback that did not go well, or None."""
    if result.get("error"):
        return f"（回调异常：{result['error']}）"
    status = result.get("status")
    if status is None:
        return f"（回调失败：应用无应答，已尝试 {result.get('attempts')} 次）"
    if not 200 <= status < 300:
        return f"（回调失败：HTTP {status}）"
    return None


def format_message(record: dict, updated: bool = False) -> str:
    when = time.strftime("%H:%M", time.localtime(record["time"]))
    head = f"[{when}] {ROBOT_NAME}" + ("（卡片已更新）" if updated else "")
    return head + "\n" + "\n".join("  " + line for line in body_lines(record))


def body_lines(record: dict) -> list[str]:
    if record["card"]:
        return card_lines(record["card"])
    msgtype = record["msgtype"]
    part = record["content"].get(msgtype)
    part = part if isinstance(part, dict) else {}
    if msgtype in ("text", "markdown", "stream"):
        return str(part.get("content", "")).splitlines() or [""]
    if msgtype in MEDIA_NAMES:
        return [media_line(msgtype, record.get("media"))]
    if msgtype in ("news", "mpnews"):
        return ["［图文］" + article.get("title", "") for article in part.get("articles", [])] or ["［图文］"]
    if msgtype == "textcard":
        return ["［卡片］" + part.get("title", ""), *str(part.get("description", "")).splitlines()]
    return [f"［{msgtype} 消息］"]


def card_lines(card: dict) -> list[str]:
    lines = ["【卡片】" + card["title"]]
    if card["description"]:
        lines.append(card["description"])
    lines += [f"{f['key']}：{f['value']}" if f["key"] else f["value"] for f in card["fields"]]
    if card["replaced_name"] is not None:
        lines.append(f"[{card['replaced_name']}]")
    elif card["buttons"]:
        lines.append("  ".join(f"[{n}] {b['text']}" for n, b in enumerate(card["buttons"], 1)))
    return lines


def media_line(msgtype: str, media: dict | None) -> str:
    name = MEDIA_NAMES[msgtype]
    if not media:
        return f"［{name}］"
    size = media["size"]
    shown = f"{size} 字节" if size < 1024 else f"{size / 1024:.1f} KB"
    return f"［{name}］{media['filename']}（{shown}）"
