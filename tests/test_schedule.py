"""When each step is due: days of the month moved to the next workday by China's calendar (make-up
workdays count, the October holiday does not), the close never moved, org types with a remind day
of their own, years chinese-calendar does not cover yet, and the machine's time zone irrelevant."""
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
    return [(d.step, d.group, d.at.strftime("%m-%d %H:%M") + (" after close" if d.after_close else ""))
            for d in plan]


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


def test_the_close_is_never_moved_and_steps_after_it_do_not_run():
    plan = dues(schedule(remind={"day": 28}, supervise_after_workdays=4).plan("2027-02"))
    assert ("close", "", "02-28 23:59") in plan             # a Sunday, and the month's last day
    assert [d for d in plan if d[0] == "supervise"] == [("supervise", "", "03-05 09:00 after close")]


def test_without_the_shift_days_stay_where_they_are():
    plan = dues(schedule(shift_to_workday=False).plan("2026-12"))
    assert ("publish", "", "12-05 09:00") in plan and ("preview", "", "12-04 09:00") in plan
    assert ("urge", "", "12-27 09:00") in plan


def test_an_org_type_can_be_reminded_later_and_its_deadline_follows():
    later = schedule(by_type={"附属医院": {"remind": {"day": 27, "time": "08:30"}}})
    plan = dues(later.plan("2026-12"))
    assert ("remind", "附属医院", "12-28 08:30") in plan    # the 27th is a Sunday
    assert ("urge", "附属医院", "12-30 08:30") in plan
    assert ("supervise", "附属医院", "01-04 08:30 after close") in plan
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
    ('extra_holidays = ["2027-13-01"]', "schedule.extra_holidays: expected dates"),
    ('[schedule.by_type."附属医院"]\npublish = { day = 6 }', "only remind = { day, time } can differ by type"),
])
def test_a_mistyped_schedule_names_the_key(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(f"[schedule]\n{text}\n", encoding="utf-8")
    with pytest.raises(settings.ConfigError) as err:
        settings.load(path, env={})
    assert message in str(err.value)
