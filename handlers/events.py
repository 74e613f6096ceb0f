"""An inbound message or event, as the core sees it (the edge builds these from WeCom's formats)."""
from __future__ import annotations

from dataclasses import dataclass

TEXT = "text"
IMAGE = "image"
VOICE = "voice"
EVENT = "event"
OTHER = "other"


@dataclass(frozen=True)
class Inbound:
    source: str                 # "app" (the self-built app's 1:1 chat) or "robot" (group robot)
    user: str                   # WeCom userid of the sender
    kind: str                   # text | image | voice | event | other
    dedupe_key: str             # the same for every WeCom retry of this callback
    text: str = ""
    chat_id: str = ""           # robot: the chat; app: empty
    chat_type: str = ""         # robot: group | single
    msg_id: str = ""
    event: str = ""             # enter_agent | click | template_card_event …
    event_key: str = ""
    task_id: str = ""           # template card task id
    response_code: str = ""     # template card: lets us update the clicked card once
    media_id: str = ""
    response_url: str = ""      # robot: where a later answer may be posted once
    create_time: int = 0
