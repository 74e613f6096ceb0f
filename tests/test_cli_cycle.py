"""The month's steps by hand from the CLI say what they will do, as the admins' chat does, and ask."""
import datetime

import pytest

from models import OutboxMessage, Period, Person
from models.demo import load_demo_data

D = datetime.datetime


@pytest.fixture
def cli(app, services, phone, clock):
    clock.set(D(2026, 12, 1, 8, 0))
    load_demo_data("2026-12", services.config.directory)
    phone.add_members([p.userid for p in Person.select()])
    runner = app.test_cli_runner()

    def invoke(*args, answer: str = ""):
        result = runner.invoke(args=list(args), input=answer)
        return result.exit_code, result.output.strip().splitlines()
    return invoke


def test_publish_remind_and_close_by_hand_say_what_they_will_do_and_ask(cli, clock):
    code, lines = cli("cycle", "publish", "2026-12", answer="n\n")
    assert code == 1 and lines[0].startswith("将发布2026年12月月报：73 个组织的 88 人各收到一张卡片（月度任务 ")
    assert lines[-2:] == ["Go ahead? [y/N]: n", "Aborted!"]
    assert Period.select().count() == 0 and OutboxMessage.select().count() == 0
    code, lines = cli("publish", "2026-12", answer="y\n")
    assert code == 0 and lines[-1] == "2026-12 publish: ran · reports=73 new_reports=73 cards=88 sms=77"

    clock.set(D(2026, 12, 25, 10, 0))                                       # the remind day
    code, lines = cli("cycle", "remind", "2026-12", answer="\n")
    plan = "将提醒2026年12月未提交的 73 个组织：共 88 条消息，确认后立即发出。同时发短信 77 条。"
    assert code == 1 and lines[0] == plan
    assert not OutboxMessage.select().where(OutboxMessage.key.startswith("remind:")).exists()
    code, lines = cli("cycle", "remind", "2026-12", "--yes")
    assert code == 0 and lines == [plan, "2026-12 remind: ran · orgs=73 messages=88 queued=88 sms=77"]

    code, lines = cli("close", "2026-12", answer="n\n")
    assert code == 1 and lines[0].startswith("将截止2026年12月：73 个未提交的组织记为未报")
    assert Period.get().status == "published"
    assert cli("cycle", "close", "2026-12", "--yes")[1][-1] == "2026-12 close: ran · missing=73 submitted=0 late=0"


def test_publishing_a_month_without_tasks_warns_before_asking(cli):
    code, lines = cli("publish", "2027-01", answer="n\n")
    assert code == 1 and lines[0] == "⚠️ 2027年1月还没有月度任务（月度任务 0 项），各组织只会收到基础固定动作。"
    assert lines[1].startswith("将发布2027年1月月报：73 个组织的 88 人各收到一张卡片（月度任务 0 项）")
