"""The month runs itself: the tick at the moments the schedule names, on the demo directory (73
orgs, 88 secretaries and deputies, area liaisons, two admins), delivered through the stand-in."""
import datetime
import multiprocessing
import time
from collections import Counter

import pytest

from bot.services import Services
from jobs import cycle, publish
from models import CycleStep, Org, Period, PeriodSnapshot, Person, Rectification, Report, bind, database
from models.clock import Clock
from models.cycle import fillers
from models.demo import load_demo_data
from models.report import ReportStatus
from tests.chat import show
from tests.conftest import TIMEZONE
from tests.setups import run_worker
from tests.waiting import HANG

D = datetime.datetime


@pytest.fixture
def month(db, services, phone, clock):
    clock.set(D(2026, 12, 1, 8, 0))
    load_demo_data("2026-12", services.config.directory)
    Rectification.delete().execute()        # their letters would go on ticks too: tests/test_letters.py's
    phone.add_members([p.userid for p in Person.select()])


def tick(services, clock, moment) -> list[str]:
    clock.set(moment)
    outcomes = cycle.tick(services)
    run_worker(services)
    return [f"{o.step}{'/' + o.group if o.group else ''} {o.state}" + (f": {o.note}" if o.note else "")
            for o in outcomes]


def inbox(phone, userid) -> list[str]:
    return [show(m) for m in phone.messages(userid=userid)]


def people_of(orgs) -> list[str]:
    return [p.userid for people in fillers([o.id for o in orgs]).values() for p in people]


def titled(phone, userid, words) -> int:
    return sum(1 for text in inbox(phone, userid) if words in text.split(" | ")[0])


def submit(orgs):
    Report.update(status=ReportStatus.SUBMITTED).where(Report.org.in_([o.id for o in orgs])).execute()


def test_a_month_runs_itself(services, phone, clock, month):
    orgs = list(Org.select().order_by(Org.id))
    assert tick(services, clock, D(2026, 12, 4, 8, 59)) == []
    assert tick(services, clock, D(2026, 12, 4, 9, 0)) == ["preview ran"]
    preview = inbox(phone, "dangwei01")[-1]
    assert preview.startswith("发布预告：2026年12月月报将于 12月7日 发给 73 个组织。")
    assert "本月任务 12 项" in preview

    assert tick(services, clock, D(2026, 12, 5, 9, 0)) == []            # a Saturday
    assert tick(services, clock, D(2026, 12, 7, 9, 0)) == ["publish ran"]
    everyone = people_of(orgs)
    assert len(everyone) == 88 and all(titled(phone, u, "党建月报已发布") == 1 for u in everyone)
    assert inbox(phone, "dangwei02")[-1] == "2026年12月月报已发布：73 个组织，88 张卡片，截止 12月25日。"

    submit(orgs[:60])
    late = orgs[60:]
    assert tick(services, clock, D(2026, 12, 25, 9, 0)) == ["remind ran"]
    assert [titled(phone, u, "提醒") for u in people_of(late)] == [1] * len(people_of(late))
    assert sum(titled(phone, u, "提醒") for u in people_of(orgs[:60])) == 0
    reminder = next(t for t in inbox(phone, people_of(late)[0]) if "提醒" in t)
    assert reminder.endswith("请于 12月25日 前提交（12月31日 关闭填报）。 | [继续填报]")

    submit(late[:5])
    assert tick(services, clock, D(2026, 12, 29, 9, 0)) == ["urge ran"]
    assert sum(titled(phone, u, "催告") for u in people_of(late[5:])) == len(people_of(late[5:]))
    liaisons = Counter(m["userid"] for m in phone.messages() if m["userid"] and m["userid"].startswith("pq-"))
    assert liaisons and all(n == 1 for n in liaisons.values())
    urging = next(t for t in inbox(phone, people_of(late[5:])[0]) if "催告" in t)
    assert "已过截止日 12月25日" in urging and "12月31日 关闭后记为未报" in urging
    assert "（截止日 12月25日，12月31日 关闭填报）" in inbox(phone, next(iter(liaisons)))[-1]

    assert tick(services, clock, D(2026, 12, 31, 9, 0)) == ["supervise ran"]
    supervision = inbox(phone, "dangwei01")[-1]
    assert supervision.startswith(
        "2026年12月月报督办：截止日 12月25日 仍有 8 个组织未提交，12月31日 关闭填报后记为未报。\n【")
    card = next(t for t in inbox(phone, people_of(late[5:])[0]) if "督办" in t)
    assert "仍未提交（截止日 12月25日）" in card and "12月31日 关闭后记为未报" in card

    assert tick(services, clock, D(2026, 12, 31, 23, 59)) == ["close ran"]
    assert Period.get().status == "closed"
    assert Report.select().where(Report.status == ReportStatus.MISSING).count() == 8
    assert PeriodSnapshot.get().figures.startswith('{"orgs": 73, "submitted": 65, "late": 0, "missing": 8')
    assert inbox(phone, "dangwei01")[-1] == ("2026年12月月报已截止：已提交 65 个（其中逾期 0 个），未报 8 个。\n"
                                             "连续两年（2025、2026）排名后三位，建议约谈：无")       # December's

    assert tick(services, clock, D(2027, 1, 1, 0, 5)) == []
    steps = [(s.step, s.status, s.ran_by) for s in CycleStep.select().order_by(CycleStep.id)]
    assert steps == [(step, "done", "schedule") for step in
                     ("preview", "publish", "remind", "urge", "supervise", "close")]


def _tick_in_another_process(url, config, moment, start, done):
    bind(url)
    with database.connection_context():
        start.wait()
        done.put([o.state for o in cycle.tick(Services(config, Clock(TIMEZONE, at=moment)))])


@pytest.mark.slow
def test_two_ticks_at_the_same_instant_from_two_processes_publish_once(services, config, phone, clock, month):
    context = multiprocessing.get_context("fork")
    start, done = context.Barrier(2), context.Queue()
    moment = D(2026, 12, 7, 9, 0)
    clock.set(moment)
    database.close()
    processes = [context.Process(target=_tick_in_another_process,
                                 args=(config.database.url, config, moment, start, done)) for _ in range(2)]
    for process in processes:
        process.start()
    states = sorted(state for _ in processes for state in done.get(timeout=HANG))
    for process in processes:
        process.join(HANG)
    database.connect(reuse_if_open=True)
    assert states.count("ran") == 1 and CycleStep.select().where(CycleStep.step == "publish").count() == 1
    run_worker(services)
    everyone = people_of(Org.select())
    assert [titled(phone, u, "党建月报已发布") for u in everyone] == [1] * 88


def test_a_publish_whose_run_died_is_taken_over_by_a_later_tick(services, phone, clock, month, monkeypatch):
    real = publish.publish_period
    monkeypatch.setattr(publish, "publish_period", lambda *args, **kwargs: 1 / 0)     # the worker dies midway
    tick(services, clock, D(2026, 12, 4, 9, 0))
    assert tick(services, clock, D(2026, 12, 7, 9, 0)) == ["publish failed"]
    monkeypatch.setattr(publish, "publish_period", real)
    assert tick(services, clock, D(2026, 12, 7, 9, 5)) == []                 # it may still be running
    assert tick(services, clock, D(2026, 12, 7, 9, 11)) == ["publish ran: ran 0h 11m late"]
    assert tick(services, clock, D(2026, 12, 7, 9, 30)) == []
    assert Counter(titled(phone, userid, "已发布") for userid in people_of(Org.select())) == {1: 88}
    assert CycleStep.get(CycleStep.step == "publish").status == "done"


def test_after_three_days_without_cron_only_the_latest_reminder_goes_out_once(services, phone, clock, month,
                                                                              caplog):
    tick(services, clock, D(2026, 12, 7, 9, 0))
    submit(list(Org.select().order_by(Org.id))[:70])
    assert tick(services, clock, D(2026, 12, 30, 10, 0)) == [
        "remind skipped: superseded by urge, due too", "urge ran: ran 1d 1h 0m late"]
    assert "ran 1d 1h 0m after it was due" in caplog.text
    waiting = people_of(list(Org.select().order_by(Org.id))[70:])
    assert [len([t for t in inbox(phone, u) if "提醒" in t or "催告" in t]) for u in waiting] == [1] * len(waiting)
    assert tick(services, clock, D(2026, 12, 30, 10, 1)) == []


def test_a_closed_month_gets_no_reminder(services, phone, clock, month):
    tick(services, clock, D(2026, 12, 7, 9, 0))
    clock.set(D(2026, 12, 20, 9, 0))
    assert cycle.run_step(services, "2026-12", "close").state == "ran"
    assert tick(services, clock, D(2026, 12, 25, 9, 0)) == ["remind skipped: the month is over"]
    assert sum(titled(phone, u, "提醒") for u in people_of(Org.select())) == 0


def test_cron_down_all_month_neither_publishes_nor_reminds_a_month_that_is_over(services, clock, month):
    assert tick(services, clock, D(2027, 1, 2, 9, 0)) == []
    assert Period.select().count() == 0


def test_a_member_wecom_does_not_know_is_reported_to_the_admins_once_a_month(services, phone, clock, month):
    Person.create(userid="sec-gone", name="离职书记", roles=["secretary"], org=Org.get(Org.code == "XY01"))
    tick(services, clock, D(2026, 12, 7, 9, 0))
    submit(Org.select().where(Org.code != "XY01"))
    tick(services, clock, D(2026, 12, 25, 9, 0))
    notices = [t for t in inbox(phone, "dangwei01") if "sec-gone" in t]
    assert notices == ["企业微信中没有账号 sec-gone，发给他的消息未能送达。请核对通讯录后重新导入。"]


def test_operators_rehearse_a_month_and_see_where_it_stands(app, services, clock, month):
    runner = app.test_cli_runner()

    def cli(*args):
        result = runner.invoke(args=list(args))
        return result.exit_code, result.output
    code, output = cli("cycle", "tick", "--at", "2026-12-07T09:30", "--dry-run")
    lines = output.splitlines()
    assert code == 0 and lines[0].startswith("rehearsal: 2026-12-07 09:30 is later than now (2026-12-01 08:00)")
    assert lines[1:3] == [
        "2026-12 preview: would skip · published in the same tick",
        "2026-12 publish: would run · reports=73 new_reports=0 cards=88 sms=77"]
    assert lines[3].startswith("  cards → 88: sec-zs01, dep-zs01, sec-zs02,")
    assert "  admins → 2: dangwei01, dangwei02" in lines
    assert any(line.startswith("  sms → 77: sec-zs01, sec-zs02,") for line in lines)      # dep-zs01 opted out
    assert Period.select().count() == 0 and CycleStep.select().count() == 0
    clock.set(D(2026, 12, 7, 10, 0))                # a moment gone by is caught up, as the cron would
    assert cli("cycle", "tick", "--at", "2026-12-07T09:30")[1].splitlines() == [
        "2026-12 preview: skipped · published in the same tick",
        "2026-12 publish: ran · reports=73 new_reports=73 cards=88 sms=77 · ran 0h 30m late"]
    code, output = cli("cycle", "status", "2026-12")
    lines = output.splitlines()
    assert lines[1].startswith("  preview   all       2026-12-04 09:00  skipped at 12-07 09:30 by schedule")
    assert lines[2].startswith("  publish   all       2026-12-07 09:00  done at 12-07 09:30 by schedule · reports=73")
    assert lines[3] == "  remind    all       2026-12-25 09:00  waiting"
    assert "  outbox publish: pending 88" in lines
    assert "  sms: sent 0, failed 0, pending 77, skipped 11 (opted out 1, no mobile 10, cap 0)" in lines
    assert lines[-1].startswith("  not submitted: 73 (")
    assert cli("cycle", "remind", "2026-12", "--dry-run")[1].startswith(
        "2026-12 remind: would run · orgs=73 messages=88 sms=77\n  cards → 88: sec-dw04, sec-dw05,")
    assert cli("cycle", "remind", "2026-13")[0] == 2


@pytest.mark.parametrize("machine_zone", ["UTC", "Asia/Shanghai", "America/Los_Angeles"])
def test_the_machines_time_zone_moves_no_step(services, clock, month, monkeypatch, machine_zone):
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        utc = datetime.UTC
        assert tick(services, clock, D(2026, 12, 4, 0, 59, tzinfo=utc)) == []                # 08:59 in Shanghai
        assert tick(services, clock, D(2026, 12, 4, 1, 0, tzinfo=utc)) == ["preview ran"]    # 09:00
        assert tick(services, clock, D(2026, 12, 7, 0, 59, tzinfo=utc)) == []
        assert tick(services, clock, D(2026, 12, 7, 1, 0, tzinfo=utc)) == ["publish ran"]
        assert Period.get().publish_on == datetime.date(2026, 12, 7)
    finally:
        monkeypatch.undo()
        time.tzset()
