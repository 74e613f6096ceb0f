"""The stand-in's directory (通讯录): departments, members, tags; what WeCom's contact APIs read of it.

department/simplelist, user/list_id (the 通讯录同步 secret's token only, else 48009, as WeCom's page
says), user/get (with the app's token, only members in its visible range, else 60011: one flag per
member stands for the range), tag/list and tag/get. Editing it (the control API) returns the
change_contact event WeCom would send, for the caller to deliver to the app.
"""
from __future__ import annotations

import copy

from standin.cards import ControlError
from standin.rules import ApiError

APP = "app"                 # a token from [wecom] secret
CONTACTS = "contacts"       # a token from [wecom] contacts_secret (通讯录同步)
ROOT_DEPARTMENT = 1
LIST_ID_MAX = 10000         # user/list_id's limit
DIRECTORY_MEMORY = ("departments", "people", "tags")


def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ControlError(f"{name}: expected a positive integer")
    return value


def _event(change_type: str, **fields) -> list[tuple[str, str | int]]:
    """The change_contact event's fields after FromUserName and CreateTime."""
    return [("MsgType", "event"), ("Event", "change_contact"), ("ChangeType", change_type), *fields.items()]


class DirectoryMixin:
    def _forget_directory(self) -> None:
        self.departments: dict[int, dict] = {ROOT_DEPARTMENT: {"id": ROOT_DEPARTMENT, "parentid": 0, "order": 0,
                                                               "name": "单位"}}
        self.people: dict[str, dict] = {}      # lower-cased userid -> {userid, name, department, mobile, visible}
        self.tags: dict[int, dict] = {}        # tagid -> {tagid, tagname, userids}

    # editing (the control API)

    def put_department(self, body: dict) -> list:
        dept_id = _int(body.get("id"), "id")
        parent = _int(body.get("parentid", ROOT_DEPARTMENT), "parentid")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ControlError("name: expected a non-empty string")
        with self.lock:
            if parent not in self.departments or parent == dept_id:
                raise ControlError(f"parentid: no department {parent}")
            known = dept_id in self.departments
            self.departments[dept_id] = {"id": dept_id, "parentid": parent, "order": int(body.get("order", 0)),
                                         "name": name.strip()}
        return _event("update_party" if known else "create_party", Id=dept_id, Name=name.strip(), ParentId=parent)

    def delete_department(self, dept_id: int) -> list:
        with self.lock:
            if dept_id not in self.departments or dept_id == ROOT_DEPARTMENT:
                raise ControlError(f"no department {dept_id} to delete")
            if any(d["parentid"] == dept_id for d in self.departments.values()) or any(
                    dept_id in p["department"] for p in self.people.values()):
                raise ControlError(f"department {dept_id} is not empty")
            del self.departments[dept_id]
        return _event("delete_party", Id=dept_id)

    def put_person(self, body: dict) -> list:
        userid, name = body.get("userid"), body.get("name")
        if not isinstance(userid, str) or not userid.strip() or not isinstance(name, str) or not name.strip():
            raise ControlError("userid and name: expected non-empty strings")
        departments = body.get("department", [ROOT_DEPARTMENT])
        if not isinstance(departments, list) or not departments:
            raise ControlError("department: expected a non-empty list of department ids")
        departments = [_int(d, "department") for d in departments]
        userid = userid.strip()
        with self.lock:
            missing = [d for d in departments if d not in self.departments]
            if missing:
                raise ControlError(f"department: no department {missing[0]}")
            known = userid.lower() in self.people
            self.people[userid.lower()] = {"userid": userid, "name": name.strip(), "department": departments,
                                           "mobile": str(body.get("mobile", "")),
                                           "visible": bool(body.get("visible", True))}
            self.members.setdefault(userid.lower(), userid)
        return _event("update_user" if known else "create_user", UserID=userid, Name=name.strip(),
                      Department=",".join(map(str, departments)))

    def delete_person(self, userid: str) -> list:
        with self.lock:
            found = self.people.pop(str(userid).lower(), None)
            if found is None:
                raise ControlError(f"{userid!r} is not in the directory")
            self.members.pop(found["userid"].lower(), None)
            for tag in self.tags.values():
                tag["userids"] = [u for u in tag["userids"] if u.lower() != found["userid"].lower()]
        return _event("delete_user", UserID=found["userid"])

    def put_tag(self, body: dict) -> list:
        """Create a tag or set its members: {tagid, tagname, userids}."""
        tagid = _int(body.get("tagid"), "tagid")
        tagname, userids = body.get("tagname"), body.get("userids", [])
        if not isinstance(tagname, str) or not tagname.strip():
            raise ControlError("tagname: expected a non-empty string")
        if not isinstance(userids, list) or not all(isinstance(u, str) for u in userids):
            raise ControlError("userids: expected a list of strings")
        with self.lock:
            unknown = [u for u in userids if u.lower() not in self.people]
            if unknown:
                raise ControlError(f"userids: {unknown[0]!r} is not in the directory")
            before = {u.lower() for u in self.tags.get(tagid, {}).get("userids", [])}
            members = [self.people[u.lower()]["userid"] for u in userids]
            self.tags[tagid] = {"tagid": tagid, "tagname": tagname.strip(), "userids": members}
        added = [u for u in members if u.lower() not in before]
        removed = sorted(before - {u.lower() for u in members})
        return _event("update_tag", TagId=tagid, AddUserItems=",".join(added), DelUserItems=",".join(removed))

    def directory(self) -> dict:
        with self.lock:
            return copy.deepcopy({"departments": sorted(self.departments.values(), key=lambda d: d["id"]),
                                  "people": sorted(self.people.values(), key=lambda p: p["userid"]),
                                  "tags": sorted(self.tags.values(), key=lambda t: t["tagid"])})

    # the API

    def department_simplelist(self, dept_id: int | None) -> list[dict]:
        """The department and all below it (every department when no id is given)."""
        with self.lock:
            if dept_id is not None and dept_id not in self.departments:
                raise ApiError(60003)
            wanted = set(self.departments) if dept_id is None else self._below(dept_id)
            return [{k: d[k] for k in ("id", "parentid", "order")}
                    for i, d in sorted(self.departments.items()) if i in wanted]

    def _below(self, dept_id: int) -> set[int]:
        found, frontier = {dept_id}, [dept_id]
        while frontier:
            parent = frontier.pop()
            children = [i for i, d in self.departments.items() if d["parentid"] == parent]
            found.update(children)
            frontier.extend(children)
        return found

    def user_list_id(self, cursor: str, limit) -> dict:
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= LIST_ID_MAX:
            limit = LIST_ID_MAX
        try:
            start = int(cursor or 0)
        except ValueError:
            raise ApiError(40058, "cursor invalid") from None
        with self.lock:
            pairs = [{"userid": p["userid"], "department": d}
                     for _, p in sorted(self.people.items()) for d in p["department"]]
        page = pairs[start:start + limit]
        rest = start + limit < len(pairs)
        return {"next_cursor": str(start + limit) if rest else "", "dept_user": page}

    def user_get(self, userid: str, kind: str) -> dict:
        with self.lock:
            person = self.people.get(str(userid or "").lower())
            if person is None:
                raise ApiError(60111)
            if kind == APP and not person["visible"]:
                raise ApiError(60011, f"{person['userid']} is outside the app's visible range")
            return {k: copy.deepcopy(person[k]) for k in ("userid", "name", "department", "mobile")}

    def tag_list(self) -> list[dict]:
        with self.lock:
            return [{"tagid": t["tagid"], "tagname": t["tagname"]} for _, t in sorted(self.tags.items())]

    def tag_get(self, tagid) -> dict:
        try:
            tagid = int(tagid)
        except (TypeError, ValueError):
            raise ApiError(40068) from None
        with self.lock:
            tag = self.tags.get(tagid)
            if tag is None:
                raise ApiError(40068)
            users = [{"userid": u, "name": self.people[u.lower()]["name"]} for u in tag["userids"]]
            return {"tagname": tag["tagname"], "userlist": users, "partylist": []}
