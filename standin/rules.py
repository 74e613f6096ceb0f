"""WeCom's rules for what the API accepts: errcodes, message bodies, template cards, media.

The errcodes come from WeCom's global errcode page (developer.work.weixin.qq.com/document/path/90313)
and the pages of the APIs themselves (message/send: 90236, update_template_card: 94888,
media/upload: 90253, aibot response_url: 101138, auth/getuserinfo: 91023). Where the pages name no
code, the stand-in uses 40058 ("invalid parameter: see the API's page") with an errmsg that says
what was wrong.
"""
from __future__ import annotations

import re

ERRMSG = {
    -1: "system busy",
    40001: "invalid credential",
    40005: "invalid media type",
    40006: "invalid file size",
    40007: "invalid media_id",
    40008: "invalid message type",
    40009: "invalid image size",
    40011: "invalid video size",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    40056: "invalid agentid",
    40058: "invalid Request Parameter",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41005: "media data missing",
    41006: "media_id missing",
    41008: "missing code",
    41011: "agentid missing",
    42001: "access_token expired",
    44001: "empty media data",
    44004: "empty content",
    45009: "api freq out of limit",
    47001: "data format error",
    48009: "api forbidden for this secret",
    60003: "department not found",
    60011: "no privilege to access/modify contact/party/agent",
    60020: "not allow to access from your ip",
    60111: "userid not found",
    40068: "invalid tagid",
    81013: "user & party & tag all invalid",
    93000: "invalid webhook url",
}

MSGTYPES = ("text", "markdown", "image", "voice", "video", "file", "textcard", "news", "mpnews", "template_card")
MEDIA_MSGTYPES = ("image", "voice", "video", "file")
CARD_TYPES = ("text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction")
INTERACTIVE_CARDS = ("button_interaction", "vote_interaction", "multiple_interaction")
TEXT_LIMIT = 2048          # bytes; longer text is cut to this length (message/send page)
TEXT_HARD_LIMIT = 5120     # bytes; longer text is refused with 40058
MAX_BUTTONS = 6
MAX_ROWS = 6                # horizontal_content_list
URL_ROW = 1                 # a horizontal_content_list row whose value opens its url
TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]{1,128}$")
MEDIA_LIMITS = {           # type -> (max bytes, errcode when the size is wrong)
    "image": (10 * 1024 * 1024, 40009),
    "voice": (2 * 1024 * 1024, 40006),
    "video": (10 * 1024 * 1024, 40011),
    "file": (20 * 1024 * 1024, 40006),
}
MEDIA_MIN_BYTES = 5


class ApiError(Exception):
    """An errcode answer; `extra` fields (e.g. invaliduser) go into the JSON body."""

    def __init__(self, errcode: int, detail: str = "", **extra):
        super().__init__(f"{errcode} {detail}".strip())
        self.errcode = errcode
        self.detail = detail
        self.extra = extra

    def body(self) -> dict:
        return {"errcode": self.errcode, "errmsg": errmsg(self.errcode, self.detail), **self.extra}


def errmsg(errcode: int, detail: str = "") -> str:
    text = ERRMSG.get(errcode, "error")
    if detail:
        text = f"{text}: {detail}"
    return f"{text}, more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}"


def check_agentid(body: dict, agent_id: int) -> None:
    value = body.get("agentid")
    if value in (None, ""):
        raise ApiError(41011)
    try:
        matches = int(value) == agent_id
    except (TypeError, ValueError):
        matches = False
    if not matches:
        raise ApiError(40056)


def message_payload(body: dict, allowed) -> tuple[str, dict]:
    """(msgtype, its payload) of a message body, if the msgtype is one of `allowed`."""
    msgtype = body.get("msgtype")
    if msgtype not in allowed:
        raise ApiError(40008)
    payload = body.get(msgtype)
    if not isinstance(payload, dict):
        raise ApiError(40058, f"{msgtype} missing")
    return msgtype, payload


def check_message(body: dict) -> tuple[str, dict, bool]:
    """(msgtype, the msgtype's payload as it will be delivered, whether text was cut)."""
    msgtype, payload = message_payload(body, MSGTYPES)
    if msgtype in ("text", "markdown"):
        payload, cut = check_text(msgtype, payload)
        return msgtype, payload, cut
    if msgtype in MEDIA_MSGTYPES and not payload.get("media_id"):
        raise ApiError(41006)
    if msgtype == "template_card":
        check_card(payload)
    return msgtype, payload, False


def check_text(msgtype: str, payload: dict) -> tuple[dict, bool]:
    content = payload.get("content")
    if not isinstance(content, str) or not content.strip():
        raise ApiError(44004)
    raw = content.encode("utf-8")
    if len(raw) > TEXT_HARD_LIMIT:
        raise ApiError(40058, f"{msgtype}.content exceed max length {TEXT_HARD_LIMIT}")
    if len(raw) <= TEXT_LIMIT:
        return payload, False
    cut = raw[:TEXT_LIMIT].decode("utf-8", errors="ignore")
    return {**payload, "content": cut}, True


def check_card(card: dict) -> None:
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise ApiError(40058, "template_card.card_type invalid")
    if not (card.get("main_title") or {}).get("title") and not card.get("sub_title_text"):
        raise ApiError(40058, "template_card.main_title.title or sub_title_text required")
    if card_type == "text_notice" and not card.get("card_action"):
        raise ApiError(40058, "template_card.card_action required for text_notice")
    action = card.get("card_action")
    if action is not None and (not isinstance(action, dict) or action.get("type") == URL_ROW and not action.get("url")):
        raise ApiError(40058, "template_card.card_action.url required for type 1")
    check_rows(card.get("horizontal_content_list"))
    if card_type == "news_notice" and not (card.get("card_image") or card.get("image_text_area")):
        raise ApiError(40058, "template_card.card_image or image_text_area required for news_notice")
    if card_type in INTERACTIVE_CARDS or card.get("action_menu"):
        task_id = card.get("task_id")
        if not isinstance(task_id, str) or not TASK_ID.match(task_id):
            raise ApiError(40058, "template_card.task_id invalid")
    if card_type == "button_interaction":
        check_buttons(card.get("button_list"))


def check_rows(rows) -> None:
    if rows is None:
        return
    if not isinstance(rows, list) or len(rows) > MAX_ROWS:
        raise ApiError(40058, f"template_card.horizontal_content_list holds at most {MAX_ROWS} rows")
    for row in rows:
        if not isinstance(row, dict) or not row.get("keyname"):
            raise ApiError(40058, "template_card.horizontal_content_list[].keyname required")
        if row.get("type") == URL_ROW and not row.get("url"):
            raise ApiError(40058, "template_card.horizontal_content_list[].url required for type 1")


def check_buttons(buttons) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
        raise ApiError(40058, f"template_card.button_list needs 1 to {MAX_BUTTONS} buttons")
    for button in buttons:
        if not isinstance(button, dict) or not button.get("text") or not button.get("key"):
            raise ApiError(40058, "template_card.button_list[].text and key required")


def card_state(card: dict) -> dict:
    """What the phone shows of a card: the fields a person reads and the buttons to press."""
    main = card.get("main_title") or {}
    rows = [item for item in card.get("horizontal_content_list") or [] if isinstance(item, dict)]
    fields = [{"key": item.get("keyname", ""), "value": item.get("value", "")} for item in rows
              if item.get("type") != URL_ROW]
    links = [{"text": item.get("value", ""), "url": item.get("url", "")} for item in rows
             if item.get("type") == URL_ROW]
    buttons = [
        {"text": b["text"], "key": b["key"]}
        for b in card.get("button_list") or []
        if isinstance(b, dict) and b.get("text") and b.get("key")
    ]
    return {
        "card_type": card.get("card_type", ""),
        "task_id": card.get("task_id", ""),
        "title": main.get("title", ""),
        "description": "\n".join(t for t in (main.get("desc", ""), card.get("sub_title_text", "")) if t),
        "fields": fields,
        "links": links,
        "url": (card.get("card_action") or {}).get("url", ""),
        "buttons": buttons,
        "replaced_name": None,
    }


def check_media(kind: str, size: int) -> None:
    if kind not in MEDIA_LIMITS:
        raise ApiError(40005)
    if size == 0:
        raise ApiError(44001)
    limit, errcode = MEDIA_LIMITS[kind]
    if size <= MEDIA_MIN_BYTES or size > limit:
        raise ApiError(errcode, f"{kind} must be {MEDIA_MIN_BYTES + 1} to {limit} bytes")
