"""Admin commands: registered by decorator, help from docstrings, admin-only, did-you-mean."""
import pytest

from handlers import commands
from handlers.replies import Text
from handlers.router import Context
from models import Person

CTX = Context(admin_userids=frozenset({"boss"}))


@pytest.fixture
def status_command(monkeypatch):
    monkeypatch.setattr(commands, "COMMANDS", dict(commands.COMMANDS))

    @commands.command("进度", aliases=("status",))
    def status(args, person, ctx):
        """进度 [月份] — 查看未提交的组织"""
        return [Text(f"进度 {args or '本月'}")]
    return status


def texts(replies):
    return [r.content for r in replies]


def test_help_lists_each_command_once_from_its_docstring(status_command):
    [help_text] = texts(commands.run("帮助", None, CTX))
    assert help_text.splitlines() == ["可用命令（在群里 @我 + 命令）：", "· 帮助 — 列出可用命令",
                                      "· 进度 [月份] — 查看未提交的组织"]


def test_admin_only_commands(status_command, db):
    clerk = Person.create(userid="clerk", name="办事员", roles=[])
    admin_by_role = Person.create(userid="a1", name="管理员", roles=["admin"])
    admin_by_config = Person.create(userid="boss", name="主任", roles=[])
    assert texts(commands.run("进度", clerk, CTX)) == ["该命令仅限管理员使用。"]
    assert texts(commands.run("进度 2026-11", admin_by_role, CTX)) == ["进度 2026-11"]
    assert texts(commands.run("/status", admin_by_config, CTX)) == ["进度 本月"]


@pytest.mark.parametrize("typed, reply", [
    ("帮主", "没有“帮主”这个命令。您是不是要找：帮助？"),
    ("xyz", "没有“xyz”这个命令。"),
])
def test_unknown_commands(typed, reply):
    assert texts(commands.run(typed, None, CTX)) == [reply]
