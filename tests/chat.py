"""A person's phone on the stand-in, for conversation tests: type, tap, read what arrived."""
from __future__ import annotations

from tests.setups import run_worker


def show(message: dict) -> str:
    """One message as a line of text: what the person reads."""
    content = message["content"]
    kind = message["msgtype"]
    if kind == "text":
        return content["text"]["content"]
    if kind == "markdown":
        return content["markdown"]["content"]
    if kind == "stream":
        return content["stream"]["content"]
    if kind == "template_card":
        card = content["template_card"]
        parts = [card["main_title"]["title"], card["main_title"].get("desc", ""), card.get("sub_title_text", "")]
        parts += [f"{row['keyname']}：{row['value']}" for row in card.get("horizontal_content_list", [])
                  if "url" not in row]          # the card's 在网页中查看 (its page)
        parts += ["[" + b["text"] + "]" for b in card.get("button_list", [])]
        return " | ".join(p for p in parts if p)
    return kind


class Phone:
    def __init__(self, standin, services, userid: str):
        self.standin, self.services, self.userid = standin, services, userid
        self.seen = 0

    def read(self) -> list[str]:
        """What arrived since the last read, each message as text."""
        run_worker(self.services)
        fresh = self.standin.messages(userid=self.userid, after=self.seen)
        if fresh:
            self.seen = fresh[-1]["seq"]
        return [show(m) for m in fresh]

    def send(self, text: str) -> list[str]:
        result = self.standin.say(self.userid, text)
        assert result["status"] == 200, result
        return self.read()

    def photo(self) -> list[str]:
        self.standin.send_image(self.userid)
        return self.read()

    def enter(self) -> list[str]:
        self.standin.event(self.userid, "enter_agent")
        return self.read()

    def last_card(self) -> dict:
        cards = [m for m in self.standin.messages(userid=self.userid) if m.get("card") and m["card"].get("buttons")]
        return cards[-1]["card"]

    def tap(self, label: str, card: dict | None = None) -> list[str]:
        card = card or self.last_card()
        key = next(b["key"] for b in card["buttons"] if b["text"] == label)
        result = self.standin.click(self.userid, card["task_id"], key)
        assert result["status"] == 200, result
        return self.read()
