"""A thin client for the stand-in's control API (/_standin/), for tests and the terminal phone.

Safe to share between threads: every call is its own request.
"""
from __future__ import annotations

import requests


class StandinError(Exception):
    """The stand-in refused a control call; `reason` is its explanation."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class StandinClient:
    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, json=None, params=None):
        url = f"{self.base_url}/_standin/{path}"
        response = requests.request(method, url, json=json, params=params, timeout=self.timeout)
        if response.status_code >= 400:
            try:
                reason = response.json().get("error", response.text)
            except ValueError:
                reason = response.text
            raise StandinError(f"{method} {url}: HTTP {response.status_code}: {reason}", reason)
        return response.json()

    def add_members(self, userids: list[str]) -> list[str]:
        return self._call("POST", "members", {"userids": list(userids)})["members"]

    def members(self) -> list[str]:
        return self._call("GET", "members")["members"]

    def directory(self) -> dict:
        """The stand-in's directory: departments, people, tags."""
        return self._call("GET", "directory")

    def put_department(self, dept_id: int, name: str, parentid: int = 1, order: int = 0) -> dict:
        """Create or rename a department; the app gets the change_contact event (the answer's "callback")."""
        return self._call("POST", "directory/departments",
                          {"id": dept_id, "name": name, "parentid": parentid, "order": order})

    def delete_department(self, dept_id: int) -> dict:
        return self._call("DELETE", f"directory/departments/{dept_id}")

    def put_person(self, userid: str, name: str, department: list[int] | None = None, mobile: str = "",
                   visible: bool = True) -> dict:
        """Create or update a member (`visible`: inside the app's visible range); also a member for messages."""
        return self._call("POST", "directory/people", {"userid": userid, "name": name, "department": department or [1],
                                                       "mobile": mobile, "visible": visible})

    def delete_person(self, userid: str) -> dict:
        return self._call("DELETE", f"directory/people/{userid}")

    def put_tag(self, tagid: int, tagname: str, userids: list[str]) -> dict:
        """Create a tag or set its members."""
        return self._call("POST", "directory/tags", {"tagid": tagid, "tagname": tagname, "userids": list(userids)})

    def say(self, userid: str, text: str) -> dict:
        return self._call("POST", "say", {"userid": userid, "text": text})

    def send_image(self, userid: str) -> dict:
        return self._call("POST", "image", {"userid": userid})

    def send_voice(self, userid: str) -> dict:
        return self._call("POST", "voice", {"userid": userid})

    def event(self, userid: str, event: str, key: str = "") -> dict:
        return self._call("POST", "event", {"userid": userid, "event": event, "key": key})

    def click(self, userid: str, task_id: str, key: str) -> dict:
        return self._call("POST", "click", {"userid": userid, "task_id": task_id, "key": key})

    def robot(self, userid: str, text: str, chatid: str = "admin-group", chattype: str = "group") -> dict:
        return self._call("POST", "robot", {"userid": userid, "text": text, "chatid": chatid, "chattype": chattype})

    def messages(self, userid: str | None = None, chatid: str | None = None, after: int = 0) -> list[dict]:
        """Messages delivered to a user or a chat with seq greater than `after`, oldest first."""
        return self._call("GET", "messages", params=_query(userid, chatid, after=after))

    def changes(self, userid: str | None = None, chatid: str | None = None, since_rev: int = 0) -> list[dict]:
        """Messages delivered or changed (e.g. a card updated) since revision `since_rev`."""
        return self._call("GET", "messages", params=_query(userid, chatid, since_rev=since_rev))

    def set_faults(self, **switches) -> dict:
        return self._call("POST", "faults", switches)

    def clear_faults(self) -> dict:
        return self._call("DELETE", "faults")

    def reset(self) -> None:
        self._call("POST", "reset")

    def stats(self) -> dict:
        return self._call("GET", "stats")

    def sms(self) -> list[dict]:
        """The SMS the stand-in's Tencent Cloud SMS API sent, oldest first: {to, template_id, params …}."""
        return self._call("GET", "sms")

    def set_sms_faults(self, **switches) -> dict:
        """codes={"+86…": "Code"}, error_next / hang_next / drop_next = n, error_code, hang_seconds."""
        return self._call("POST", "sms/faults", switches)

    def expire_tokens(self) -> int:
        return self._call("POST", "expire_tokens")["expired"]


def _query(userid, chatid, **rest) -> dict:
    params = {name: value for name, value in (("userid", userid), ("chatid", chatid)) if value is not None}
    params.update(rest)
    return params
