"""The group robot's push webhook (webhook/send?key=…): a message into the group chat the key belongs
to, at most 20 a minute per robot. The stand-in knows one such robot: the admin group's, whose key is
[admin_group] webhook_key; any other key is refused with 93000, as WeCom refuses an unknown one."""
from __future__ import annotations

from standin.rules import ApiError, message_payload

WEBHOOK_CHAT = "admin-group"
WEBHOOK_MSGTYPES = ("text", "markdown")
WEBHOOK_PER_MINUTE = 20
WEBHOOK_CONTENT_BYTES = 4096


class WebhookMixin:
    def webhook_send(self, key: str | None, body: dict) -> dict:
        expected = self.config.admin_group.webhook_key
        if not key or key != expected:
            raise ApiError(93000)
        msgtype, payload = message_payload(body, WEBHOOK_MSGTYPES)
        content = str(payload.get("content") or "")
        if not content.strip():
            raise ApiError(44004)
        if len(content.encode("utf-8")) > WEBHOOK_CONTENT_BYTES:
            raise ApiError(40058, f"{msgtype}.content exceeds {WEBHOOK_CONTENT_BYTES} bytes")
        with self.lock:
            times = self.webhook_times
            now = self.clock()
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) >= WEBHOOK_PER_MINUTE:
                self.counters["rate_limited"] += 1
                raise ApiError(45009, f"more than {WEBHOOK_PER_MINUTE} messages a minute to this robot")
            times.append(now)
            self._record("chatid", WEBHOOK_CHAT, body, "webhook")
        return {"errcode": 0, "errmsg": "ok"}
