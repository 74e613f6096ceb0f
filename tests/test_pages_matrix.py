"""Who may open each page and send each form under /h5/, on the demo directory with December
published on the 8th: an admin; the secretary and the deputy of 中国语言文学系 (ZS01, 广州南校园);
the secretary of another org, 环境科学与工程学院 (XY20, 广州东校园); the area liaison of 广州南校园;
the department liaison of 宣传部; someone in the corp the directory does not know. Four
difficulties wait for an answer: two from ZS01 for 组织部, two from XY20 for 宣传部, so that each
liaison has feedback of their own and feedback of others'; two 个性指标 of XY20 wait for the office.
A refused request changes nothing."""
from __future__ import annotations

import datetime
import re

import pytest

from handlers import messages as m
from jobs.files import made_file
from models import (
    ALL_MODELS,
    Department,
    Entry,
    Feedback,
    Org,
    OwnItem,
    Person,
    Report,
    Seen,
    database,
    own_items,
    shares,
)
from models.checkin import add_feedback
from models.demo import raise_demo_tasks
from models.own_items import OwnItemStatus
from models.report import EntryStatus, ReportStatus
from pages import texts
from pages.auth import CSRF
from tests.browser import csrf_token, pages_app, sign_in, text
from tests.setups import demo_month

PERIOD = "2026-12"
REPORT, DESK, INBOX = f"/h5/report/{PERIOD}", f"/h5/desk/{PERIOD}", "/h5/feedback"
ROLES = ("admin", "secretary", "deputy", "east_secretary", "area_liaison", "dept_liaison", "unknown")
WHO = dict(zip(ROLES, ("dangwei01", "sec-zs01", "dep-zs01", "sec-xy20", "pq-gznan", "dept-xcb", "stranger"),
               strict=True))
NOTES = {   # the difficulties waiting, name → (org, department, text): the 1s get a reply, the 2s 已知悉
    "south1": ("ZS01", "组织部", "南校园活动经费不足"), "south2": ("ZS01", "组织部", "南校园培训名额太少"),
    "east1": ("XY20", "宣传部", "东校园宣传栏破旧"), "east2": ("XY20", "宣传部", "东校园缺少活动场地"),
}
SOUTH = ("中国语言文学系", *(said for org, _, said in NOTES.values() if org == "ZS01"))
EAST = ("环境科学与工程学院", *(said for org, _, said in NOTES.values() if org == "XY20"))
UNSEEN = {"admin": (), "secretary": EAST, "deputy": EAST, "east_secretary": SOUTH, "area_liaison": EAST,
          "dept_liaison": SOUTH[1:], "unknown": SOUTH + EAST}   # what no page may show them (a department
#                                                                 sees which orgs answered its own tasks)

# What a person gets: (status, what the page says). SEE a page, DONE a change then the page again,
# BYE signed out; refused: PAGE not their page, ENTRY another org's item, NOTE feedback not theirs,
# NOBODY not in the directory.
SEE, DONE, BYE = (200, None), (303, None), (200, texts.LOGGED_OUT)
PAGE, ENTRY, NOTE, NOBODY = ((403, said) for said in (texts.NOT_FOR_YOU, texts.NOT_YOURS, texts.FEEDBACK_NOT_YOURS,
                                                      m.UNKNOWN_USER))
TASK = {code: (403, m.TASK_NOT_YOURS.format(code=code)) for code in ("T02", "T13")}     # another department's
SOUTH_ANSWER = {"entry": "{south}", "status": EntryStatus.DONE, "amount": "1"}     # a number stays only where counted
EAST_ANSWER = {**SOUTH_ANSWER, "entry": "{east}"}
HIGHLIGHT, REPLY = {"kind": "highlight", "text": "主题党日"}, {"text": "已协调"}
OWN_ITEM = {"title": "红色研学", "category": "党员发展与教育", "frequency": "每季度", "target": "1", "unit": "次"}
RECTIFICATION = {"org": "ZS01", "source": "点评", "problem": "会议记录不全", "responsible": "系党委书记",
                 "deadline": "2027-01-31"}
COMMENT = {"kind": "problem", "item": "1", "text": "学习记录不全"}
OWN_DESK = "/h5/desk/own-items/{own1}"      # two proposals of XY20's wait: own1 is approved, own2 returned

# Each person walks the rows in this order (logout last). A {name} in a path or form is the id of
# NOTES' feedback or of the first entry of ZS01's ("south") or XY20's ("east") report.
MATRIX = [  # endpoint, method, path, form, then the outcome for each of ROLES
    ("home", "GET", "/h5/", {}, SEE, SEE, SEE, SEE, SEE, SEE, NOBODY),
    ("this_month", "GET", "/h5/report", {}, PAGE, SEE, SEE, SEE, PAGE, PAGE, NOBODY),
    ("month", "GET", REPORT, {}, PAGE, SEE, SEE, SEE, PAGE, PAGE, NOBODY),
    ("my_year", "GET", "/h5/year", {}, PAGE, SEE, SEE, SEE, PAGE, PAGE, NOBODY),
    ("my_year", "GET", "/h5/year/2026", {}, PAGE, SEE, SEE, SEE, PAGE, PAGE, NOBODY),
    ("desk", "GET", "/h5/desk", {}, SEE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("desk", "GET", DESK, {}, SEE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("download", "GET", f"{DESK}/files/month", {}, SEE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("org_month", "GET", f"/h5/orgs/XY20/{PERIOD}", {}, SEE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("org_year_page", "GET", "/h5/orgs/XY20/year/2026", {}, SEE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("feedback_inbox", "GET", INBOX, {}, SEE, PAGE, PAGE, PAGE, SEE, SEE, NOBODY),
    ("answer", "POST", f"{REPORT}/answer", SOUTH_ANSWER, PAGE, DONE, DONE, ENTRY, PAGE, PAGE, NOBODY),
    ("answer", "POST", f"{REPORT}/answer", EAST_ANSWER, PAGE, ENTRY, ENTRY, DONE, PAGE, PAGE, NOBODY),
    ("feedback", "POST", f"{REPORT}/feedback", HIGHLIGHT, PAGE, DONE, DONE, DONE, PAGE, PAGE, NOBODY),
    ("submit", "POST", f"{REPORT}/submit", {"confirm": "1"}, PAGE, DONE, DONE, DONE, PAGE, PAGE, NOBODY),
    ("remind", "POST", "/h5/desk/remind", {"org": "ZS01"}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("export", "POST", f"{DESK}/export", {"what": "month"}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("export", "POST", f"{DESK}/export", {"what": "bulletin"}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("export", "POST", f"{DESK}/export", {"what": "review"}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("chart", "POST", f"{DESK}/chart", {}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("feedback_reply", "POST", INBOX + "/{south1}/reply", REPLY, DONE, PAGE, PAGE, PAGE, DONE, NOTE, NOBODY),
    ("feedback_reply", "POST", INBOX + "/{east1}/reply", REPLY, DONE, PAGE, PAGE, PAGE, NOTE, DONE, NOBODY),
    ("feedback_acknowledge", "POST", INBOX + "/{south2}/acknowledge", {}, DONE, PAGE, PAGE, PAGE, DONE, NOTE, NOBODY),
    ("feedback_acknowledge", "POST", INBOX + "/{east2}/acknowledge", {}, DONE, PAGE, PAGE, PAGE, NOTE, DONE, NOBODY),
    ("own_item", "POST", f"{REPORT}/own-items", OWN_ITEM, PAGE, DONE, DONE, DONE, PAGE, PAGE, NOBODY),
    ("own_item_decide", "POST", OWN_DESK + "/approve", {}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("own_item_decide", "POST", "/h5/desk/own-items/{own2}/return", {"reason": "与规定动作重复"},
     DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    # the demo's ZG06 is ZS01's (open), ZG04 XY20's (open), ZG05 XY02's (waiting for acceptance)
    ("rectification_move", "POST", f"{REPORT}/rectifications/ZG06/progress", {"text": "已补考核"},
     PAGE, DONE, DONE, ENTRY, PAGE, PAGE, NOBODY),
    ("rectification_move", "POST", f"{REPORT}/rectifications/ZG04/progress", {"text": "已研判"},
     PAGE, ENTRY, ENTRY, DONE, PAGE, PAGE, NOBODY),
    ("rectification_add", "POST", "/h5/desk/rectifications/add", RECTIFICATION, DONE, PAGE, PAGE, PAGE, PAGE, PAGE,
     NOBODY),
    ("rectification_decide", "POST", "/h5/desk/rectifications/ZG05/accept", {}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE,
     NOBODY),
    ("rectification_decide", "POST", "/h5/desk/rectifications/ZG12/return", {"reason": "批复不全"},
     DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("comment_add", "POST", f"/h5/orgs/ZS01/{PERIOD}/comments", COMMENT, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    # December's T01 is 宣传部's, T02 组织部's; January's T13 组织部's (approved), T14 宣传部's (waiting)
    ("tasks", "GET", "/h5/tasks", {}, SEE, PAGE, PAGE, PAGE, PAGE, SEE, NOBODY),
    ("task_progress", "GET", f"/h5/tasks/{PERIOD}/T01", {}, SEE, PAGE, PAGE, PAGE, PAGE, SEE, NOBODY),
    ("task_progress", "GET", f"/h5/tasks/{PERIOD}/T02", {}, SEE, PAGE, PAGE, PAGE, PAGE, TASK["T02"], NOBODY),
    ("task_export", "POST", f"/h5/tasks/{PERIOD}/T01/export", {}, DONE, PAGE, PAGE, PAGE, PAGE, DONE, NOBODY),
    ("task_export", "POST", f"/h5/tasks/{PERIOD}/T02/export", {}, DONE, PAGE, PAGE, PAGE, PAGE, TASK["T02"], NOBODY),
    ("task_add", "POST", "/h5/tasks/add", {"title": "新任务"}, DONE, PAGE, PAGE, PAGE, PAGE, DONE, NOBODY),
    ("task_edit", "POST", "/h5/tasks/T14/edit", {"title": "改过"}, DONE, PAGE, PAGE, PAGE, PAGE, DONE, NOBODY),
    ("task_edit", "POST", "/h5/tasks/T13/edit", {"title": "改过"}, DONE, PAGE, PAGE, PAGE, PAGE, TASK["T13"], NOBODY),
    ("task_approve", "POST", "/h5/tasks/T14/approve", {}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("task_reject", "POST", "/h5/tasks/T14/reject", {"reason": "重复"}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("task_remove", "POST", "/h5/tasks/T14/remove", {}, DONE, PAGE, PAGE, PAGE, PAGE, DONE, NOBODY),
    ("task_remove", "POST", "/h5/tasks/T13/remove", {}, DONE, PAGE, PAGE, PAGE, PAGE, TASK["T13"], NOBODY),
    # the demo's XY01 (岭南学院) and XY02 submitted December; XY01's is shared with the 学院 (FX1 is {share})
    ("shared", "GET", "/h5/shared/{share}", {}, SEE, PAGE, PAGE, SEE, PAGE, PAGE, NOBODY),
    ("share_add", "POST", "/h5/desk/shares", {"org": "XY02", "period": PERIOD}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE,
     NOBODY),
    ("confirm", "POST", "/h5/desk/confirm", {"period": PERIOD}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("share_withdraw", "POST", "/h5/desk/shares/FX1/withdraw", {}, DONE, PAGE, PAGE, PAGE, PAGE, PAGE, NOBODY),
    ("logout", "POST", "/h5/logout", {}, BYE, BYE, BYE, BYE, BYE, BYE, BYE),
]
CHANGED = {"answer": "EntryChange", "feedback": "Feedback", "submit": "submitted", "remind": "AuditEntry",
           "export": "AuditEntry", "chart": "AuditEntry", "feedback_reply": "replied",
           "feedback_acknowledge": "acknowledged", "own_item": "OwnItem", "own_item_decide": "decided",
           "comment_add": "Comment",
           **dict.fromkeys(("rectification_move", "rectification_decide", "rectification_add"), "RectificationEvent"),
           **dict.fromkeys(("task_export", "task_add", "task_edit", "task_approve", "task_reject", "task_remove"),
                           "AuditEntry"),       # the chat's 任务 and 导出, run and audited (the command may refuse)
           **dict.fromkeys(("share_add", "confirm", "share_withdraw"), "AuditEntry"),     # 分享 asks, 确认 runs it
           # what a form that went through (303) changes: a snapshot's key
           "logout": "SignIn"}                          # and the logout (200): the person's sign-ins, ended


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    return pages_app(config, clock, standin)


@pytest.fixture
def ids(client, services, phone, clock) -> dict[str, int]:
    """December published, NOTES written, XY01's report shared, the month's export made; the ids
    MATRIX's {name}s stand for."""
    demo_month(services, phone, PERIOD)
    phone.add_members([WHO["unknown"]])
    raise_demo_tasks("2027-01")
    reports = {code: Report.select().join(Org).where(Org.code == code, Report.period == PERIOD).get()
               for code in ("ZS01", "XY20")}
    found = {area: Entry.get(Entry.report == reports[code], Entry.position == 1).id
             for area, code in (("south", "ZS01"), ("east", "XY20"))}
    for name, (org, department, said) in NOTES.items():
        author = Person.get(Person.userid == f"sec-{org.lower()}")
        found[name] = add_feedback(reports[org], "difficulty", said, author, clock.utcnow(),
                                   Department.get(Department.name == department)).id
    east = Person.get(Person.userid == "sec-xy20")
    for name, title in (("own1", "校友讲坛"), ("own2", "环保宣讲")):
        found[name] = own_items.propose(east.org, east, own_items.proposal(title, "思想政治建设", "每半年"),
                                        clock.utcnow()).id
    Report.update(status=ReportStatus.SUBMITTED).where(
        Report.period == PERIOD, Report.org.in_(Org.select(Org.id).where(Org.code.in_(("XY01", "XY02"))))).execute()
    found["share"] = shares.create(shares.plan("XY01", PERIOD, None, False, shares.Audience.TYPE), "dangwei01",
                                   clock.utcnow()).id
    made = made_file(services.config, "month", PERIOD)      # where the export job leaves it; what it holds is no matter
    made.parent.mkdir(parents=True, exist_ok=True)
    made.write_text("2026年12月月报", encoding="utf-8")
    return found


def snapshot(services) -> dict[str, int]:
    """What the pages can change: every table's rows, what the forms update, and the jobs queued.
    Seen is left out: a secretary's or deputy's visit to 我的月报 records that they saw the month
    (test_seen.py), a page read, not a change."""
    tables = {model.__name__: model._meta.table_name for model in ALL_MODELS if model is not Seen}
    counts = database.execute_sql("SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables.values()))
    return {**dict(zip(tables, counts.fetchone(), strict=True)),
            "answered": Entry.select().where(Entry.status.is_null(False)).count(),
            "submitted": Report.select().where(Report.status == ReportStatus.SUBMITTED).count(),
            "replied": Feedback.select().where(Feedback.answered_at.is_null(False)).count(),
            "acknowledged": Feedback.select().where(Feedback.acknowledged_at.is_null(False)).count(),
            "decided": OwnItem.select().where(OwnItem.status != OwnItemStatus.PROPOSED).count(),
            "jobs": len(services.queue.job_ids)}


def send(client, method: str, path: str, form: dict, ids: dict, **given):
    """A row's request, its {name}s filled in; `given` adds to the form (the CSRF token)."""
    url = path.format(**ids)
    return client.get(url) if method == "GET" else client.post(url, data={
        **{key: value.format(**ids) for key, value in form.items()}, **given})


def test_every_page_and_form_is_in_the_matrix(app):
    """A page added without a row here fails this test. Not in MATRIX: pages.oauth, the sign-in
    itself, before anyone is known (test_pages_auth.py); the blueprint serves no static files."""
    adapter = app.url_map.bind("localhost")
    covered = set()
    for endpoint, method, path, *_ in MATRIX:
        rule, _ = adapter.match(re.sub(r"{\w+}", "1", path), method=method, return_rule=True)
        assert rule.endpoint == f"pages.{endpoint}", path
        covered.add((rule.rule, method))
    assert {endpoint for endpoint, method, *_ in MATRIX if method == "POST"} == CHANGED.keys()
    pages = {(rule.rule, method) for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("pages.") and rule.endpoint != "pages.oauth"
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert pages - covered == set()


@pytest.mark.parametrize("role", ROLES)
def test_each_person_opens_and_changes_only_what_is_theirs(client, services, ids, role):
    """The person walks MATRIX: each answer's status and words, nothing of others' on any page, and
    the database changed only by a form that went through (303), by one of what CHANGED names."""
    sign_in(client, WHO[role])
    with client.session_transaction("/h5/") as session:     # the session's token: no page shows NOBODY a form
        token = session[CSRF]
    for endpoint, method, path, form, *outcomes in MATRIX:
        status, says = outcomes[ROLES.index(role)]
        where = f"{WHO[role]}: {method} {path.format(**ids)}"
        before = snapshot(services)
        response = send(client, method, path, form, ids, csrf_token=token)
        shown = text(response)
        assert response.status_code == status and (says is None or says in shown), where
        assert not [said for said in UNSEEN[role] if said in shown], where
        after = snapshot(services)
        if status == 303 or endpoint == "logout":
            assert after[CHANGED[endpoint]] == before[CHANGED[endpoint]] + 1, where
        else:
            assert after == before, where


def test_a_form_without_the_sessions_csrf_token_changes_nothing(app, services, ids):
    """Each form, sent by the first person MATRIX lets use it, without the token or with a wrong one."""
    for _, method, path, form, *outcomes in MATRIX:
        if method == "GET":
            continue
        client = app.test_client()
        sign_in(client, next(WHO[role] for role, (status, _) in zip(ROLES, outcomes, strict=True) if status != 403))
        token = csrf_token(client)
        for given in ({}, {"csrf_token": token[:-1]}, {"csrf_token": "wrong"}):
            before = snapshot(services)
            refused = send(client, method, path, form, ids, **given)
            assert refused.status_code == 400 and "页面已过期" in text(refused), path
            assert snapshot(services) == before, path
        assert client.get("/h5/").status_code == 200        # still signed in: not even the logout went through
