"""Admin commands as people use them: through the robot's callback and the app's, with real crypto,
on the demo directory (73 orgs, admins dangwei01/02, area liaisons pq-*, department liaisons dept-*)."""
import datetime
import itertools

import pytest

from handlers import messages
from models import AuditEntry, Entry, Org, Period, Person, Report, Task
from models.report import ReportStatus
from tests.chat import show
from tests.setups import demo_month, run_worker
from tests.wecom import Caller, robot_json, text_xml

D = datetime.datetime
_ids = itertools.count(1)


class Desk:
    """Where admins type: the group (@ the robot), the robot's 1:1 chat, and the app's 1:1 chat."""

    def __init__(self, client, config, services, phone):
        self.client, self.services, self.phone = client, services, phone
        self.robot = Caller(config.robot.token, config.robot.encoding_aes_key, "")
        self.app = Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)

    def group(self, userid: str, text: str, chat_type: str = "group") -> str:
        encrypt, query = self.robot.envelope(robot_json(userid, text, msg_id=f"r{next(_ids)}", chat_type=chat_type))
        response = self.client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt})
        assert response.status_code == 200
        return self.robot.open_json_reply(response.data)["stream"]["content"] if response.data else ""

    def robot_chat(self, userid: str, text: str) -> str:
        return self.group(userid, text, chat_type="single")

    def chat(self, userid: str, text: str) -> str:
        encrypt, query = self.app.envelope(text_xml(userid, text, msg_id=str(next(_ids))))
        response = self.client.post("/wecom/callback", query_string=query, data=self.app.xml_body(encrypt))
        assert response.status_code == 200
        return self.app.open_xml_reply(response.data)["Content"] if response.data else ""

    def inbox(self, userid: str) -> list[str]:
        run_worker(self.services)
        return [show(m) for m in self.phone.messages(userid=userid)]


@pytest.fixture
def desk(client, config, services, phone, clock):
    clock.set(D(2026, 12, 8, 10, 0))
    demo_month(services, phone, "2026-12", publish=False)
    return Desk(client, config, services, phone)


@pytest.fixture
def published(client, config, services, phone, clock):
    """The demo month, December published and its cards delivered (built once, then copied)."""
    clock.set(D(2026, 12, 8, 10, 0))
    demo_month(services, phone, "2026-12")
    return Desk(client, config, services, phone)


ROLES = {"admin": "dangwei01", "area liaison": "pq-gznan", "department liaison": "dept-zzb",
         "secretary": "sec-xy01", "stranger": "visitor"}
# role → command → what the person gets (anywhere the robot answers)
ALLOWED = {
    "admin": {"进度": "ok", "反馈": "ok", "统计": "ok", "任务": "ok"},
    "area liaison": {"进度": "ok", "反馈": "ok", "统计": "refused", "任务": "refused"},
    "department liaison": {"进度": "ok", "反馈": "ok", "统计": "refused", "任务": "ok"},
    "secretary": {"进度": "refused", "反馈": "refused", "统计": "refused", "任务": "refused"},
    "stranger": {"进度": "unknown", "反馈": "unknown", "统计": "unknown", "任务": "unknown"},
}


# role → what a wrong month and a mistyped command get
WRONG = {
    "admin": {"进度 2026-13": "usage", "进渡": "did you mean"},
    "area liaison": {"进度 2026-13": "usage", "进渡": "did you mean"},
    "department liaison": {"进度 2026-13": "usage", "进渡": "did you mean"},
    "secretary": {"进度 2026-13": "refused", "进渡": "did you mean"},
    "stranger": {"进度 2026-13": "unknown", "进渡": "unknown"},
}


def outcome(reply: str) -> str:
    if reply == messages.UNKNOWN_USER:
        return "unknown"
    if "仅限党委办公室管理员" in reply:
        return "refused"
    if reply.startswith("“2026-13”不是月份") and "\n例：进度" in reply:
        return "usage"
    return "did you mean" if reply == "没有“进渡”这个命令。您是不是要找：进度？发“帮助”看可用命令。" else "ok"


def test_who_may_run_what_in_the_group_and_the_robots_chat(published):
    for send in (published.group, published.robot_chat):
        got = {role: {command: outcome(send(userid, command)) for command in ALLOWED[role]}
               for role, userid in ROLES.items()}
        assert got == ALLOWED, send.__name__
    for role, userid in ROLES.items():
        assert AuditEntry.select().where(AuditEntry.userid == userid).count() == 2 * len(ALLOWED[role]), role
    for send in (published.group, published.robot_chat):
        got = {role: {typed: outcome(send(userid, typed)) for typed in WRONG[role]} for role, userid in ROLES.items()}
        assert got == WRONG, send.__name__


def test_in_the_apps_chat_admins_run_commands_and_secretaries_fill_in(published):
    assert published.chat("dangwei01", "进度").startswith("2026年12月进度：已提交 0/73")
    assert published.chat("dept-zzb", "统计").startswith("“统计”仅限党委办公室管理员使用")
    assert published.chat("sec-xy01", "进度").startswith("已答 0/")                       # their report's progress
    assert published.chat("dangwei01", "填报") == "您好，陈静！月报由各组织书记或代填人填写。发“帮助”看管理命令。"


def test_an_unknown_command_points_to_help_and_help_is_true_where_it_is_read(published):
    assert published.group("dangwei01", "你好") == "没有“你好”这个命令。发“帮助”看可用命令。"
    assert published.group("dept-zzb", "帮助").startswith("可用命令（在群里 @我 + 命令）：\n")
    for send in (published.chat, published.robot_chat):
        shown = send("dept-zzb", "帮助")
        assert shown.startswith("可用命令（直接发给我）：\n") and "@我" not in shown, send.__name__


def test_an_admin_named_only_in_the_config_is_an_admin(published, config, app):
    Person.delete().where(Person.userid == "dangwei02").execute()
    assert published.group("dangwei02", "进度").startswith("2026年12月进度：")
    assert published.chat("dangwei02", "帮助").startswith("可用命令")


def test_progress_by_area_and_type_and_the_orgs_not_submitted(published):
    colleges = Org.select().where(Org.type == "学院").count()
    (Report.update(status=ReportStatus.SUBMITTED)
     .where(Report.org.in_(Org.select(Org.id).where(Org.type == "学院"))).execute())
    text = published.group("dangwei01", "进度")
    lines = text.splitlines()
    assert lines[0].startswith(f"2026年12月进度：已提交 {colleges}/73（{colleges / 73 * 100:.1f}%")
    assert lines[1] == f"未查看 {73 - colleges} · 已查看未提交 0 · 已提交 {colleges}"
    assert lines[2].startswith("按片区：") and lines[3].startswith("按类型：")
    assert f"学院 {colleges}/{colleges}" in lines[3]
    assert lines[4].startswith(f"未提交（{73 - colleges}）：")
    assert lines[5].startswith(f"未查看（{73 - colleges}）：")
    assert published.group("dangwei01", "进度 2026-12 学院").splitlines()[0].startswith(
        f"2026年12月进度（学院）：已提交 {colleges}/{colleges}（100.0%")
    assert published.group("dangwei01", "进度 南极") == (
        "没有片区或类型“南极”。\n例：进度 2026-12 学院（片区联络员看本片区，部门联络人看本部门的月度任务）\n"
        "进度 T3 [月份]：一项月度任务各组织的完成情况（部门联络人：本部门的任务）")
    area = published.group("pq-zhuhai", "进度").splitlines()[0]
    assert area.startswith("2026年12月进度（珠海校区）：")
    assert published.group("dept-zzb", "进度").startswith("组织部的月度任务（2026年12月）：")


def test_overdue_counts_each_reports_deadline_or_else_the_months(published, clock):
    month = Period.get(Period.key == "2026-12")
    xy01 = Report.get(Report.org == Org.get(Org.code == "XY01"))
    Report.update(deadline=None).where(Report.id != xy01.id).execute()      # the month's remind day applies
    Report.update(deadline=month.remind_on + datetime.timedelta(days=3)).where(Report.id == xy01.id).execute()
    clock.set(D.combine(month.remind_on + datetime.timedelta(days=1), datetime.time(10)))
    assert published.group("dangwei01", "进度").splitlines()[0].endswith("已过截止日未提交 72")


def test_remind_now_goes_once_a_day_to_those_not_submitted(published, clock):
    Report.update(status=ReportStatus.SUBMITTED).where(Report.org != Org.get(Org.code == "XY01")).execute()
    assert published.group("dangwei01", "催办 XY01") == "已提醒 1 人（1 个组织）；今天已提醒过的 0 人不再重复。"
    assert published.group("dangwei01", "催办 全部") == "未提交的 1 个组织今天都已提醒过（1 人），明天可再催办。"
    assert [t for t in published.inbox("sec-xy01") if "提醒" in t][0].endswith("| [继续填报]")
    clock.advance(datetime.timedelta(days=1))
    assert published.group("dangwei01", "催办").startswith("已提醒 1 人")
    assert published.group("dangwei01", "催办 NOPE").startswith("没有这些组织编号：NOPE。")
    clock.advance(datetime.timedelta(days=1))
    assert published.group("dangwei01", "催办 XY01，NOPE").startswith("没有这些组织编号：NOPE。")
    assert published.group("dangwei01", "催办 XY01，XY02；XY03").splitlines() == [
        "已提醒 1 人（1 个组织）；今天已提醒过的 0 人不再重复。", "XY02 已提交，无需催办。", "XY03 已提交，无需催办。"]


def test_publish_from_the_group_runs_in_the_background_and_reports_to_the_asker(desk, services):
    assert desk.group("dangwei01", "发布 2030-05") == "只能发布本月（2026-12）或下月（2027-01），2030-05 需加“强制”。"
    assert desk.group("dangwei01", "发布").startswith("将发布2026年12月月报：73 个组织的 88 人各收到一张卡片")
    assert desk.group("dangwei01", "确认") == "正在发布2026年12月月报，完成后私聊发给您。"
    assert desk.inbox("dangwei01")[-1] == "2026年12月发布完成：组织 73，新建月报 73，卡片 88，短信 77。"
    assert sum("党建月报已发布" in t for t in desk.inbox("sec-xy01")) == 1
    assert desk.group("dangwei01", "发布") == "2026年12月已发布，每人都已收到卡片，无需再发布。"
    assert sum("党建月报已发布" in t for t in desk.inbox("sec-xy01")) == 1


def test_unpublish_only_while_nobody_has_answered(published, services):
    first = Entry.select().join(Report).where(Report.period == "2026-12").first()
    first.status = "done"
    first.save()
    assert published.group("dangwei01", "撤回发布 2026-12").startswith("2026年12月已有 1 个组织开始填报")
    first.status = None
    first.save()
    assert published.group("dangwei01", "撤回发布 2026-12").startswith("将撤回2026年12月月报：删除 73 份月报")
    assert published.group("dangwei01", "确认") == "正在撤回2026年12月月报，完成后私聊发给您。"
    assert "2026年12月月报已撤回：删除 73 份月报，88 张卡片标为已撤回。" in published.inbox("dangwei01")
    assert Report.select().count() == 0 and Period.select().count() == 0
    notice = next(m for m in published.phone.messages(userid="sec-xy01") if m["card"])
    assert notice["card"]["replaced_name"] == "已撤回"


def test_tasks_of_next_month(published):
    assert published.group("dangwei01", "任务 add 报送党建工作总结|组织部|2027-01-20|学院") == (
        "已添加2027年1月任务：T01 报送党建工作总结 · 组织部 · 截止 1月20日 · 适用：学院")
    assert published.group("dangwei01", "任务 add 安全自查 | 保卫处") == "已添加2027年1月任务：T02 安全自查 · 保卫处"
    assert published.group("dangwei01", "任务").splitlines() == [
        "2027年1月月度任务 2 项：", "T01 报送党建工作总结 · 组织部 · 截止 1月20日 · 适用：学院",
        "T02 安全自查 · 保卫处"]
    assert published.group("dangwei01", "任务 remove T02") == "已删除2027年1月任务 T02。"
    assert published.group("dangwei01", "任务 add x|不存在的部").startswith("没有部门“不存在的部”。")
    assert [t.title for t in Task.select().where(Task.period == "2027-01")] == ["报送党建工作总结"]


def test_items_and_one_org(published):
    items = published.group("dangwei01", "清单 XY01").splitlines()
    assert items[0] == "岭南学院（XY01）2026年12月的事项：类型 学院，标签 无"
    assert any("规定动作 每月" in line for line in items) and any("月度任务" in line for line in items)
    org = published.group("dangwei01", "组织 岭南学院").splitlines()
    assert org[0].startswith("岭南学院（XY01 · 学院 · ")
    assert org[1] == "人员：书记 刘海燕（138****0003）"          # the demo's: a number, no deputy
    assert org[2] == "2026年12月（未开始）："
    assert org[-1] == "全年：1· 2· 3· 4· 5· 6· 7· 8· 9· 10· 11· 12…"
    assert published.group("dangwei01", "组织 不存在").startswith("没有找到组织“不存在”")


def test_a_long_answer_reaches_the_asker_whole(published):
    xy01 = Report.get(Report.org == Org.get(Org.code == "XY01"))
    Entry.update(note=Entry.position.cast("text").concat("：" + "很长的备注" * 6)).where(Entry.report == xy01).execute()
    shown = published.group("dangwei01", "组织 XY01")
    assert shown.endswith("（内容较长，全文已私聊发给您）")
    whole = "\n".join(published.inbox("dangwei01"))
    assert all(f"备注：{entry.note[:29]}…" in whole for entry in Entry.select().where(Entry.report == xy01))


def test_stats_and_exports_arrive_in_the_askers_chat_as_files(published):
    reply = published.group("dangwei01", "统计")
    assert reply.startswith("2026年12月：73 个组织，已提交 0（0.0%，其中逾期 0），未提交 73。")
    assert reply.endswith("图表稍后完成后私聊发给您。")
    assert published.group("dangwei01", "导出") == "正在生成2026年12月月报，完成后私聊发给您。"
    assert published.group("dangwei01", "导出 2026 XY01") == "正在生成2026年度工作一览表，完成后私聊发给您。"
    run_worker(published.services)
    received = published.phone.messages(userid="dangwei01")
    files = [(m["msgtype"], m["media"]["filename"]) for m in received if m["media"]]
    assert files == [("image", "2026年12月统计图.png"), ("file", "2026年12月月报.xlsx"),
                     ("file", "2026年度工作一览表_XY01.xlsx")]
    assert "2026年12月月报.xlsx 已生成（" in "\n".join(show(m) for m in received)
    assert published.group("dangwei01", "统计 2025").startswith("2025年还没有可统计的月报。\n例：统计 2026-12")


def test_a_ranking_and_its_chart_arrive_in_the_askers_chat(published):
    reply = published.group("dangwei01", "排名 2026-12 类型 学院")
    assert reply.startswith("2026年12月排名（学院，") and reply.endswith("图表稍后完成后私聊发给您。")
    run_worker(published.services)
    received = published.phone.messages(userid="dangwei01")
    assert [(m["msgtype"], m["media"]["filename"]) for m in received if m["media"]] == [
        ("image", "2026年12月（学院）排名图.png")]


def test_the_supervision_notice_lists_departments_slow_to_answer(published, services, clock):
    from jobs import cycle
    from models import Feedback
    report = Report.get(Report.org == Org.get(Org.code == "XY01"))
    Feedback.create(report=report, kind="difficulty", text="经费紧张", created_at=clock.utcnow(),
                    department=Person.get(Person.userid == "dept-zzb").department)
    clock.advance(datetime.timedelta(days=23))                      # the 31st, 10:00
    assert cycle.run_step(services, "2026-12", "supervise").state == "ran"
    received = "\n".join(published.inbox("dangwei01"))
    assert received.rstrip().endswith("部门反馈待回复超过 10 天：组织部 1 条")
    assert all(org.name in received for org in Org.select())           # the notice is long: whole, in pieces


def test_the_audit_is_read_from_the_group_as_on_the_desk(published, clock):
    published.group("dangwei01", "进度")
    published.group("sec-xy01", "统计")
    shown = published.group("dangwei01", "审计 2").splitlines()
    assert shown[0] == "最近 2 条管理命令（新的在前）："
    assert shown[1].endswith(" · 刘海燕 · 群聊 · 统计 · 拒绝") and shown[2].endswith(" · 陈静 · 群聊 · 进度 · 完成")
    assert published.group("sec-xy01", "审计").startswith("“审计”仅限党委办公室管理员使用")
