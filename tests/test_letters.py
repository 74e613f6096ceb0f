"""整改清单's letters (issue 21): 提醒函 to the org some workdays before the deadline, 催告函 on it to
the org and its area liaison, 督办函 some workdays after it to the admins and the liaison; each at
most once per rectification, the latest due only, none for one 待验收 or 已销号; delivered through
the stand-in. Around 2026's National Day: 10-01..10-07 off, Saturday 10-10 a make-up workday."""
import datetime

import pytest

import settings
from bot import outbound
from handlers import admin
from jobs import letters
from models import Org, OutboxMessage, Person, RectificationLetter
from models.rectifications import Move, RectificationState, create, move
from tests.chat import show
from tests.setups import run_worker

D = datetime.datetime
day = datetime.date


@pytest.fixture
def orgs(db, phone):
    """Two colleges in two areas, each area with a liaison; the demo configuration's two admins."""
    south = Org.create(code="XY01", name="哲学学院", type="学院", area="南校园")
    north = Org.create(code="XY02", name="化学学院", type="学院", area="北校园")
    Person.create(userid="sec-xy01", name="张书记", roles=["secretary"], org=south)
    Person.create(userid="dep-xy01", name="李副书记", roles=["deputy"], org=south)
    Person.create(userid="mem-xy01", name="组织员", roles=[], org=south)
    Person.create(userid="sec-xy02", name="赵书记", roles=["secretary"], org=north)
    Person.create(userid="pq-south", name="南联络员", roles=["liaison"], area="南校园")
    Person.create(userid="pq-north", name="北联络员", roles=["liaison"], area="北校园")
    phone.add_members([p.userid for p in Person.select()] + ["dangwei01", "dangwei02"])
    return south, north


def listed(org, deadline: datetime.date, problem: str = "理论学习不深入"):
    return create(org, {"source": "巡察", "problem": problem, "measures": "制定学习计划", "responsible": "张书记",
                        "found_on": day(2026, 9, 1), "deadline": deadline}, "dangwei01", D(2026, 9, 1, 1, 0))


def send(services, clock, moment: datetime.datetime) -> dict:
    clock.set(moment)
    counts = letters.send_due(services)
    run_worker(services)
    return counts


def inbox(phone, userid: str) -> list[str]:
    return [show(m) for m in phone.messages(userid=userid)]


def letters_sent() -> list[tuple]:
    rows = RectificationLetter.select().order_by(RectificationLetter.id)
    return [(r.rectification.code, r.kind, r.due_on) for r in rows]


def test_each_letter_goes_on_its_workday_to_its_people_once(services, clock, phone, orgs):
    south, _ = orgs
    r = listed(south, day(2026, 10, 9))         # a Friday: 提醒函 three workdays before (over the holiday)
    assert send(services, clock, D(2026, 9, 28, 9, 0)) == {}
    assert send(services, clock, D(2026, 9, 29, 8, 59)) == {}
    assert send(services, clock, D(2026, 9, 29, 9, 0)) == {"remind": 1, "queued": 2}
    remind = ("【整改提醒函】XY01 哲学学院：整改 ZG01「理论学习不深入」时限 2026-10-09，还有 3 个工作日。"
              "请按期完成，完成后发“整改 ZG01 已完成 说明”。")
    assert inbox(phone, "sec-xy01") == inbox(phone, "dep-xy01") == [remind]
    assert send(services, clock, D(2026, 9, 29, 17, 0)) == {}
    assert send(services, clock, D(2026, 10, 8, 9, 0)) == {}
    assert send(services, clock, D(2026, 10, 9, 9, 0)) == {"urge": 1, "queued": 3}
    assert inbox(phone, "sec-xy01")[-1] == ("【整改催告函】XY01 哲学学院：整改 ZG01「理论学习不深入」时限 2026-10-09 "
                                            "已到，尚未完成。请抓紧完成，完成后发“整改 ZG01 已完成 说明”。")
    assert inbox(phone, "pq-south") == [
        "【整改催告函】XY01 哲学学院：整改 ZG01「理论学习不深入」时限 2026-10-09 已到，尚未完成，已催告该组织。"]
    assert send(services, clock, D(2026, 10, 12, 9, 0)) == {}      # 10-10, a make-up Saturday, was the 1st
    assert send(services, clock, D(2026, 10, 13, 9, 0)) == {"supervise": 1, "queued": 3}
    supervise = ("【整改督办函】XY01 哲学学院：整改 ZG01「理论学习不深入」时限 2026-10-09，已逾期 4 天仍未完成，"
                 "请督办。详情：整改 ZG01")
    assert inbox(phone, "dangwei01")[-1] == inbox(phone, "dangwei02")[-1] == inbox(phone, "pq-south")[-1] == supervise
    assert send(services, clock, D(2026, 11, 20, 9, 0)) == {}
    assert len(inbox(phone, "sec-xy01")) == len(inbox(phone, "dep-xy01")) == 2
    assert len(inbox(phone, "pq-south")) == 2 and len(inbox(phone, "dangwei01")) == 1
    assert inbox(phone, "mem-xy01") == inbox(phone, "sec-xy02") == inbox(phone, "pq-north") == []
    assert letters_sent() == [(r.code, "remind", day(2026, 9, 29)), (r.code, "urge", day(2026, 10, 9)),
                              (r.code, "supervise", day(2026, 10, 13))]


def test_only_the_latest_letter_due_goes_and_a_holiday_deadline_is_urged_before_it(services, clock, phone, orgs):
    south, north = orgs
    listed(south, day(2026, 10, 4))             # a holiday: urged on 09-30, supervised on Saturday 10-10
    listed(north, day(2026, 9, 1))              # listed long overdue: straight to the 督办函
    assert send(services, clock, D(2026, 9, 30, 9, 0)) == {"urge": 1, "supervise": 1, "queued": 6}
    assert [text[:7] for text in inbox(phone, "sec-xy01")] == ["【整改催告函】"]
    assert inbox(phone, "sec-xy02") == [] and inbox(phone, "pq-north")[0].startswith("【整改督办函】XY02")
    assert send(services, clock, D(2026, 10, 9, 9, 0)) == {}
    assert send(services, clock, D(2026, 10, 10, 9, 0)) == {"supervise": 1, "queued": 3}
    assert [kind for _, kind, _ in letters_sent()] == ["urge", "supervise", "supervise"]


def test_none_while_it_waits_for_the_office_and_one_supervision_ever(services, clock, phone, orgs):
    south, _ = orgs
    waiting, closed, reopened = (listed(south, day(2026, 9, 10), problem) for problem in ("甲", "乙", "丙"))
    at, today = D(2026, 9, 20, 1, 0), day(2026, 9, 20)
    for r in (waiting, closed):
        move(r.code, Move.SUBMIT, "sec-xy01", at, today, "已完成")
    move(closed.code, Move.ACCEPT, "dangwei01", at, today)
    assert send(services, clock, D(2026, 9, 21, 9, 0)) == {"supervise": 1, "queued": 3}
    assert [code for code, _, _ in letters_sent()] == [reopened.code]
    move(waiting.code, Move.SEND_BACK, "dangwei01", at, today, "材料不全")
    move(reopened.code, Move.SUBMIT, "sec-xy01", at, today, "已完成")
    move(reopened.code, Move.SEND_BACK, "dangwei01", at, today, "材料不全")
    assert send(services, clock, D(2026, 9, 22, 9, 0)) == {"supervise": 1, "queued": 3}
    assert [code for code, _, _ in letters_sent()] == [reopened.code, waiting.code]
    assert send(services, clock, D(2026, 9, 23, 9, 0)) == {}
    assert [r.state for r in (waiting, reopened)] == [RectificationState.OPEN] * 2


def test_a_failure_halfway_leaves_the_first_sent_and_the_rerun_sends_the_rest_once(
        services, clock, phone, orgs, monkeypatch):
    south, north = orgs
    first, second, third = (listed(org, day(2026, 10, 9)) for org in (south, north, south))
    enqueue = outbound.enqueue

    def failing(key, *args):
        if key.startswith(f"letter:urge:{second.id}:"):
            raise RuntimeError("the database went away")
        return enqueue(key, *args)

    monkeypatch.setattr(outbound, "enqueue", failing)
    clock.set(D(2026, 10, 9, 9, 0))
    with pytest.raises(RuntimeError):
        letters.send_due(services)
    run_worker(services)
    assert letters_sent() == [(first.code, "urge", day(2026, 10, 9))]
    assert len(inbox(phone, "sec-xy01")) == 1 and inbox(phone, "sec-xy02") == []
    monkeypatch.undo()
    assert send(services, clock, D(2026, 10, 9, 9, 1)) == {"urge": 2, "queued": 5}
    assert send(services, clock, D(2026, 10, 9, 9, 2)) == {}
    assert [code for code, _, _ in letters_sent()] == [first.code, second.code, third.code]
    assert len(inbox(phone, "sec-xy01")) == 2 and len(inbox(phone, "sec-xy02")) == 1
    assert len(inbox(phone, "pq-south")) == 2 and len(inbox(phone, "pq-north")) == 1


def test_a_dry_run_and_a_rehearsed_tick_say_who_would_get_what_and_write_nothing(app, services, clock, orgs):
    south, _ = orgs
    listed(south, day(2026, 10, 9))
    clock.set(D(2026, 10, 9, 9, 0))
    assert letters.send_due(services, dry_run=True) == {
        "urge": 1, "messages": 3, "to": {"urge": ["sec-xy01", "dep-xy01", "pq-south"]}}
    clock.set(D(2026, 10, 8, 12, 0))
    result = app.test_cli_runner().invoke(args=["cycle", "tick", "--at", "2026-10-13T09:00"])
    lines = result.output.splitlines()
    assert lines[0].startswith("rehearsal: 2026-10-13 09:00 is later than now")
    at = lines.index("2026-10 letters: would run · supervise=1 messages=3")
    assert lines[at + 1] == "  supervise → 3: pq-south, dangwei01, dangwei02"
    assert RectificationLetter.select().count() == OutboxMessage.select().count() == 0


def test_stats_of_a_year_count_the_letters_sent_in_it_by_kind(sec, ctx):
    r = listed(Org.get(Org.code == "ORG01"), day(2026, 10, 9))
    for kind, sent_at in (("remind", D(2025, 12, 31, 16, 30)),     # 2026-01-01 00:30 in Shanghai
                          ("urge", D(2026, 10, 9, 1, 0)), ("supervise", D(2026, 12, 31, 16, 30))):   # 2027 there
        RectificationLetter.create(rectification=r, kind=kind, due_on=day(2026, 10, 9), sent_at=sent_at)
    dangwei = Person.get(Person.userid == "dangwei01")
    stats = admin.run("统计 2026", dangwei, ctx, "robot")[0].content.splitlines()
    assert stats[-1] == "整改函件（2026年）：提醒函 1 份 · 催告函 1 份 · 督办函 0 份"
    month = admin.run("统计", dangwei, ctx, "robot")[0].content.splitlines()
    assert not any(line.startswith("整改函件") for line in month)


@pytest.mark.parametrize("text, message", [
    ("remind_workdays_before = -1", "rectifications.remind_workdays_before: must be 0 or more workdays"),
    ('supervise_workdays_after = "3"', "rectifications.supervise_workdays_after: expected an integer, got '3'"),
    ('letters_at = "9点"', "rectifications.letters_at: expected a time like \"09:00\", got '9点'"),
    ('letters_at = "24:00"', "rectifications.letters_at: expected a time like \"09:00\", got '24:00'"),
])
def test_the_letters_settings_are_checked(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(f"[rectifications]\n{text}\n", encoding="utf-8")
    with pytest.raises(settings.ConfigError) as err:
        settings.load(path, env={})
    assert str(err.value) == message


def test_the_letters_settings_have_defaults_and_read_the_environment(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    assert settings.load(path, env={}).rectifications == settings.RectificationsSection(3, 3, "09:00")
    changed = settings.load(path, env={"YUEBAO_RECTIFICATIONS_REMIND_WORKDAYS_BEFORE": "5",
                                       "YUEBAO_RECTIFICATIONS_LETTERS_AT": "08:30"}).rectifications
    assert (changed.remind_workdays_before, changed.time_of_day) == (5, datetime.time(8, 30))
