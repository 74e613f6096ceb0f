"""Who may run which admin command where (issue 12): every command of the admins' registry × who
asks × where they ask, through the robot's and the app's callbacks with real crypto, on the demo
month. Each cell is checked by what the asker sees, what changed, and what the audit holds."""
import datetime
import itertools
from dataclasses import dataclass
from typing import Callable

import pytest
from peewee import fn
from rq.job import Job

from handlers import admin, checkin, messages
from handlers.registry import ADMINS, AREAS, DEPARTMENTS, EVERYONE, LIAISONS
from handlers.router import Context
from models import AuditEntry, Department, Entry, Feedback, Org, OutboxMessage, Period, Person, Report, Share, Task
from models.directory import PeriodStatus
from models.report import ReportStatus
from tests.setups import demo_month
from tests.test_admin import Desk
from tests.wecom import robot_json

ADMIN_GROUP, ANOTHER_GROUP = "admin-group", "party-branch"
PLACES = {"admin group": f"group:{ADMIN_GROUP}", "another group": f"group:{ANOTHER_GROUP}",
          "robot chat": "robot", "app chat": "app"}
ROLES = {"config admin": "dangwei02", "role admin": "dangwei01", "department liaison": "dept-zzb",
         "area liaison": "pq-gznan", "secretary": "sec-xy01", "deputy": "dep-zs01", "unknown user": "visitor"}

# Who a command is for (the `who` it is registered with) → role → outcome in each place.
#   acts      the answer shows what was asked for, the work is done (or queued), audited "ok"
#   refused   "仅限党委办公室管理员使用", naming the admins; nothing changes; audited "refused"
#   not here  "本群不能使用月报管理命令" (a group that is not the admin group); nothing changes;
#             audited "refused"
#   report    a secretary's or deputy's own report chat answers (their help, their progress); nothing
#             changes; not audited, since the text is the report's own command (a slashed admin
#             command that is not one of the report's is refused instead: see expected())
#   unknown   "您还不在党建月报名单中"; nothing changes; audited "refused" (the robot's chats and the app's)
# A command that asks first (发布, 撤回发布, 分享) acts on the 确认 that follows it, audited "asked" then "ok".
RULES = {   # admin group  another group  robot chat  app chat
    EVERYONE: {
        "config admin":       ("acts",    "not here", "acts",    "acts"),
        "role admin":         ("acts",    "not here", "acts",    "acts"),
        "department liaison": ("acts",    "not here", "acts",    "acts"),
        "area liaison":       ("acts",    "not here", "acts",    "acts"),
        "secretary":          ("acts",    "not here", "acts",    "report"),
        "deputy":             ("acts",    "not here", "acts",    "report"),
        "unknown user":       ("unknown", "unknown",  "unknown", "unknown"),
    },
    LIAISONS: {
        "config admin":       ("acts",    "not here", "acts",    "acts"),
        "role admin":         ("acts",    "not here", "acts",    "acts"),
        "department liaison": ("acts",    "not here", "acts",    "acts"),
        "area liaison":       ("acts",    "not here", "acts",    "acts"),
        "secretary":          ("refused", "refused",  "refused", "report"),
        "deputy":             ("refused", "refused",  "refused", "report"),
        "unknown user":       ("unknown", "unknown",  "unknown", "unknown"),
    },
    DEPARTMENTS: {
        "config admin":       ("acts",    "not here", "acts",    "acts"),
        "role admin":         ("acts",    "not here", "acts",    "acts"),
        "department liaison": ("acts",    "not here", "acts",    "acts"),
        "area liaison":       ("refused", "refused",  "refused", "refused"),
        "secretary":          ("refused", "refused",  "refused", "report"),
        "deputy":             ("refused", "refused",  "refused", "report"),
        "unknown user":       ("unknown", "unknown",  "unknown", "unknown"),
    },
    AREAS: {
        "config admin":       ("acts",    "not here", "acts",    "acts"),
        "role admin":         ("acts",    "not here", "acts",    "acts"),
        "department liaison": ("refused", "refused",  "refused", "refused"),
        "area liaison":       ("acts",    "not here", "acts",    "acts"),
        "secretary":          ("refused", "refused",  "refused", "report"),
        "deputy":             ("refused", "refused",  "refused", "report"),
        "unknown user":       ("unknown", "unknown",  "unknown", "unknown"),
    },
    ADMINS: {
        "config admin":       ("acts",    "not here", "acts",    "acts"),
        "role admin":         ("acts",    "not here", "acts",    "acts"),
        "department liaison": ("refused", "refused",  "refused", "refused"),
        "area liaison":       ("refused", "refused",  "refused", "refused"),
        "secretary":          ("refused", "refused",  "refused", "report"),
        "deputy":             ("refused", "refused",  "refused", "report"),
        "unknown user":       ("unknown", "unknown",  "unknown", "unknown"),
    },
}
SUBMITTED = ("岭南学院", "国际金融学院")     # their November reports: what each admin shares (分享)
ADMINS_NAMED = "陈静（dangwei01）、dangwei02（dangwei02）"
REPORT_CHAT = ("可用指令：", "已答 0/", "请回复 1-4：", "个性指标（", "整改清单（",     # the org's own 自选, 整改,
               messages.COMMENT_ORG_ONLY_READ,                                  # 点评 (read only),
               "岭南学院2026年12月得分 ", messages.SCORE_OWN_ONLY,                # 得分 (another org's: refused),
               messages.RANK_NOT_PUBLISHED)                                     # 排名 (not published: refused)
D = datetime.datetime
_ids = itertools.count(1)


@dataclass(frozen=True)
class Acts:
    """How a command is typed (n: the asker's row, so that each cell reminds an org or adds a task of
    its own) and how it shows that it acted."""

    typed: Callable[[int], str]
    shows: dict[str, str] | str             # what the answer starts with: for all, or by role ("admin": admins)
    job: dict[str, str] | str = ""          # the background job it queues for the asker, saying so: for all, or by role
    effect: str = ""                        # the one count of the footprint that grows
    hides: str = ""                         # what only admins see

    def shown(self, role: str) -> str:
        return self.shows if isinstance(self.shows, str) else self.shows.get(role, self.shows["admin"])

    def job_of(self, role: str) -> str:
        return self.job if isinstance(self.job, str) else self.job.get(role, self.job["admin"])

    def grown(self, before: dict, after: dict, userid: str, role: str) -> dict:
        """The footprint after acting: its job queued for the asker, its count grown."""
        job = self.job_of(role)
        wanted = {**before, "jobs": (before["jobs"] + [(job, userid)]) if job else before["jobs"]}
        if self.effect and after[self.effect] > before[self.effect]:
            wanted[self.effect] = after[self.effect]
        return wanted


ACTS = {
    "帮助": Acts(lambda n: "帮助", "可用命令（"),        # the header says how to ask there (a group: @我)
    "进度": Acts(lambda n: "进度", {"admin": "2026年12月进度：已提交 0/73",
                                  "area liaison": "2026年12月进度（广州南校园）：已提交 0/",
                                  "department liaison": "组织部的月度任务（2026年12月）："}),
    "催办": Acts(lambda n: f"催办 {Org.select().order_by(Org.code)[n].code}", "已提醒 ", effect="reminders"),
    "发布": Acts(lambda n: "发布 2027-01", "正在发布2027年1月月报", job="jobs.admin.run_step"),
    "撤回发布": Acts(lambda n: "撤回发布 2026-12", "正在撤回2026年12月月报", job="jobs.admin.unpublish"),
    "清单": Acts(lambda n: "清单 XY01", "岭南学院（XY01）2026年12月的事项"),
    "组织": Acts(lambda n: "组织 XY01", "岭南学院（XY01 · 学院 · 广州南校园）"),
    "任务": Acts(lambda n: f"任务 add 自查{n}|组织部", {"admin": "已添加2027年1月任务：",
                                                   "department liaison": "已提交2027年1月任务，待党委办公室审核："},
                effect="tasks"),
    "反馈": Acts(lambda n: "反馈", {"admin": "困难和建议 2 条", "area liaison": "困难和建议 1 条",
                                  "department liaison": "困难和建议 1 条"}, hides="场地不足"),
    "统计": Acts(lambda n: "统计", "2026年12月：73 个组织", job="jobs.admin.chart"),
    "导出": Acts(lambda n: "导出", {"admin": "正在生成2026年12月月报",
                                  "department liaison": "正在生成2026年12月组织部任务进度"},
                job={"admin": "jobs.admin.export_month", "department liaison": "jobs.admin.export_tasks"}),
    "审计": Acts(lambda n: "审计 5", "最近 "),
    "自选": Acts(lambda n: "自选", "待审核的个性指标"),
    "整改": Acts(lambda n: "整改", {"admin": "整改清单 ", "area liaison": "整改清单 · 广州南校园 "}),
    "分享": Acts(lambda n: f"分享 {Org.get(Org.name == SUBMITTED[n % 2]).code} 2026-11", "已分享 FX", effect="shares"),
    "点评": Acts(lambda n: f"点评 ZS01 提醒 请按时提交{n}", "已点评 DP"),      # ZS01: 广州南校园's
    "同步通讯录": Acts(lambda n: "同步通讯录", "正在读取企业微信通讯录", job="jobs.directory.preview"),
    "得分": Acts(lambda n: "得分 XY01", "岭南学院（XY01）2026年12月得分 "),
    "排名": Acts(lambda n: "排名", {"admin": "2026年12月排名（全部，", "area liaison": "2026年12月排名（广州南校园，"},
                job="jobs.admin.ranking_chart"),
    "评分": Acts(lambda n: f"评分 XY01 2026 2.1 {n} 述职评议", "已评分 岭南学院（XY01）2026年 2.1 述职评议"),
    "通报": Acts(lambda n: "通报 2026", "正在生成2026年通报（Word）", job="jobs.admin.bulletin"),
    "述职": Acts(lambda n: "述职 2026", "正在生成2026年述职评议表", job="jobs.admin.year_review"),
}


class Places(Desk):
    """The admins' desk, and a group chat that is not the admin group."""

    def send(self, place: str, userid: str, text: str) -> str:
        if place == "app chat":
            return self.chat(userid, text)
        if place == "robot chat":
            return self.robot_chat(userid, text)
        chat_id = ADMIN_GROUP if place == "admin group" else ANOTHER_GROUP
        encrypt, query = self.robot.envelope(robot_json(userid, text, msg_id=f"z{next(_ids)}", chat_id=chat_id))
        response = self.client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt})
        assert response.status_code == 200
        return self.robot.open_json_reply(response.data)["stream"]["content"]

    def footprint(self) -> dict:
        """What any command could change: reminders sent, shares, tasks, answers, background jobs queued."""
        return {"reminders": OutboxMessage.select().where(OutboxMessage.key.startswith("remind-now:")).count(),
                "shares": Share.select().count(),
                "tasks": Task.select().count(), "answers": Entry.select().where(Entry.status.is_null(False)).count(),
                "jobs": [(job.func_name, job.kwargs["to"]) for job in Job.fetch_many(
                    [i for i in self.services.queue.get_job_ids() if i.startswith("background-")],
                    connection=self.services.redis)]}


@pytest.fixture
def config(config, request):
    """dangwei02 is an admin by the configuration only, dangwei01 by the directory's role only; the
    ranking published when a test asks (indirect parameter: [scores] publish_ranking)."""
    return config.replace(admins={"userids": ["dangwei02"]},
                          scores={"publish_ranking": getattr(request, "param", False)})


@pytest.fixture
def month(client, config, services, phone, clock):
    """The demo directory, December published, two submitted reports of November (closed) with a
    difficulty each; the admin group is the demo configuration's ([admin_group] chat_id = "admin-group")."""
    clock.set(D(2026, 12, 8, 10, 0))
    demo_month(services, phone, "2026-12")
    Person.delete().where(Person.userid == "dangwei02").execute()
    Period.create(key="2026-11", status=PeriodStatus.CLOSED, publish_on=datetime.date(2026, 11, 5),
                  remind_on=datetime.date(2026, 11, 25), close_on=datetime.date(2026, 11, 30))
    for name, department, text in zip(SUBMITTED, ("组织部", "宣传部"), ("经费紧张", "场地不足"), strict=True):
        report = Report.create(org=Org.get(Org.name == name), period="2026-11", created_at=clock.utcnow(),
                               status=ReportStatus.SUBMITTED)
        Feedback.create(report=report, kind="difficulty", text=text, created_at=clock.utcnow(),
                        department=Department.get(Department.name == department))
    return Places(client, config, services, phone)


def attempt(places: Places, place: str, role: str, command: str, n: int) -> str:
    """What one person got from typing one command in one place: an outcome of RULES, or what was wrong."""
    userid, acts = ROLES[role], ACTS[command]
    last_audit = AuditEntry.select(fn.MAX(AuditEntry.id)).scalar() or 0
    last_message = OutboxMessage.select(fn.MAX(OutboxMessage.id)).scalar() or 0
    before = places.footprint()
    reply = places.send(place, userid, "/" + acts.typed(n))
    asked = reply.endswith(messages.CONFIRM_ASK.format(minutes=2))
    if asked:
        reply = places.send(place, userid, "确认")
    after = places.footprint()
    audited = [(a.userid, a.place, a.command, a.outcome)
               for a in AuditEntry.select().where(AuditEntry.id > last_audit)]
    later = "".join(row.payload for row in OutboxMessage.select().where(    # the rest of the answer
        OutboxMessage.id > last_message, OutboxMessage.recipient == userid))
    refusal = [(userid, PLACES[place], command, "refused")]
    if reply == messages.UNKNOWN_USER:
        seen, wanted, audit = "unknown", before, refusal
    elif reply == messages.NOT_ADMIN_GROUP:
        seen, wanted, audit = "not here", before, refusal
    elif reply in (f"“{command}”仅限党委办公室管理员使用，如需要请联系：{ADMINS_NAMED}。",
                   f"“{command}”仅限党委办公室管理员和部门联络人使用，如需要请联系：{ADMINS_NAMED}。",
                   f"“{command}”仅限党委办公室管理员和片区联络员使用，如需要请联系：{ADMINS_NAMED}。"):
        seen, wanted, audit = "refused", before, refusal
    elif reply.startswith(REPORT_CHAT):
        seen, wanted, audit = "report", before, []
    elif (reply.startswith(acts.shown(role)) and (not acts.hides or (acts.hides in reply) == ("admin" in role))
          and (not acts.job_of(role) or messages.RESULT_IN_CHAT in reply + later)):
        done = [(userid, PLACES[place], command, "ok")]
        seen, wanted = "acts", acts.grown(before, after, userid, role)
        audit = [(userid, PLACES[place], command, "asked"), *done] if asked else done
    else:
        return f"answered {reply[:60]!r}"
    if after != wanted:
        return f"{seen}, but changed {before} → {after}"
    return seen if audited == audit else f"{seen}, but audited {audited}"


def expected(place: str) -> dict:
    column = list(PLACES).index(place)

    def cell(command, role: str) -> str:
        rule = RULES[command.who][role][column]
        if rule == "report" and not checkin.CHAT.find("/" + command.name):
            return "refused"        # a slashed admin command that is not also one of the report's
        return rule
    return {role: {c.name: cell(c, role) for c in admin.GROUP.commands} for role in ROLES}


def test_every_admin_command_says_how_it_acts():
    assert {c.name for c in admin.GROUP.commands} == set(ACTS)
    assert {c.who for c in admin.GROUP.commands} <= set(RULES)


@pytest.mark.parametrize("place", PLACES)
def test_who_may_run_each_admin_command_and_where(month, place, figures):
    got = {role: {c.name: attempt(month, place, role, c.name, n) for c in admin.GROUP.commands}
           for n, role in enumerate(ROLES)}
    cells = [(got[role][name], wanted) for role, row in expected(place).items() for name, wanted in row.items()]
    figures("authorization", place=place, cells=len(cells), acting=sum(got == "acts" for got, _ in cells),
            expected_acting=sum(wanted == "acts" for _, wanted in cells),
            as_expected=sum(got == wanted for got, wanted in cells))
    assert got == expected(place)


def test_commands_act_in_the_configured_admin_group_only(db, clock):
    boss = Person.create(userid="boss", name="主任")
    liaison = Person.create(userid="pq-1", name="片区联络员", roles=["liaison"], area="南校园")

    def run(text, person, place, chat_id="office"):
        ctx = Context(clock=clock, admin_userids=frozenset({"boss"}), admin_chat_id=chat_id)
        return admin.run(text, person, ctx, place)[0].content

    assert run("帮助", boss, "group:office").startswith(messages.GROUP_HELP_HEADER)
    assert run("帮助", liaison, "group:office").startswith(messages.GROUP_HELP_HEADER)
    assert run("帮助", boss, "group:test") == messages.NOT_ADMIN_GROUP
    assert run("帮助", liaison, "robot").startswith(messages.CHAT_COMMANDS_HEADER)      # a 1:1 chat: no @我
    # Not set up yet: an admin is told the group's chatid to configure, anyone else a refusal.
    assert run("帮助", boss, "group:wrkA1", chat_id="") == messages.NO_ADMIN_GROUP_YET.format(chat_id="wrkA1")
    assert run("帮助", liaison, "group:wrkA1", chat_id="") == messages.NOT_ADMIN_GROUP
    assert [(a.userid, a.place, a.outcome) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("boss", "group:office", "ok"), ("pq-1", "group:office", "ok"), ("boss", "group:test", "refused"),
        ("pq-1", "robot", "ok"), ("boss", "group:wrkA1", "refused"), ("pq-1", "group:wrkA1", "refused")]


def test_a_secretary_typing_a_slashed_admin_command_is_refused_and_audited(month):
    reply = month.send("app chat", "sec-xy01", "/统计")
    assert reply == f"“统计”仅限党委办公室管理员使用，如需要请联系：{ADMINS_NAMED}。"
    assert month.send("app chat", "dep-zs01", "／导出").startswith("“导出”仅限")
    assert month.send("app chat", "sec-xy01", "/进度").startswith(REPORT_CHAT)      # the report's own command
    assert [(a.userid, a.place, a.command, a.outcome) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("sec-xy01", "app", "统计", "refused"), ("dep-zs01", "app", "导出", "refused")]


def test_an_unknown_members_admin_commands_in_the_apps_chat_are_refused_and_audited(month):
    typed = ("发布", "催办 全部", "导出", "审计", "撤回发布 2026-12", "你好")
    assert {month.send("app chat", "visitor", text) for text in typed} == {messages.UNKNOWN_USER}
    assert [(a.userid, a.place, a.command, a.outcome) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("visitor", "app", name, "refused") for name in ("发布", "催办", "导出", "审计", "撤回发布")]


# 排名 for the secretaries and deputies ([scores] publish_ranking, off by default): in their own chat,
# every org's ranking once published, one line saying it is not otherwise; in the robot's chat and
# the groups it is the admins' command either way.
RANK_REFUSED = f"“排名”仅限党委办公室管理员和片区联络员使用，如需要请联系：{ADMINS_NAMED}。"
RANKING = {     # published → place → what the secretary (and the deputy) sees
    False: {"app chat": messages.RANK_NOT_PUBLISHED, "robot chat": RANK_REFUSED, "admin group": RANK_REFUSED},
    True: {"app chat": "2026年12月排名（全部，73 个组织，按得分率）：", "robot chat": RANK_REFUSED,
           "admin group": RANK_REFUSED},
}


@pytest.mark.parametrize("config", [False, True], indirect=True, ids=["not published", "published"])
def test_a_secretary_reads_the_ranking_only_once_the_office_publishes_it(month, config):
    published = config.scores.publish_ranking
    for role, own in (("secretary", "岭南学院（XY01）18/40"), ("deputy", "中国语言文学系（ZS01）18/40")):
        before, last_message = month.footprint(), OutboxMessage.select(fn.MAX(OutboxMessage.id)).scalar() or 0
        seen = {place: month.send(place, ROLES[role], "/排名") for place in RANKING[published]}
        assert {place: said[:len(RANKING[published][place])] for place, said in seen.items()} == RANKING[published]
        whole = seen["app chat"] + "".join(row.payload for row in OutboxMessage.select().where(   # a long answer's rest
            OutboxMessage.id > last_message, OutboxMessage.recipient == ROLES[role]))
        assert (f"{own} · 45%{messages.RANK_OWN}" in whole) == published
        assert month.footprint() == before
    assert {(a.userid, a.place, a.outcome) for a in AuditEntry.select()} == {
        (ROLES[role], PLACES[place], "refused") for role in ("secretary", "deputy")
        for place in ("robot chat", "admin group")}
