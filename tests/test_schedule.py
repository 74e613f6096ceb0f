"""When each step is due: days of the month moved to the next workday by China's calendar (make-up
workdays count, the October holiday does not), the close never moved, escalation pulled inside the
month, org types with a remind day of their own, years chinese-calendar does not cover yet, and the
machine's time zone irrelevant."""
import datetime
import logging

import pytest

import settings
from models import workdays as workdays_module
from models.schedule import Schedule
from models.workdays import Workdays


def schedule(**values) -> Schedule:
    return Schedule(settings.from_dict({"schedule": values}).schedule, "Asia/Shanghai")


def dues(plan) -> list[tuple[str, str, str]]:
    return [(d.step, d.group, d.at.strftime("%m-%d %H:%M")
             + (f" pulled from {d.pulled_from:%m-%d}" if d.pulled_from else "")) for d in plan]


def test_december_2026_publishes_on_monday_the_7th():
    assert dues(schedule().plan("2026-12")) == [
        ("preview", "", "12-04 09:00"),         # the workday before publish day
        ("publish", "", "12-07 09:00"),         # the 5th is a Saturday
        ("remind", "", "12-25 09:00"),
        ("urge", "", "12-29 09:00"),            # the 2nd workday after the 25th (a Friday)
        ("supervise", "", "12-31 09:00"),       # the 4th
        ("close", "", "12-31 23:59"),
    ]


def test_the_october_holiday_moves_publish_day_past_it_and_a_make_up_saturday_counts():
    plan = dues(schedule(remind={"day": 10, "time": "10:00"}).plan("2026-10"))
    assert ("publish", "", "10-08 09:00") in plan          # 1-7 October are the National Day holiday
    assert ("preview", "", "09-30 09:00") in plan
    assert ("remind", "", "10-10 10:00") in plan           # Saturday 10 October is a make-up workday
    assert ("urge", "", "10-13 10:00") in plan


def test_the_close_is_never_moved_and_steps_after_it_are_pulled_to_the_last_workday_before_it():
    plan = dues(schedule(remind={"day": 28}, supervise_after_workdays=4).plan("2027-02"))
    assert ("close", "", "02-28 23:59") in plan             # a Sunday, and the month's last day
    assert [d for d in plan if d[0] in ("remind", "urge", "supervise")] == [
        ("remind", "", "02-26 09:00 pulled from 03-01"),     # the 28th is a Sunday: the next workday is in March
        ("urge", "", "02-26 09:00 pulled from 03-03"),
        ("supervise", "", "02-26 09:00 pulled from 03-05")]
    assert schedule(remind={"day": 28}).deadline("2027-02") == datetime.date(2027, 2, 26)


def test_in_a_short_month_supervise_comes_before_the_close():
    plan = dues(schedule().plan("2026-11"))
    assert plan[2:] == [
        ("remind", "", "11-25 09:00"), ("urge", "", "11-27 09:00"),
        ("supervise", "", "11-30 09:00 pulled from 12-01"),   # the close's own day, a Monday, before 23:59
        ("close", "", "11-30 23:59")]
    february = schedule().plan("2027-02")
    assert dues(february)[2:] == [
        ("remind", "", "02-25 09:00"),
        ("urge", "", "02-26 09:00 pulled from 03-01"), ("supervise", "", "02-26 09:00 pulled from 03-03"),
        ("close", "", "02-28 23:59")]
    urge = next(d for d in february if d.step == "urge")
    assert schedule().shares_moment("2027-02", urge).step == "supervise"


def test_a_step_whose_time_is_not_before_the_close_goes_to_the_workday_before():
    plan = dues(schedule(remind={"day": "last", "time": "23:59"}).plan("2026-12"))
    assert [d for d in plan if d[0] == "remind"] == [("remind", "", "12-30 23:59 pulled from 12-31")]


DAYS = [*range(1, 29), "last"]


@pytest.mark.parametrize("values", [
    {}, {"urge_after_workdays": 9, "supervise_after_workdays": 10},
    {"shift_to_workday": False, "close": {"day": 28, "time": "18:00"}},
], ids=["default", "longest", "no shift, close on the 28th"])
def test_escalation_fits_inside_every_month_of_2026_to_2030_for_every_remind_day(values):
    for day in DAYS:
        types = {"附属医院": {"remind": {"day": day, "time": "17:30"}}}
        plan = schedule(**values, remind={"day": day}, by_type=types)
        for period in (f"{year}-{month:02d}" for year in range(2026, 2031) for month in range(1, 13)):
            dues_ = plan.plan(period)
            close = next(d.at for d in dues_ if d.step == "close")
            for group in ("", "附属医院"):
                remind, urge, supervise = (plan.plan_of(period, step, group).at
                                           for step in ("remind", "urge", "supervise"))
                assert remind <= urge <= supervise < close, (period, day, group)
                assert remind.strftime("%Y-%m") == period and plan.deadline(period, group) == remind.date()
                pulled = [d for d in dues_ if d.group == group and d.pulled_from]
                assert all(d.pulled_from >= close and plan.workdays.is_workday(d.at.date())
                           for d in pulled if values.get("shift_to_workday", True)), (period, day, group)
def test_without_the_shift_days_stay_where_they_are():
    plan = dues(schedule(shift_to_workday=False).plan("2026-12"))
    assert ("publish", "", "12-05 09:00") in plan and ("preview", "", "12-04 09:00") in plan
    assert ("urge", "", "12-27 09:00") in plan


def test_an_org_type_can_be_reminded_later_and_its_deadline_follows():
    later = schedule(by_type={"附属医院": {"remind": {"day": 27, "time": "08:30"}}})
    plan = dues(later.plan("2026-12"))
    assert ("remind", "附属医院", "12-28 08:30") in plan    # the 27th is a Sunday
    assert ("urge", "附属医院", "12-30 08:30") in plan
    assert ("supervise", "附属医院", "12-31 08:30 pulled from 01-04") in plan
    assert later.deadline("2026-12", "附属医院") == datetime.date(2026, 12, 28)
    assert later.deadline("2026-12", "学院") == datetime.date(2026, 12, 25)


def test_the_older_keys_still_work():
    assert dues(schedule(publish_day=3, remind_day=20).plan("2026-12"))[1:3] == [
        ("publish", "", "12-03 09:00"), ("remind", "", "12-21 09:00")]


def test_a_year_chinese_calendar_does_not_cover_is_estimated_and_said_once(caplog, monkeypatch):
    monkeypatch.setattr(workdays_module, "_FALLBACK", {})
    calendar = Workdays()
    with caplog.at_level(logging.WARNING):
        assert calendar.is_workday(datetime.date(2027, 2, 8)) is False      # the Spring Festival
        assert calendar.is_workday(datetime.date(2027, 2, 6)) is False      # a Saturday
        assert calendar.is_workday(datetime.date(2027, 2, 11)) is True
        assert calendar.is_workday(datetime.date(2027, 3, 1)) is True
    assert calendar.estimated_years == {2027}
    assert caplog.text.count("no data for 2027") == 1


def test_the_configuration_names_extra_holidays_and_workdays():
    calendar = Workdays(extra_holidays=["2026-12-07"], extra_workdays=["2026-12-05"])
    assert calendar.on_or_after(datetime.date(2026, 12, 5)) == datetime.date(2026, 12, 5)
    assert calendar.after(datetime.date(2026, 12, 5), 1) == datetime.date(2026, 12, 8)


@pytest.mark.parametrize("text, message", [
    ('publish = { day = 31 }', "schedule.publish.day: must be a day from 1 to 28"),
    ('close = { day = "end" }', 'schedule.close.day: must be a day from 1 to 28, or "last"'),
    ('remind = { day = 25, time = "25:00" }', "schedule.remind.time: expected a time like"),
    ('remind = { day = 25, at = "09:00" }', "schedule.remind: expected"),
    ('urge_after_workdays = 0', "schedule.urge_after_workdays: must be from 1 to 10 workdays"),
    ('urge_after_workdays = 4', "schedule.supervise_after_workdays: must be more than urge_after_workdays"),
    ('extra_holidays = ["2027-13-01"]', "schedule.extra_holidays: expected dates"),
    ('[schedule.by_type."附属医院"]\npublish = { day = 6 }', "only remind = { day, time } can differ by type"),
])
def test_a_mistyped_schedule_names_the_key(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(f"[schedule]\n{text}\n", encoding="utf-8")
    with pytest.raises(settings.ConfigError) as err:
        settings.load(path, env={})
    assert message in str(err.value)
