"""The one clock: the organisation's zone whatever the machine's, a set moment for tests and
rehearsals, naive UTC for storage."""
import datetime
import time

import pytest

from models.clock import Clock, parse_moment

UTC = datetime.UTC


@pytest.fixture
def machine_in_new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_day_and_month_are_the_organisations_not_the_machines(machine_in_new_york):
    clock = Clock("Asia/Shanghai", at=datetime.datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    assert clock.today() == datetime.date(2027, 1, 1)
    assert clock.period() == "2027-01"
    assert clock.now().isoformat() == "2027-01-01T00:30:00+08:00"
    assert clock.utcnow() == datetime.datetime(2026, 12, 31, 16, 30)


def test_a_set_clock_stands_still_until_moved():
    clock = Clock("Asia/Shanghai", at=datetime.datetime(2027, 2, 28, 23, 59))
    assert clock.now() == clock.now() and clock.period() == "2027-02"
    clock.advance(datetime.timedelta(minutes=1))
    assert (clock.today(), clock.period()) == (datetime.date(2027, 3, 1), "2027-03")
    assert clock.timestamp() == int(datetime.datetime(2027, 3, 1, tzinfo=clock.zone).timestamp())


def test_a_real_clock_reads_the_time_and_cannot_be_moved():
    clock = Clock("Asia/Shanghai")
    before = datetime.datetime.now(UTC).replace(tzinfo=None)
    assert before <= clock.utcnow() <= datetime.datetime.now(UTC).replace(tzinfo=None)
    with pytest.raises(ValueError):
        clock.advance(datetime.timedelta(days=1))


def test_stored_times_are_shown_in_the_organisations_zone():
    clock = Clock("Asia/Shanghai")
    assert clock.local(datetime.datetime(2026, 11, 25, 16, 0)).isoformat() == "2026-11-26T00:00:00+08:00"


@pytest.mark.parametrize("text, expected", [
    ("2026-12-07T09:30", "2026-12-07T09:30:00+08:00"),
    ("2027-02-28T23:59:00+08:00", "2027-02-28T23:59:00+08:00"),
    ("2026-12-07T01:30:00+00:00", "2026-12-07T01:30:00+00:00"),
])
def test_moments_are_read_in_the_organisations_zone_unless_they_say(text, expected):
    assert parse_moment(text, "Asia/Shanghai").isoformat() == expected
