"""Commands: one kind of registry for the chat and the group; help from docstrings; admin-only;
did-you-mean; what counts as a command in each."""
import pytest

from handlers import checkin, commands
from handlers.registry import Registry
from handlers.replies import Text
from handlers.router import Context
from models import Person
from models.clock import Clock

CTX = Context(clock=Clock(), admin_userids=frozenset({"boss"}))


@pytest.fixture
def status_command(monkeypatch):
    group = Registry(commands.GROUP.header, free_args=True)
    group.by_name.update(commands.GROUP.by_name)
    monkeypatch.setattr(commands, "GROUP", group)

    @group.command("进度", aliases=("status",), admin_only=True)
    def status(args, person, ctx):
        """进度 [月份] — 查看未提交的组织"""
        return [Text(f"进度 {args or '本月'}")]
    return status


def texts(replies):
    return [r.content for r in replies]


def test_group_help_lists_each_command_once_from_its_docstring(status_command, db):
    admin = Person.create(userid="a1", name="管理员", roles=["admin"])
    clerk = Person.create(userid="clerk", name="办事员", roles=[])
    assert texts(commands.run("帮助", admin, CTX))[0].splitlines() == [
        "可用命令（在群里 @我 + 命令）：", "帮助 — 列出可用命令", "进度 [月份] — 查看未提交的组织"]
    assert texts(commands.run("help", clerk, CTX))[0].splitlines() == [
        "可用命令（在群里 @我 + 命令）：", "帮助 — 列出可用命令"]


def test_admin_only_commands(status_command, db):
    clerk = Person.create(userid="clerk", name="办事员", roles=[])
    admin_by_role = Person.create(userid="a1", name="管理员", roles=["admin"])
    admin_by_config = Person.create(userid="boss", name="主任", roles=[])
    assert texts(commands.run("进度", clerk, CTX)) == ["该命令仅限管理员使用。"]
    assert texts(commands.run("进度 2026-11", admin_by_role, CTX)) == ["进度 2026-11"]
    assert texts(commands.run("/status", admin_by_config, CTX)) == ["进度 本月"]
    assert texts(commands.run("／进度  2026-11 ", admin_by_config, CTX)) == ["进度 2026-11"]


@pytest.mark.parametrize("typed, reply", [
    ("帮主", "没有“帮主”这个命令。您是不是要找：帮助？"),
    ("xyz", "没有“xyz”这个命令。"),
    ("/", "可用命令（在群里 @我 + 命令）：\n帮助 — 列出可用命令"),
    ("某" * 60_000, "没有“" + "某" * 19 + "…”这个命令。"),
])
def test_unknown_commands(typed, reply):
    assert texts(commands.run(typed, None, CTX)) == [reply]


@pytest.mark.parametrize("typed, command, args", [
    ("继续", "继续", ""), ("/继续", "继续", ""), ("开始填报", "继续", ""), ("改 3", "改", "3"),
    ("改3", "改", "3"), ("改", "改", ""), ("我的月历", "我的月历", ""),
    ("继续努力", None, None), ("提交 材料已报送", None, None), ("改天再报送", None, None),
    ("改 第三项", None, None), ("", None, None),
])
def test_what_counts_as_a_chat_command(typed, command, args):
    found = checkin.CHAT.find(typed)
    assert (found[0].name, found[1]) == (command, args) if command else found is None


def test_chat_help_is_generated_from_the_commands():
    assert checkin.CHAT.help_text().splitlines() == [
        "可用指令：", "继续 · 接着填", "进度 · 还剩哪些", "上一项 · 回到上一项", "跳过 · 先跳过本项",
        "改 N · 修改第 N 项", "暂停 · 稍后再填", "提交 · 提交月报", "取消 · 取消当前操作", "我的月历 · 本月清单",
        "帮助 · 本说明"]
