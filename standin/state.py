"""The stand-in's memory: members, tokens, messages and cards, response codes, media, counters.

One lock guards everything. Methods hold it only for in-memory work and never make an HTTP call,
so API handlers, control calls and callbacks in flight can share one State from many threads.
"""
from __future__ import annotations

import copy
import json
import math
import random
import secrets
import threading
import time
from collections import Counter, defaultdict, deque

from standin.cards import CARD_CODE_TTL, CardsMixin, ControlError
from standin.directory import APP, CONTACTS, DIRECTORY_MEMORY, DirectoryMixin
from standin.faults import Faults
from standin.oauth import OAuthMixin
from standin.rules import (
    INTERACTIVE_CARDS,
    MEDIA_MSGTYPES,
    ApiError,
    card_state,
    check_agentid,
    check_media,
    check_message,
)
from standin.sms import SmsPhone
from standin.webhook import WebhookMixin

MEMORY = ("members", "tokens", "token_kinds", "current_tokens", "records", "media", "codes", "task_ids",
          "deliveries", "recent", "counters", "api_calls", "sent", "webhook_times", "_seq", "_rev", "_next_msgid",
          *DIRECTORY_MEMORY)     # what snapshot() keeps
DEFAULT_DUPLICATE_INTERVAL = 1800
MAX_DUPLICATE_INTERVAL = 4 * 3600


class State(CardsMixin, OAuthMixin, WebhookMixin, DirectoryMixin):
    def __init__(self, config):
        self.config = config
        self.lock = threading.Lock()
        self.clock = time.time
        self.closing = threading.Event()
        self.faults = Faults(config.standin.rate_per_minute)
        self.sms = SmsPhone(self.closing)         # Tencent Cloud's SMS API (standin/sms.py)
        self._seq = 0
        self._rev = 0
        self._next_msgid = random.randrange(2**62, 2**63 - 2**40)
        self._forget()

    def _forget(self) -> None:
        self.members: dict[str, str] = {}          # lower-cased userid -> userid as registered
        self.tokens: dict[str, float] = {}         # access_token -> expiry time
        self.token_kinds: dict[str, str] = {}    # access_token -> APP or CONTACTS (the secret it came from)
        self.current_tokens: dict[str, str] = {}    # APP or CONTACTS -> its latest token
        self.records: dict[int, dict] = {}         # seq -> message record, in seq order
        self.media: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}           # response_code or OAuth code -> what it may do
        self.task_ids: set[str] = set()
        self.deliveries: dict[str, deque] = defaultdict(deque)   # userid -> times in the last minute
        self.recent: dict[tuple, dict] = {}        # (userid, content) -> last delivery, for dedup
        self.counters: Counter = Counter()
        self.api_calls: Counter = Counter()
        self.sent: Counter = Counter()
        self.webhook_times: deque = deque()        # the admin group robot's sends in the last minute
        self._forget_directory()

    def reset(self) -> None:
        with self.lock:
            self._forget()
            self.faults.clear()
        self.sms.reset()

    def snapshot(self) -> dict:
        """A copy of everything held (not the faults): a test's set-up kept, to start from again."""
        with self.lock:
            return copy.deepcopy({name: getattr(self, name) for name in MEMORY})

    def restore(self, snapshot: dict) -> None:
        """Hold exactly what `snapshot` held."""
        with self.lock:
            for name, value in copy.deepcopy(snapshot).items():
                setattr(self, name, value)

    # members and tokens

    def add_members(self, userids) -> list[str]:
        if not isinstance(userids, list) or not all(isinstance(u, str) and u.strip() for u in userids):
            raise ControlError("userids: expected a list of non-empty strings")
        with self.lock:
            for userid in userids:
                self.members.setdefault(userid.strip().lower(), userid.strip())
            return sorted(self.members.values())

    def member_list(self) -> list[str]:
        with self.lock:
            return sorted(self.members.values())

    def member(self, userid) -> str:
        with self.lock:
            return self._member(userid)

    def _member(self, userid) -> str:
        found = self.members.get(str(userid or "").lower())
        if found is None:
            raise ControlError(f"{userid!r} is not a member; add it with POST /_standin/members")
        return found

    def issue_token(self, corpid: str, secret: str) -> tuple[str, int]:
        if not corpid:
            raise ApiError(41002)
        if corpid != self.config.wecom.corp_id:
            raise ApiError(40013)
        if not secret:
            raise ApiError(41004)
        kinds = {self.config.wecom.secret: APP, self.config.wecom.contacts_secret: CONTACTS}
        kind = kinds.get(secret)
        if kind is None:
            raise ApiError(40001)
        with self.lock:
            now = self.clock()
            token = self.current_tokens.get(kind)
            if token is None or self.tokens[token] <= now:
                token = secrets.token_urlsafe(48)
                self.tokens[token] = now + self.config.standin.token_ttl_seconds
                self.token_kinds[token] = kind
                self.current_tokens[kind] = token
            return token, max(1, math.ceil(self.tokens[token] - now))

    def check_token(self, token: str | None, allowed: tuple[str, ...] = (APP,)) -> str:
        """The kind of a valid token (APP or CONTACTS); 48009 when this API does not take that secret's."""
        if not token:
            raise ApiError(41001)
        with self.lock:
            expiry = self.tokens.get(token)
            if expiry is None:
                raise ApiError(40014)
            if expiry <= self.clock():
                raise ApiError(42001)
            kind = self.token_kinds.get(token, APP)
        if kind not in allowed:
            raise ApiError(48009, f"this API does not take the {kind} secret's token")
        return kind

    def expire_tokens(self) -> int:
        with self.lock:
            now = self.clock()
            for token in self.tokens:
                self.tokens[token] = min(self.tokens[token], now)
            return len(self.tokens)

    # message/send

    def send(self, body: dict) -> dict:
        check_agentid(body, self.config.wecom.agent_id)
        msgtype, payload, cut = check_message(body)
        content = {**body, msgtype: payload}
        with self.lock:
            recipients, invalid = self._recipients(body.get("touser"))
            media = self._media_info(msgtype, payload)
            fresh = [u for u in recipients if not self._duplicate(body, u, msgtype, payload)]
            if not fresh:
                self.counters["deduplicated"] += len(recipients)
                earlier = self.recent[(recipients[0], _content_key(msgtype, payload))]
                return _sent(invalid, earlier["msgid"], earlier["response_code"])
            self.counters["deduplicated"] += len(recipients) - len(fresh)
            self._check_rate(fresh)
            self._claim_task_id(msgtype, payload)
            return self._deliver(fresh, invalid, content, media, cut)

    def _recipients(self, touser) -> tuple[list[str], list[str]]:
        wanted = [u for u in str(touser or "").split("|") if u]
        if wanted == ["@all"] and self.members:
            return sorted(self.members.values()), []
        found = [self.members[u.lower()] for u in wanted if u.lower() in self.members]
        invalid = [u.lower() for u in wanted if u.lower() not in self.members]
        if not found:
            raise ApiError(81013, invaliduser="|".join(invalid))
        return list(dict.fromkeys(found)), invalid

    def _media_info(self, msgtype: str, payload: dict) -> dict | None:
        if msgtype not in MEDIA_MSGTYPES:
            return None
        stored = self.media.get(payload["media_id"])
        if stored is None:
            raise ApiError(40007)
        return {k: stored[k] for k in ("media_id", "type", "filename", "size")}

    def _duplicate(self, body: dict, userid: str, msgtype: str, payload: dict) -> bool:
        if str(body.get("enable_duplicate_check", 0)) != "1":
            return False
        try:
            interval = min(float(body.get("duplicate_check_interval") or DEFAULT_DUPLICATE_INTERVAL),
                           MAX_DUPLICATE_INTERVAL)
        except (TypeError, ValueError):
            raise ApiError(40058, "duplicate_check_interval invalid") from None
        earlier = self.recent.get((userid, _content_key(msgtype, payload)))
        return earlier is not None and self.clock() - earlier["time"] < interval

    def _check_rate(self, userids: list[str]) -> None:
        now = self.clock()
        limit = self.faults.values["rate_per_minute"]
        for userid in userids:
            times = self.deliveries[userid]
            while times and times[0] <= now - 60:
                times.popleft()
            if len(times) >= limit:
                self.counters["rate_limited"] += 1
                raise ApiError(45009, f"more than {limit} messages a minute to {userid}")

    def _claim_task_id(self, msgtype: str, payload: dict) -> None:
        task_id = payload.get("task_id") if msgtype == "template_card" else None
        if not task_id:
            return
        if task_id in self.task_ids:
            raise ApiError(40058, f"template_card.task_id {task_id} already used by this app")
        self.task_ids.add(task_id)

    def _deliver(self, userids, invalid, content, media, cut) -> dict:
        msgtype = content["msgtype"]
        payload = content[msgtype]
        msgid = secrets.token_urlsafe(24)
        seqs = {}
        for userid in userids:
            record = self._record("userid", userid, content, "send", media=media, truncated=cut)
            seqs[userid] = record["seq"]
            self.deliveries[userid].append(self.clock())
            self.sent[userid] += 1
        self.counters["truncated"] += len(userids) if cut else 0
        code = None
        if msgtype == "template_card" and payload.get("card_type") in INTERACTIVE_CARDS:
            code = self._new_code("card", CARD_CODE_TTL, targets=seqs)
        for userid in userids:
            key = (userid, _content_key(msgtype, payload))
            self.recent[key] = {"time": self.clock(), "msgid": msgid, "response_code": code}
        return _sent(invalid, msgid, code)

    def _record(self, key_name: str, key: str, content: dict, via: str, **extra) -> dict:
        self._seq += 1
        self._rev += 1
        msgtype = content.get("msgtype", "")
        card = content.get("template_card") if msgtype == "template_card" else None
        record = {"seq": self._seq, "rev": self._rev, key_name: key, "msgtype": msgtype,
                  "content": content, "via": via, "card": card_state(card) if card else None,
                  "media": None, "truncated": False, "updates": 0, "time": self.clock()}
        record.update(extra)
        self.records[self._seq] = record
        return record

    def record(self, key_name: str, key: str, content: dict, via: str, **extra) -> None:
        """Record a message delivered to a user (key_name "userid") or a chat ("chatid")."""
        with self.lock:
            self._record(key_name, key, content, via, **extra)

    # media, ids, queries and counters

    def upload_media(self, kind: str, filename: str, data: bytes, content_type: str) -> dict:
        check_media(kind, len(data))
        with self.lock:
            media_id = "3" + secrets.token_urlsafe(40)
            created = int(self.clock())
            self.media[media_id] = {"media_id": media_id, "type": kind, "filename": filename,
                                    "size": len(data), "data": data, "content_type": content_type}
            return {"type": kind, "media_id": media_id, "created_at": str(created)}

    def media_file(self, media_id: str) -> dict | None:
        with self.lock:
            return self.media.get(media_id)

    def next_msgid(self) -> int:
        """A MsgId for a user's message to the app: a 64-bit integer, never the same twice."""
        with self.lock:
            self._next_msgid += 1
            return self._next_msgid

    def messages(self, userid=None, chatid=None, after=0, since_rev=None) -> list[dict]:
        """Messages of a user or chat, oldest first: seq > after, or rev > since_rev when given."""
        with self.lock:
            if userid is not None:
                userid = self.members.get(userid.lower(), userid)
            found = [r for r in self.records.values()
                     if (userid is None or r.get("userid") == userid)
                     and (chatid is None or r.get("chatid") == chatid)
                     and (r["rev"] > since_rev if since_rev is not None else r["seq"] > after)]
            return copy.deepcopy(found)

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counters[name] += n

    def start_call(self, path: str) -> tuple[float, int | None]:
        """Count an API call; the latency to add and the errcode to fail with (None: go on)."""
        with self.lock:
            self.api_calls[path] += 1
            if not self.faults.applies_to(path):
                return 0.0, None
            errcode = self.faults.take_failure()
            if errcode is not None:
                self.counters["errors_injected"] += 1
            return self.faults.latency_seconds(), errcode

    def hold_answer(self, path: str) -> float:
        """Seconds to hold this call's answer back (0: answer now); the call is already done."""
        with self.lock:
            if not self.faults.applies_to(path) or not self.faults.take_drop():
                return 0.0
            self.counters["responses_dropped"] += 1
            return self.faults.values["hang_seconds"]

    def set_faults(self, changes: dict) -> dict:
        with self.lock:
            return self.faults.update(changes)

    def clear_faults(self) -> dict:
        with self.lock:
            self.faults.clear()
            return dict(self.faults.values)

    def stats(self) -> dict:
        with self.lock:
            names = ("rate_limited", "deduplicated", "truncated", "errors_injected", "responses_dropped",
                     "card_updates", "callbacks", "callback_attempts", "callback_failures", "protocol_errors")
            return {"gettoken_calls": self.api_calls["/cgi-bin/gettoken"], "api_calls": dict(self.api_calls),
                    "messages_sent": dict(self.sent), "members": len(self.members),
                    "messages": len(self.records), **{n: self.counters[n] for n in names}}


def _content_key(msgtype: str, payload: dict) -> str:
    return msgtype + ":" + json.dumps(payload, sort_keys=True, ensure_ascii=False)


def _sent(invalid: list[str], msgid: str, response_code: str | None) -> dict:
    answer = {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid), "msgid": msgid}
    if response_code:
        answer["response_code"] = response_code
    return answer
