"""Departments raise next month's tasks (issue 21, point 2): a department liaison adds, edits and
withdraws their own department's until the preview; an admin approves, edits or returns each, the
liaison is told; only approved tasks reach the reports. On small seeded data, through admin.run."""
import datetime

import openpyxl
import pytest

from handlers import admin
from handlers.replies import Background, Outgoing, Text
from handlers.router import Context
from jobs import cycle, exports
from models import CycleStep, Department, Entry, Org, OutboxMessage, Period, Person, Report, Task, database
from models.checkin import create_reports
from models.directory import PeriodStatus
from models.items import items_for, items_for_orgs
from tests.conversation import seed_lists

D = datetime.datetime
NEXT = "2026-12"


@pytest.fixture
def lists(db, clock):
    """November is this month, published: December's tasks are being gathered. 组织部 has a liaison
    (zzb), 宣传部 another (xcb); pq watches an area."""
    clock.set(D(2026, 11, 20, 10, 0))
    org = seed_lists("2026-11")
    Period.create(key="2026-11", status=PeriodStatus.PUBLISHED)
    organisation, publicity = Department.get(name="组织部"), Department.get(name="宣传部")
    Person.create(userid="zzb", name="组织部联络人", roles=["liaison"], department=organisation)
    Person.create(userid="xcb", name="宣传部联络人", roles=["liaison"], department=publicity)
    Person.create(userid="pq", name="片区联络员", roles=["liaison"], area="南校园")
    return org


def run(clock, userid: str, text: str) -> tuple[str, list[tuple[str, str]]]:
    """The answer the person reads, and who else is told what."""
    ctx = Context(clock=clock, admin_userids=frozenset(), admin_chat_id="office")
    with database.atomic():
        replies = admin.run(text, Person.get(Person.userid == userid), ctx, "robot")
    told = [(r.to, r.reply.content) for r in replies if isinstance(r, Outgoing)]
    shown = "\n".join(r.content if isinstance(r, Text) else r.note for r in replies
                      if isinstance(r, (Text, Background)))
    return shown, told


def tasks() -> list[tuple]:
    return [(t.code, t.title, t.department.name if t.department_id else "", t.status, t.raised_by, t.review_note)
            for t in Task.select().where(Task.period == NEXT).order_by(Task.code)]


def test_a_liaisons_task_waits_for_review_and_goes_out_once_approved(lists, clock):
    shown, told = run(clock, "zzb", "任务 add 报送学习总结||2026-12-20|学院")
    assert shown == ("已提交2026年12月任务，待党委办公室审核："
                     "T01 报送学习总结 · 组织部 · 截止 12月20日 · 适用：学院 · 待审核")
    assert tasks() == [("T01", "报送学习总结", "组织部", "pending", "zzb", "")]
    assert [item.task.code for item in items_for(lists, NEXT) if item.kind == "task"] == []

    shown, told = run(clock, "dangwei01", "任务 通过 T01")
    assert shown.startswith("已通过2026年12月任务：T01 报送学习总结")
    assert told == [("zzb", "您提交的2026年12月任务 T01 报送学习总结 已审核通过，将随月报发布。")]
    assert [item.task.code for item in items_for(lists, NEXT) if item.kind == "task"] == ["T01"]


def test_a_returned_task_is_told_with_its_reason_and_goes_back_to_review_when_edited(lists, clock):
    run(clock, "zzb", "任务 add 报送学习总结")
    shown, told = run(clock, "dangwei01", "任务 退回 T01 与本月已有任务重复")
    assert shown == "已退回2026年12月任务：T01 报送学习总结 · 组织部 · 已退回 · 与本月已有任务重复"
    assert told == [("zzb", "您提交的2026年12月任务 T01 报送学习总结 被退回：与本月已有任务重复。可修改后重新提交。")]
    assert items_for(lists, NEXT) == [i for i in items_for(lists, NEXT) if i.kind == "action"]

    shown, _ = run(clock, "zzb", "任务 修改 T01 报送年度学习总结")
    assert shown == "已修改2026年12月任务：T01 报送年度学习总结 · 组织部 · 待审核"
    assert tasks() == [("T01", "报送年度学习总结", "组织部", "pending", "zzb", "")]
    shown, told = run(clock, "dangwei01", "任务 修改 T01 ||2026-12-18")
    assert told == [("zzb", "党委办公室修改了您提交的2026年12月任务："
                            "T01 报送年度学习总结 · 组织部 · 截止 12月18日 · 待审核")]


def test_a_liaison_withdraws_their_task_and_an_admins_own_task_needs_no_review(lists, clock):
    run(clock, "zzb", "任务 add 报送学习总结")
    assert run(clock, "zzb", "任务 撤回 T01") == ("已删除2026年12月任务 T01。", [])
    shown, told = run(clock, "dangwei01", "任务 add 安全检查|保卫处")
    assert shown.startswith("没有部门“保卫处”。")
    shown, told = run(clock, "dangwei01", "任务 add 安全检查|宣传部")
    assert (shown, told) == ("已添加2026年12月任务：T01 安全检查 · 宣传部", [])
    assert tasks() == [("T01", "安全检查", "宣传部", "approved", "", "")]
    assert run(clock, "xcb", "任务")[0] == "2026年12月月度任务 1 项：\nT01 安全检查 · 宣传部"
    assert run(clock, "zzb", "任务")[0] == "2026年12月月度任务 0 项：\n（还没有）"


@pytest.mark.parametrize("userid, typed, answer", [
    ("zzb", "任务 修改 T09 新标题", "2026年12月没有任务 T09。"),
    ("zzb", "任务 修改 T01 新标题", "T01 不是本部门的任务。"),
    ("zzb", "任务 撤回 T01", "T01 不是本部门的任务。"),
    ("zzb", "任务 add 新任务|宣传部", "只能提交本部门（组织部）的任务。"),
    ("zzb", "任务 add 新任务|组织部|12月20日", "“12月20日”不是日期，请写成 2027-01-20 这样。"),
    ("xcb", "任务 修改 T01 ||2026-02-30", "“2026-02-30”不是日期，请写成 2027-01-20 这样。"),
    ("xcb", "任务 通过 T01", "任务由党委办公室管理员审核。"),
    ("dangwei01", "任务 通过 T01", "T01 不是待审核的任务（现为已通过）。"),
    ("dangwei01", "任务 退回 T02", "请写退回的原因：任务 退回 T3 原因"),
    ("pq", "任务", "“任务”仅限党委办公室管理员和部门联络人使用，如需要请联系：王老师（dangwei01）。"),
])
def test_bad_input_gets_one_clear_line_and_changes_nothing(lists, clock, userid, typed, answer):
    run(clock, "dangwei01", "任务 add 宣传部的任务|宣传部")
    run(clock, "xcb", "任务 add 宣传部提交的任务")
    before = tasks()
    assert run(clock, userid, typed)[0].splitlines()[0] == answer
    assert tasks() == before


def test_before_publish_day_the_month_is_gathered_until_its_preview_which_lists_what_waits(lists, clock, services):
    clock.set(D(2026, 12, 2, 10, 0))        # December is not published yet: its tasks are still gathered
    assert run(clock, "zzb", "任务 add 报送学习总结")[0].startswith("已提交2026年12月任务")
    run(clock, "dangwei01", "任务 add 安全检查|宣传部")
    clock.set(D(2026, 12, 4, 9, 0))
    assert cycle.run_step(services, NEXT, "preview").state == "ran"
    sent = [row.payload for row in OutboxMessage.select().where(OutboxMessage.key.startswith(f"preview:{NEXT}"))]
    assert sent and all("本月任务 1 项：安全检查" in text for text in sent)
    assert all("部门提交待审核 1 项（通过后才会发布，发“任务 通过 编号”）：T01 报送学习总结" in text for text in sent)

    before = tasks()
    for typed in ("任务 add 又一项", "任务 修改 T01 新标题", "任务 撤回 T01"):
        assert run(clock, "zzb", typed)[0] == "2026年12月的发布预告已发出，任务不能再改，请联系党委办公室。"
    assert tasks() == before
    assert run(clock, "dangwei01", "发布 2026-12")[0].startswith(
        "⚠️ 部门提交的 1 项任务还待审核，不会发布（发“任务”查看，“任务 通过 编号”通过）。\n将发布2026年12月月报")
    assert run(clock, "dangwei01", "任务 通过 T01")[1] == [
        ("zzb", "您提交的2026年12月任务 T01 报送学习总结 已审核通过，将随月报发布。")]
    assert CycleStep.select().where(CycleStep.period == NEXT).count() == 1


@pytest.fixture
def answered(lists, clock):
    """November's reports: 哲学学院 did T1, 附属医院 says T1 does not concern it, 化学学院 has not answered."""
    hospital = Org.create(code="ORG02", name="附属医院", type="附属医院")
    chemistry = Org.create(code="ORG03", name="化学学院", type="学院")
    orgs = [lists, hospital, chemistry]
    create_reports("2026-11", items_for_orgs(orgs, "2026-11"), D(2026, 11, 5, 1, 0))
    t1 = Task.get(Task.period == "2026-11", Task.code == "T1")
    for org, status, reason in ((lists, "done", ""), (hospital, "not_applicable", "医院无此项工作")):
        (Entry.update(status=status, reason=reason)
         .where(Entry.task == t1, Entry.report == Report.get(Report.org == org)).execute())
    return orgs


def test_a_liaison_sees_which_organisation_did_what_for_each_of_their_tasks(answered, clock):
    assert run(clock, "zzb", "进度 T1")[0] == (
        "T1 报送主题教育总结（组织部 · 2026年11月）：已完成 1，不涉及 1，未答 1\n"
        "✅ 已完成：哲学学院\n"
        "➖ 不涉及：附属医院（医院无此项工作）\n"
        "⬜ 未答：化学学院")
    assert run(clock, "dangwei01", "进度 t2")[0].startswith("T2 毕业生就业帮扶（组织部 · 2026年11月）：未答 2")
    assert run(clock, "xcb", "进度 T1")[0] == "T1 不是本部门的任务。"
    assert run(clock, "pq", "进度 T1")[0] == "月度任务的进度和修改仅限党委办公室和部门联络人。"
    assert run(clock, "zzb", "进度 T7")[0].startswith("2026年11月没有任务 T7。")


def test_export_sends_the_same_as_a_file_and_never_another_departments(answered, clock, tmp_path):
    def queued(userid, typed):
        ctx = Context(clock=clock, admin_userids=frozenset(), admin_chat_id="office")
        with database.atomic():
            replies = admin.run(typed, Person.get(Person.userid == userid), ctx, "robot")
        return [(r.job, r.kwargs) for r in replies if isinstance(r, Background)]

    assert queued("zzb", "导出 T1") == [("jobs.admin.export_tasks",
                                         {"period": "2026-11", "codes": ["T1"], "name": "T1", "to": "zzb"})]
    assert queued("zzb", "导出") == [("jobs.admin.export_tasks",
                                      {"period": "2026-11", "codes": ["T1", "T2"], "name": "组织部", "to": "zzb"})]
    assert queued("dangwei01", "导出 T2 2026-11")[0][1]["codes"] == ["T2"]
    assert queued("xcb", "导出 T1") == [] and run(clock, "xcb", "导出 T1")[0] == "T1 不是本部门的任务。"
    assert run(clock, "xcb", "导出")[0] == "2026年11月没有宣传部的月度任务。"
    assert run(clock, "pq", "导出")[0].startswith("“导出”仅限党委办公室管理员和部门联络人使用")

    assert exports.tasks("2026-11", ["T1"], tmp_path / "t.xlsx", lambda at: at) == 3
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert [[cell.value for cell in row][:10] for row in sheet.iter_rows(min_row=2)] == [
        ["T1", "报送主题教育总结", "ORG01", "哲学学院", "", "学院", "已完成", None, "", ""],
        ["T1", "报送主题教育总结", "ORG02", "附属医院", "", "附属医院", "不涉及", None, "", "医院无此项工作"],
        ["T1", "报送主题教育总结", "ORG03", "化学学院", "", "学院", "未答", None, "", ""]]


def test_a_task_is_named_as_typed_t2_or_t02(lists, clock):
    run(clock, "dangwei01", "任务 add 安全检查|宣传部")
    Task.create(period="2026-12", code="T2", title="旧编号的任务", department=Department.get(name="宣传部"))
    assert run(clock, "dangwei01", "任务 修改 t1 安全大检查")[0].startswith("已修改")
    assert run(clock, "dangwei01", "任务 删除 T02")[0] == "已删除2026年12月任务 T2。"
    assert [(code, title) for code, title, *_ in tasks()] == [("T01", "安全大检查")]
