"""Commands: one kind of registry for the chat and the group; help from docstrings; who may run
what; did-you-mean; usage on a wrong argument; what counts as a command in each; long answers."""
import pytest

from handlers import admin, checkin
from handlers.replies import Outgoing, Text
from handlers.router import Context
from models import AuditEntry, Person
from models.clock import Clock

CTX = Context(clock=Clock(), admin_userids=frozenset({"boss"}), admin_chat_id="admin-group")


def texts(replies):
    return [r.content for r in replies]


@pytest.fixture
def people(db):
    return {
        "admin": Person.create(userid="a1", name="管理员", roles=["admin"]),
        "boss": Person.create(userid="boss", name="主任", roles=[]),
        "clerk": Person.create(userid="clerk", name="办事员", roles=[]),
        "liaison": Person.create(userid="pq-1", name="片区联络员", roles=["liaison"], area="南校园"),
    }


def run(text, person, place="group:admin-group"):
    return texts(r for r in admin.run(text, person, CTX, place) if isinstance(r, Text))


def test_help_lists_what_each_may_run_from_the_docstrings(people):
    everything = run("帮助", people["admin"])[0].splitlines()
    assert everything[0] == "可用命令（在群里 @我 + 命令）："
    assert [line.split(" ")[0] for line in everything[1:-1]] == [
        "帮助", "点评", "同步通讯录", "进度", "催办", "发布", "撤回发布", "清单", "组织", "反馈", "自选", "排名",
        "整改", "统计", "导出", "审计", "通报", "述职", "得分", "评分", "分享", "任务"]
    assert everything[-1] == "发“帮助 命令”看用法和例子。"
    liaison = run("help", people["liaison"])[0].splitlines()
    assert [line.split(" ")[0] for line in liaison[1:-1]] == ["帮助", "点评", "进度", "反馈", "排名", "整改", "得分"]
    assert run("帮助 进度", people["clerk"]) == [
        "进度 [月份] [片区或类型] — 已提交、填报中、未开始、逾期，按片区和类型；未提交、未查看的组织\n"
        "例：进度 2026-12 学院（片区联络员看本片区，部门联络人看本部门的月度任务）\n"
        "进度 T3 [月份]：一项月度任务各组织的完成情况（部门联络人：本部门的任务）"]


def test_only_admins_run_admin_commands_and_are_named_to_the_others(people):
    assert run("统计", people["clerk"]) == [
        "“统计”仅限党委办公室管理员使用，如需要请联系：管理员（a1）、主任（boss）。"]
    assert run("/status 2030-01", people["boss"]) == ["2030年1月尚未发布。"]          # an admin by the config
    assert run("／进度 2030-01", people["admin"]) == ["2030年1月尚未发布。"]          # by the role
    assert run("进度 2030-01", people["liaison"]) == ["2030年1月尚未发布。"]


def test_every_command_is_audited_with_its_outcome(people):
    run("进度", people["admin"])
    run("统计", people["clerk"], place="app")
    run("帮主", people["clerk"])
    run("发布 2026-13", people["admin"])
    assert [(a.userid, a.place, a.command, a.outcome) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("a1", "group:admin-group", "进度", "ok"), ("clerk", "app", "统计", "refused"),
        ("clerk", "group:admin-group", "", "unknown"), ("a1", "group:admin-group", "发布", "usage")]


@pytest.mark.parametrize("typed, reply", [
    ("帮主", "没有“帮主”这个命令。您是不是要找：帮助？发“帮助”看可用命令。"),
    ("xyz", "没有“xyz”这个命令。发“帮助”看可用命令。"),
    ("某" * 60_000, "没有“" + "某" * 19 + "…”这个命令。发“帮助”看可用命令。"),
])
def test_unknown_commands(people, typed, reply):
    assert run(typed, people["clerk"]) == [reply]


def test_a_wrong_argument_gets_the_usage(people):
    assert run("发布 2026-13", people["admin"]) == [
        "“2026-13”不是月份，请写成 2026-12 这样。\n例：发布 2026-12"]


def test_a_long_answer_goes_whole_to_the_1_1_chat_in_pieces(people):
    call = admin.Call("", people["admin"], CTX, "group:g")
    text = "\n".join(f"第 {n} 行：" + "党" * 40 for n in range(200))
    replies = call.answer(text)
    assert replies[0].content.endswith("（内容较长，全文已私聊发给您）")
    private = [r for r in replies if isinstance(r, Outgoing)]
    assert {r.to for r in private} == {"a1"} and all(len(r.reply.content.encode()) <= 2000 for r in private)
    assert "\n".join(r.reply.content for r in private) == text


@pytest.mark.parametrize("typed, command, args", [
    ("继续", "继续", ""), ("/继续", "继续", ""), ("开始填报", "继续", ""), ("改 3", "改", "3"),
    ("改3", "改", "3"), ("改", "改", ""), ("我的月历", "我的月历", ""),
    ("继续努力", None, None), ("提交 材料已报送", None, None), ("改天再报送", None, None),
    ("改 第三项", None, None), ("", None, None),
    ("整改", "整改", ""), ("整改 ZG01 已完成 材料已报送", "整改", "ZG01 已完成 材料已报送"),
    ("整改ZG01进展", "整改", "ZG01进展"), ("整改 销号 ZG01", "整改", "销号 ZG01"),
    ("整改工作已经完成", None, None), ("整改 ZG01 差不多了", None, None),
    ("不要短信", "不要短信", ""), ("/接收短信", "接收短信", ""), ("不要短信了，谢谢", None, None),
])
def test_what_counts_as_a_chat_command(typed, command, args):
    found = checkin.CHAT.find(typed)
    assert (found[0].name, found[1]) == (command, args) if command else found is None


def test_chat_help_is_generated_from_the_commands():
    assert checkin.CHAT.help_text().splitlines() == [
        "可用指令：", "继续 · 接着填", "进度 · 还剩哪些", "上一项 · 回到上一项", "跳过 · 先跳过本项",
        "改 N · 修改第 N 项", "暂停 · 稍后再填", "提交 · 提交月报", "取消 · 取消当前操作", "撤销 · 撤回上一次修改",
        "我的月历 · 本月清单", "自选 · 本组织的个性指标", "整改 · 本组织的整改事项，报告进展、完成情况",
        "点评 · 党委办公室对本组织月报的点评", "得分 [月份 或 年份] · 本组织的得分及扣分说明",
        "排名 [月份 或 季度 或 年份] · 各组织得分排名（党委办公室公开后）",
        "不要短信 · 不再收月报短信（发“接收短信”恢复）", "接收短信 · 恢复接收月报短信", "帮助 · 本说明"]
