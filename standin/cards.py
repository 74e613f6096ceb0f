"""Template cards after they are sent, and response codes: card updates, clicks, the robot's
response_url. A mixin of State: every method here runs under State's lock."""
from __future__ import annotations

import secrets

from standin.rules import INTERACTIVE_CARDS, ApiError, card_state, check_agentid, check_card, message_payload

CARD_CODE_TTL = 72 * 3600       # update_template_card page: a response_code lives 72 hours
ROBOT_CODE_TTL = 3600           # aibot response_url page: one hour
ROBOT_MSGTYPES = ("markdown", "text", "template_card")


class ControlError(ValueError):
    """A control call that cannot be carried out; the message is the reason given back."""


class CardsMixin:
    def _new_code(self, kind: str, ttl: float, **scope) -> str:
        code = secrets.token_urlsafe(32)
        self.codes[code] = {"kind": kind, "expires": self.clock() + ttl, "used": False, **scope}
        return code

    def _code(self, code, kind: str) -> dict:
        entry = self.codes.get(str(code or ""))
        if entry is None or entry["kind"] != kind:
            raise ApiError(40058, "invalid response_code")
        if entry["used"]:
            raise ApiError(40058, "response_code has been used")
        if entry["expires"] <= self.clock():
            raise ApiError(40058, "response_code expired")
        return entry

    def update_card(self, body: dict) -> dict:
        """message/update_template_card: replace the buttons' caption or the whole card, once a code."""
        check_agentid(body, self.config.wecom.agent_id)
        button, new_card = body.get("button"), body.get("template_card")
        if isinstance(new_card, dict):
            check_card(new_card)
            replace_name = None
        elif isinstance(button, dict) and button.get("replace_name"):
            replace_name, new_card = str(button["replace_name"]), None
        else:
            raise ApiError(40058, "button.replace_name or template_card required")
        with self.lock:
            entry = self._code(body.get("response_code"), "card")
            chosen, invalid = _chosen(entry["targets"], body)
            if not chosen:
                raise ApiError(81013, invaliduser=invalid)
            records = [self.records[entry["targets"][u]] for u in chosen if entry["targets"][u] in self.records]
            if replace_name and any(r["card"]["card_type"] not in INTERACTIVE_CARDS for r in records):
                raise ApiError(40058, "only interactive cards can have their buttons replaced")
            for record in records:
                self._change_card(record, replace_name, new_card)
            entry["used"] = True
            self.counters["card_updates"] += 1
            return {"errcode": 0, "errmsg": "ok", "invaliduser": invalid}

    def _change_card(self, record: dict, replace_name: str | None, new_card: dict | None) -> None:
        if new_card is not None:
            state = card_state(new_card)
            state["task_id"] = state["task_id"] or record["card"]["task_id"]
            record["card"] = state
        else:
            record["card"]["replaced_name"] = replace_name
        self._rev += 1
        record["rev"] = self._rev
        record["updates"] += 1

    def prepare_click(self, userid, task_id, key) -> dict:
        """Check that `userid` sees a live card `task_id` with button `key`; a fresh ResponseCode."""
        with self.lock:
            userid = self._member(userid)
            cards = [r for r in self.records.values()
                     if r.get("userid") == userid and r["card"] and r["card"]["task_id"] == task_id]
            if not cards:
                raise ControlError(f"{userid} has no card with task_id {task_id!r}")
            record = cards[-1]
            if record["card"]["replaced_name"] is not None:
                raise ControlError(f"card {task_id!r} was already answered: {record['card']['replaced_name']}")
            if key not in [b["key"] for b in record["card"]["buttons"]]:
                raise ControlError(f"card {task_id!r} has no button with key {key!r}")
            code = self._new_code("card", CARD_CODE_TTL, targets={userid: record["seq"]})
            return {"userid": userid, "task_id": task_id, "key": key, "seq": record["seq"],
                    "card_type": record["card"]["card_type"], "response_code": code}

    def replace_button(self, seq: int, replace_name: str) -> None:
        """A passive update_button reply to a click: the clicked card shows `replace_name`."""
        with self.lock:
            record = self.records.get(seq)
            if record is not None:
                self._change_card(record, replace_name, None)
                self.counters["card_updates"] += 1

    def robot_code(self, chatid: str) -> str:
        with self.lock:
            return self._new_code("robot", ROBOT_CODE_TTL, chatid=chatid)

    def robot_response(self, code, body: dict) -> dict:
        """aibot/response: one message into the chat the response_url was made for."""
        msgtype, payload = message_payload(body, ROBOT_MSGTYPES)
        if msgtype == "template_card":
            check_card(payload)
        elif not str(payload.get("content") or "").strip():
            raise ApiError(44004)
        with self.lock:
            entry = self._code(code, "robot")
            entry["used"] = True
            self._record("chatid", entry["chatid"], body, "response_url")
            return {"errcode": 0, "errmsg": "ok"}


def _chosen(targets: dict, body: dict) -> tuple[list[str], list[str]]:
    """The code's recipients named in the request, and the names that are not its recipients."""
    if str(body.get("atall", 0)) == "1":
        return list(targets), []
    wanted = [str(u).lower() for u in body.get("userids") or []]
    known = {u.lower(): u for u in targets}
    return [known[w] for w in dict.fromkeys(wanted) if w in known], [w for w in wanted if w not in known]
