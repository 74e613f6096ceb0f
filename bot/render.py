"""Replies → the JSON bodies WeCom's APIs take, and the XML/JSON of passive replies."""
from __future__ import annotations

import json

import xmltodict

from handlers import messages as m
from handlers.replies import Card, CardUpdate, FileReply, Markdown, Text
from handlers.report_views import plain

TEXT_LIMIT_BYTES = 2048       # message/send: text and markdown content
GROUP_LIMIT_BYTES = 4096      # webhook/send: markdown content
GROUP_SEPARATOR = "\n\n"


def cut_utf8(text: str, limit: int = TEXT_LIMIT_BYTES) -> str:
    """At most `limit` bytes of UTF-8, never splitting a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def template_card(card: Card) -> dict:
    body = {
        "card_type": "button_interaction" if card.buttons else "text_notice",
        "main_title": {"title": card.title, "desc": card.description},
    }
    if card.subtitle:
        body["sub_title_text"] = card.subtitle
    rows = [{"keyname": k, "value": v} for k, v in card.lines]
    if card.url:            # its page: a row that says so (type 1 opens the url), and a tap on the card
        rows.append({"keyname": m.PAGE_KEY, "value": m.PAGE_LINK, "type": 1, "url": card.url})
        body["card_action"] = {"type": 1, "url": card.url}
    if rows:
        body["horizontal_content_list"] = rows
    if card.buttons:
        body["task_id"] = card.task_id
        body["button_list"] = [{"text": b.text, "style": b.style, "key": b.key} for b in card.buttons]
    return body


def card_as_markdown(card: Card) -> str:
    """A card's fields are plain text (a note, a feedback among them): quoted as such in markdown."""
    lines = [f"**{plain(card.title)}**"]
    lines += [plain(text) for text in (card.description, card.subtitle) if text]
    lines += [f"{plain(k)}：{plain(v)}" for k, v in card.lines]
    lines += [f"[{m.PAGE_LINK}]({card.url})"] if card.url else []
    return "\n".join(lines)


def app_message(reply) -> tuple[str, dict]:
    """(kind, body) for message/send or update_template_card, recipient fields left out."""
    if isinstance(reply, Text):
        return "text", {"msgtype": "text", "text": {"content": cut_utf8(reply.content)}}
    if isinstance(reply, Markdown):
        return "markdown", {"msgtype": "markdown", "markdown": {"content": cut_utf8(reply.content)}}
    if isinstance(reply, Card):
        if not reply.buttons and not reply.url:
            return "markdown", {"msgtype": "markdown", "markdown": {"content": card_as_markdown(reply)}}
        return "template_card", {"msgtype": "template_card", "template_card": template_card(reply)}
    if isinstance(reply, CardUpdate):
        return "card_update", {"response_code": reply.response_code,
                               "button": {"replace_name": reply.replace_name}}
    if isinstance(reply, FileReply):
        return reply.kind, {"msgtype": reply.kind, "path": reply.path}
    raise TypeError(f"cannot send {type(reply).__name__}")


def robot_message(reply) -> tuple[str, dict]:
    """(kind, body) for the robot's response_url: markdown or a template card."""
    if isinstance(reply, Card) and (reply.buttons or reply.url):
        return "template_card", {"msgtype": "template_card", "template_card": template_card(reply)}
    content = card_as_markdown(reply) if isinstance(reply, Card) else getattr(reply, "content", "")
    return "markdown", {"msgtype": "markdown", "markdown": {"content": cut_utf8(content, 20480)}}


def group_message(reply) -> tuple[str, dict]:
    """(kind, body) for the admin group's webhook: markdown."""
    content = card_as_markdown(reply) if isinstance(reply, Card) else reply.content
    return "markdown", {"msgtype": "markdown", "markdown": {"content": cut_utf8(content, GROUP_LIMIT_BYTES)}}


def _group_content(row) -> str:
    return json.loads(row.payload)["markdown"]["content"]


def merge_group(rows: list) -> list:
    """The first rows whose contents fit in one webhook message (at least one)."""
    taken, size = [], -len(GROUP_SEPARATOR)
    for row in rows:
        size += len(GROUP_SEPARATOR) + len(_group_content(row).encode("utf-8"))
        if taken and size > GROUP_LIMIT_BYTES:
            break
        taken.append(row)
    return taken


def group_body(rows: list) -> dict:
    content = GROUP_SEPARATOR.join(_group_content(row) for row in rows)
    return {"msgtype": "markdown", "markdown": {"content": cut_utf8(content, GROUP_LIMIT_BYTES)}}


def passive_app_xml(reply, user: str, corp_id: str, timestamp: str) -> str:
    """The plaintext XML of a passive reply: a text, or a card's buttons greyed out."""
    fields = {"ToUserName": user, "FromUserName": corp_id, "CreateTime": timestamp}
    if isinstance(reply, CardUpdate):
        fields.update(MsgType="update_button", Button={"ReplaceName": reply.replace_name})
    else:
        fields.update(MsgType="text", Content=cut_utf8(reply.content))
    return xmltodict.unparse({"xml": fields}, full_document=False)


def encrypted_xml(encrypt: str, signature: str, timestamp: str, nonce: str) -> str:
    return xmltodict.unparse({"xml": {
        "Encrypt": encrypt, "MsgSignature": signature, "TimeStamp": timestamp, "Nonce": nonce,
    }}, full_document=False)
