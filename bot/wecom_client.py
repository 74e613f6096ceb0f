"""The WeCom API client: wechatpy's, with a configurable host (gettoken included) and a token
shared by every process through Redis, refreshed under a lock."""
from __future__ import annotations

import json
import logging

import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.session.redisstorage import RedisStorage

log = logging.getLogger(__name__)

TOKEN_ERRORS = {40001, 40014, 42001}    # invalid credential, invalid token, expired token
TOKEN_MARGIN_SECONDS = 300              # refresh a little before WeCom expires the token
CONNECTIONS = 32
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def _json_body(data: dict | None) -> bytes | None:
    return None if data is None else json.dumps(data, ensure_ascii=False).encode("utf-8")


class WeComError(Exception):
    """WeCom answered with a non-zero errcode, an HTTP error, or not at all (errcode None)."""

    def __init__(self, errcode: int | None, errmsg: str, detail: dict | None = None):
        super().__init__(f"errcode={errcode} errmsg={errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.detail = detail or {}


class WeComClient(WeChatClient):
    """`secret`: another of the corp's secrets (the 通讯录同步 one, as `purpose` "contacts"), whose
    token is kept under a name of its own."""

    def __init__(self, wecom, redis, secret: str | None = None, purpose: str = ""):
        self.API_BASE_URL = wecom.api_base_url
        self.agent_id = wecom.agent_id
        self.purpose = purpose
        self._redis = redis
        self.http = requests.Session()
        self.http.trust_env = False     # no proxy lookup in the environment on every call (0.4 ms each)
        # Deliveries send from several threads at once: a connection each, kept for the next send.
        self.http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=CONNECTIONS))
        self.http.mount("https://", requests.adapters.HTTPAdapter(pool_maxsize=CONNECTIONS))
        super().__init__(
            wecom.corp_id, wecom.secret if secret is None else secret,
            session=RedisStorage(redis, prefix="yuebao:wecom"), timeout=wecom.timeout_seconds, auto_retry=False,
        )

    @property
    def access_token_key(self) -> str:
        # wechatpy's default key embeds part of the secret; ours names only the app (or the purpose).
        return f"token:{self.corp_id}:{self.purpose or self.agent_id}"

    @property
    def access_token(self) -> str:
        return self.session.get(self.access_token_key) or self.fetch_access_token()

    def fetch_access_token(self, stale: str | None = None) -> str:
        """Get a token once for all processes: whoever holds the lock fetches, the others reuse it."""
        lock = self._redis.lock(f"yuebao:wecom:token-lock:{self.corp_id}:{self.purpose or self.agent_id}",
                                timeout=30, blocking_timeout=30)
        with lock:
            current = self.session.get(self.access_token_key)
            if current and current != stale:
                return current
            log.info("fetching a WeCom access token for agent %s", self.agent_id)
            result = self._call(self.http.get, self.API_BASE_URL + "gettoken",
                                params={"corpid": self.corp_id, "corpsecret": self.secret})
            ttl = max(60, int(result.get("expires_in", 7200)) - TOKEN_MARGIN_SECONDS)
            self.session.set(self.access_token_key, result["access_token"], ttl)
            return result["access_token"]

    def _call(self, send, url: str, **request) -> dict:
        try:
            response = send(url, timeout=self.timeout, **request)
        except requests.RequestException as exc:
            raise WeComError(None, f"network: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise WeComError(None, f"HTTP {response.status_code}")
        try:
            result = response.json()
        except ValueError:
            raise WeComError(None, "answer is not JSON") from None
        errcode = int(result.get("errcode", 0) or 0)
        if errcode:
            raise WeComError(errcode, str(result.get("errmsg", "")), result)
        return result

    def api(self, endpoint: str, data: dict | None = None, files: dict | None = None,
            params: dict | None = None) -> dict:
        """POST to an API endpoint; on a token error, refresh the token once and try again."""
        return self._with_token(self.http.post, endpoint, params, files=files, data=_json_body(data),
                                headers=None if files else JSON_HEADERS)

    def read(self, endpoint: str, params: dict | None = None) -> dict:
        """GET an API endpoint (department/simplelist, user/get, tag/…), with the token handling of api()."""
        return self._with_token(self.http.get, endpoint, params)

    def user_from_code(self, code: str) -> str | None:
        """The userid of the member an OAuth2 code names (auth/getuserinfo, a GET); None for someone
        outside the corp, whom WeCom names by an openid only."""
        return self._with_token(self.http.get, "auth/getuserinfo", {"code": code}).get("userid") or None

    def _with_token(self, send, endpoint: str, params: dict | None, **request) -> dict:
        for attempt in (1, 2):
            token = self.access_token
            query = {**(params or {}), "access_token": token}
            try:
                return self._call(send, self.API_BASE_URL + endpoint, params=query, **request)
            except WeComError as exc:
                if attempt == 1 and exc.errcode in TOKEN_ERRORS:
                    log.info("WeCom token rejected (%s), refreshing once", exc.errcode)
                    self.fetch_access_token(stale=token)
                    continue
                raise
        raise AssertionError("unreachable")

    def webhook(self, key: str, data: dict) -> dict:
        """POST to a group robot's webhook (webhook/send?key=…)."""
        return self._call(self.http.post, self.API_BASE_URL + "webhook/send", params={"key": key},
                          data=_json_body(data), headers=JSON_HEADERS)

    def post_plain(self, url: str, data: dict) -> dict:
        """POST to a URL that needs no token (the robot's response_url)."""
        return self._call(self.http.post, url, data=_json_body(data), headers=JSON_HEADERS)

