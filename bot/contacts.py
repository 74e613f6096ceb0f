"""Reading WeCom's directory for the sync (models.directory_sync): departments, members, tags.

user/list_id takes only the 通讯录同步 secret's token ([wecom] contacts_secret); the rest goes with
it too, except user/get, which reads names (and mobile numbers, where WeCom gives them) with the
app's token within the app's visible range. Names are read only for the members the sync can use (in
an org's department, or already ours).
WeCom's known refusals are logged on one line each with what to do; a member whose name is refused
(60011) keeps the name we have, anything else stops the sync before it changes anything. On 45009
(too many calls a minute) a call waits and tries again.
"""
from __future__ import annotations

import datetime
import logging
import time

from bot.wecom_client import WeComError
from models.directory import ROLE_DEPUTY, ROLE_LIAISON, ROLE_SECRETARY, Org, Person
from models.directory_sync import Member, Snapshot

log = logging.getLogger(__name__)

FIXES = {
    48009: "this API does not take this secret: set [wecom] contacts_secret to the 通讯录同步 Secret "
           "(管理工具 → 通讯录同步), not the app's",
    60020: "this server's IP is not among the trusted IPs: add it under 应用管理 → the app → 企业可信IP "
           "(and 通讯录同步 → 企业可信IP)",
    60011: "no permission for that member or department: widen the app's 可见范围 to the orgs' departments",
}
RATE_LIMITED = 45009
BACKOFF_SECONDS = (1, 5, 20, 60)     # waits after each 45009 before the call is given up
LIST_ID_PAGE = 10000
CHANGE_CONTACT = "change_contact"
PENDING_KEY = "yuebao:directory:sync-pending"
PENDING_MARGIN_SECONDS = 900        # the key outlives the delay by a job's run: a lost job only delays a sync
SYNC_JOB = "jobs.directory.sync"


class DirectoryRefused(Exception):
    """WeCom refused a call the sync needs (logged already); the sync changed nothing."""


def schedule_sync(services) -> bool:
    """After a change_contact event: queue one sync unless one is already waiting; whether it queued.

    A storm of events is one sync: the first sets PENDING_KEY (SET NX, with an expiry) and queues the
    sync [directory] sync_delay_seconds later; the events after it find the key and queue nothing. The
    sync deletes the key as it starts, so an event during a sync queues the next one and no change is
    missed. Should the job be lost, the key expires and the nightly sync catches up meanwhile. (RQ's
    unique job ids would refuse a second sync while the first's finished job is still kept.)"""
    delay = services.config.directory.sync_delay_seconds
    if not services.redis.set(PENDING_KEY, "1", nx=True, ex=delay + PENDING_MARGIN_SECONDS):
        return False
    if delay > 0:
        services.queue.enqueue_in(datetime.timedelta(seconds=delay), SYNC_JOB, description="directory sync")
    else:
        services.queue.enqueue(SYNC_JOB, description="directory sync")
    return True


def refusal_line(exc: WeComError, call: str) -> str:
    fix = FIXES.get(exc.errcode)
    return f"WeCom refused {call} with {exc.errcode}: {fix}" if fix else f"WeCom refused {call}: {exc}"


def _call(send, call: str):
    """send(), waiting and trying again on 45009; a refusal is logged on one line and raised."""
    for wait in (*BACKOFF_SECONDS, None):
        try:
            return send()
        except WeComError as exc:
            if exc.errcode == RATE_LIMITED and wait is not None:
                log.warning("WeCom rate limit (45009) on %s: waiting %s s", call, wait)
                time.sleep(wait)
                continue
            log.error(refusal_line(exc, call))
            raise DirectoryRefused(refusal_line(exc, call)) from None
    raise AssertionError("unreachable")


def _dept_users(contacts) -> dict[str, list[int]]:
    """userid (lower-cased) → its departments, page by page (user/list_id's cursor)."""
    members: dict[str, list[int]] = {}
    spelled: dict[str, str] = {}
    cursor = ""
    while True:
        page = _call(lambda body={"cursor": cursor, "limit": LIST_ID_PAGE}: contacts.api("user/list_id", body),
                     "user/list_id")
        for row in page.get("dept_user") or []:
            key = str(row["userid"]).lower()
            spelled.setdefault(key, str(row["userid"]))
            members.setdefault(key, []).append(int(row["department"]))
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return {spelled[key]: departments for key, departments in members.items()}


def _tagged(contacts, tag_names: dict[str, str], departments: dict[str, list[int]]) -> dict:
    """role → the lower-cased userids its tag holds (members of a tagged department included); None
    for a role without a tag, or whose tag WeCom does not have (logged)."""
    tags = {t["tagname"]: t["tagid"] for t in _call(lambda: contacts.read("tag/list"), "tag/list").get("taglist", [])}
    tagged = {}
    for role, name in tag_names.items():
        if not name:
            tagged[role] = None
            continue
        if name not in tags:
            log.warning("WeCom has no tag %r ([directory] %s_tag): that role is kept as imported", name, role)
            tagged[role] = None
            continue
        tag = _call(lambda tagid=tags[name]: contacts.read("tag/get", {"tagid": tagid}), f"tag/get {name}")
        parties = {int(p) for p in tag.get("partylist") or []}
        users = {str(u["userid"]).lower() for u in tag.get("userlist") or []}
        users |= {userid.lower() for userid, depts in departments.items() if parties & set(depts)}
        tagged[role] = frozenset(users)
    return tagged


def _details(app, userid: str) -> tuple[str, str]:
    """(name, mobile) from user/get; "" for what it does not give (an empty mobile changes nothing)."""
    try:
        found = _call(lambda: app.read("user/get", {"userid": userid}), f"user/get {userid}")
    except DirectoryRefused:
        return "", ""       # outside the app's visible range (60011, logged): what we have stays
    return str(found.get("name") or ""), str(found.get("mobile") or "")


def read_directory(services) -> Snapshot:
    """WeCom's directory as the sync needs it. Raises DirectoryRefused (logged) when WeCom refuses."""
    config = services.config
    if not config.wecom.contacts_secret:
        line = "[wecom] contacts_secret is empty: set it to the 通讯录同步 Secret (docs/deploy.md)"
        log.error(line)
        raise DirectoryRefused(line)
    contacts = services.contacts
    _call(lambda: contacts.read("department/simplelist"), "department/simplelist")     # the token and the IP work
    departments = _dept_users(contacts)
    directory = config.directory
    tagged = _tagged(contacts, {ROLE_SECRETARY: directory.secretary_tag, ROLE_DEPUTY: directory.deputy_tag,
                                ROLE_LIAISON: directory.liaison_tag}, departments)
    mapped = {d for (d,) in Org.select(Org.wecom_department).where(Org.wecom_department.is_null(False)).tuples()}
    ours = {userid.lower() for (userid,) in Person.select(Person.userid).tuples()}
    members = {}
    for userid, depts in sorted(departments.items()):
        wanted = userid.lower() in ours or mapped & set(depts)
        name, mobile = _details(services.wecom, userid) if wanted else ("", "")
        members[userid.lower()] = Member(userid, name, tuple(depts), mobile)
    return Snapshot(members, tagged)
