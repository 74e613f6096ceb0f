"""The cycle from the command line when the moment is not now: a later moment is only rehearsed
(nothing written, nothing sent, who would get what printed), a notice step is not sent before it is
due unless forced, and `cycle status` shows where the schedule pulled a step before the close."""
import datetime

import pytest

from jobs import cycle
from models import CycleStep, Org, OutboxMessage, Period, Rectification, Report
from models.cycle import fillers
from models.demo import load_demo_data
from models.report import ReportStatus

D = datetime.datetime


@pytest.fixture
def published(db, services, clock):
    """The demo directory, December published on the 7th; 60 of 73 orgs submitted by the 7th, 10:00."""
    clock.set(D(2026, 12, 1, 8, 0))
    load_demo_data("2026-12", services.config.directory)
    Rectification.delete().execute()        # their letters would go on ticks too: tests/test_letters.py's
    clock.set(D(2026, 12, 7, 9, 0))
    assert [o.state for o in cycle.tick(services)] == ["skipped", "ran"]     # preview, publish
    orgs = list(Org.select().order_by(Org.id))
    Report.update(status=ReportStatus.SUBMITTED).where(Report.org.in_([o.id for o in orgs[:60]])).execute()
    clock.set(D(2026, 12, 7, 10, 0))
    return orgs[60:]


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args) -> tuple[int, list[str]]:
        result = runner.invoke(args=list(args))
        return result.exit_code, result.output.splitlines()
    return invoke


def written() -> tuple:
    """Everything a step may change: the steps' rows, the outbox, the months, the reports."""
    return ([(s.step, s.org_type, s.status, s.ran_by, s.counts) for s in CycleStep.select().order_by(CycleStep.id)],
            [(m.key, m.status, m.next_attempt_at) for m in OutboxMessage.select().order_by(OutboxMessage.id)],
            [(p.key, p.status) for p in Period.select()],
            sorted((r.org_id, r.status) for r in Report.select()))


def recipients(lines: list[str], kind: str) -> list[str]:
    """The userids a dry run lists after `  kind → n:` (wrapped over several lines)."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {kind} → "))
    text = lines[start].split(": ", 1)[1]
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        text += " " + line.strip()
    return [userid.strip() for userid in text.split(",")]


def test_a_later_moment_is_only_rehearsed_and_says_who_would_get_what(services, clock, published, cli):
    _, status_before = cli("cycle", "status", "2026-12")
    before = written()
    code, lines = cli("cycle", "tick", "--at", "2026-12-25T09:30")         # no --dry-run
    assert code == 0
    assert lines[0] == ("rehearsal: 2026-12-25 09:30 is later than now (2026-12-07 10:00), so --dry-run: nothing is "
                        "written or sent; the texts would be built from the reports as they stand")
    late = [p.userid for people in fillers([o.id for o in published]).values() for p in people]
    assert lines[1] == f"2026-12 remind: would run · orgs=13 messages={len(late)} sms={len(late) - 2}"
    assert sorted(recipients(lines, "cards")) == sorted(late)
    assert written() == before
    assert cli("cycle", "status", "2026-12")[1] == status_before
    assert "  remind    all       2026-12-25 09:00  waiting" in status_before
    assert clock.now() == D(2026, 12, 7, 10, 0, tzinfo=clock.zone)          # the services' clock is back

    code, lines = cli("cycle", "tick", "--at", "2027-01-05T09:00")         # the whole rest of the month at once
    steps = [line for line in lines if not line.startswith(" ")][1:]
    assert steps == [
        "2026-12 remind: would skip · the month is over",
        "2026-12 urge: would skip · the month is over",
        "2026-12 supervise: would skip · the month is over",
        "2026-12 close: would run · missing=13",
        "2027-01 preview: would skip · published in the same tick",
        "2027-01 publish: would run · reports=73 new_reports=0 cards=88 sms=77"]
    assert recipients(lines, "admins") == ["dangwei01", "dangwei02"]
    assert written() == before
    assert [line for line in cli("cycle", "status", "2026-12")[1] if "warning" not in line] == status_before


def test_a_notice_step_is_not_sent_by_hand_before_it_is_due_unless_forced(services, clock, published, cli):
    before = written()
    code, lines = cli("cycle", "remind", "2026-12")
    assert code == 1 and lines == [
        "Error: 2026-12 remind is due 2026-12-25 09:00, later than now: the schedule runs it then. Rehearse it "
        "with --dry-run (or cycle tick --at), or send it now with --force"]
    assert written() == before
    code, lines = cli("cycle", "remind", "2026-12", "--force", "--yes")
    assert code == 0 and lines[0] == (
        "--force: 2026-12 remind is due 2026-12-25 09:00; its messages go now (2026-12-07 10:00) with texts built "
        "now, and the schedule will not run it again when due")
    assert lines[1].startswith("将提醒2026年12月未提交的 13 个组织")                    # what --yes went ahead with
    assert lines[2].startswith("2026-12 remind: ran · orgs=13 messages=")
    reminders = OutboxMessage.select().where(OutboxMessage.key.startswith("remind:2026-12:"))
    assert reminders.count() > 0 and {m.next_attempt_at for m in reminders} == {D(2026, 12, 7, 2, 0)}
    assert CycleStep.get(CycleStep.step == "remind").ran_by == "cli"
    clock.set(D(2026, 12, 29, 10, 0))                                       # urge is due: no --force needed
    code, lines = cli("cycle", "urge", "2026-12", "--yes")
    assert code == 0 and lines[-1].startswith("2026-12 urge: ran · orgs=13")


@pytest.mark.parametrize("period, lines", [
    ("2026-11", ["  urge      all       2026-11-27 09:00  waiting",
                 "  supervise all       2026-11-30 09:00  waiting · pulled before the close from 12-01 09:00",
                 "  close     all       2026-11-30 23:59  waiting"]),
    ("2027-02", ["  urge      all       2027-02-26 09:00  waiting · pulled before the close from 03-01 09:00"
                 " · same moment as supervise: only supervise runs",
                 "  supervise all       2027-02-26 09:00  waiting · pulled before the close from 03-03 09:00",
                 "  close     all       2027-02-28 23:59  waiting"]),
])
def test_status_shows_a_step_pulled_before_the_close(db, cli, period, lines):
    code, output = cli("cycle", "status", period)
    assert code == 0 and output[4:7] == lines


def test_a_short_month_sends_the_supervision_before_the_close(services, clock, cli, db):
    clock.set(D(2026, 11, 5, 9, 0))
    load_demo_data("2026-11", services.config.directory)
    Rectification.delete().execute()
    assert cycle.run_step(services, "2026-11", "publish").state == "ran"
    ran = []
    for day in (25, 27, 30):
        clock.set(D(2026, 11, day, 9, 0))
        ran += [f"{o.step} {o.state}" for o in cycle.tick(services)]
    assert ran == ["preview skipped", "remind ran", "urge ran", "supervise ran"]       # the 30th, a Monday
    assert OutboxMessage.select().where(OutboxMessage.key == "supervise:2026-11:sec-xy01").exists()
