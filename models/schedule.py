"""When each step of a month is due, from the [schedule] settings and the workday calendar.

    preview    the workday before publish day, at publish time: admins see what will go out
    publish    schedule.publish (e.g. the 5th, 09:00), moved to the next workday
    remind     schedule.remind (the 25th), moved to the next workday; it is also the deadline
    urge       the urge_after_workdays-th workday after remind, at remind's time
    supervise  the supervise_after_workdays-th workday after remind
    close      schedule.close (the last day, 23:59), never moved: it ends the month
An org type may have a remind day of its own (schedule.by_type); its urge and supervise follow
it. Escalation fits inside the month: remind <= urge <= supervise < close. A reminder step that
would fall at or after the close is pulled forward to the last workday before it (at the step's
own time; the close's day counts if that time is before the close), so in a short month urge and
supervise may share a moment: the tick then sends only the later one (see jobs/cycle.py). A
pulled remind moves the deadline with it. Every moment is in the organisation's time zone.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from models.periods import split
from models.workdays import Workdays


class MonthStep(StrEnum):
    """The steps of a month, in the order they are due (see above)."""

    PREVIEW = "preview"
    PUBLISH = "publish"
    REMIND = "remind"
    URGE = "urge"
    SUPERVISE = "supervise"
    CLOSE = "close"


FOR_ALL = ""                # the group of a step that is the same for every org type
PER_GROUP = (MonthStep.REMIND, MonthStep.URGE, MonthStep.SUPERVISE)


@dataclass(frozen=True)
class Due:
    step: MonthStep
    group: str                      # FOR_ALL, or the org type whose remind day differs
    at: datetime.datetime           # aware
    pulled_from: datetime.datetime | None = None    # where it fell, at or after the close, before the pull


class Schedule:
    def __init__(self, settings, timezone: str):
        """settings: the [schedule] section."""
        self.settings = settings
        self.zone = ZoneInfo(timezone)
        self.workdays = Workdays(settings.extra_holidays, settings.extra_workdays)
        self._plans: dict[str, list[Due]] = {}      # period → its plan (the settings do not change)

    def _day(self, period: str, when, shift: bool = True) -> datetime.date:
        year, month = split(period)
        day = calendar.monthrange(year, month)[1] if when.day == "last" else when.day
        date = datetime.date(year, month, day)
        return self.workdays.on_or_after(date) if shift and self.settings.shift_to_workday else date

    def _at(self, day: datetime.date, when) -> datetime.datetime:
        return datetime.datetime.combine(day, when.time_of_day, tzinfo=self.zone)

    def _later(self, day: datetime.date, workdays: int) -> datetime.date:
        if self.settings.shift_to_workday:
            return self.workdays.after(day, workdays)
        return day + datetime.timedelta(days=workdays)

    def _before_close(self, step: MonthStep, group: str, at: datetime.datetime, close: datetime.datetime) -> Due:
        """The step as due, or, if it falls at or after the close, pulled forward to the last
        workday (any day without the workday shift) on which its time of day is before the close."""
        if at < close:
            return Due(step, group, at)
        day = close.date()
        if datetime.datetime.combine(day, at.timetz()) >= close:
            day -= datetime.timedelta(days=1)
        if self.settings.shift_to_workday and not self.workdays.is_workday(day):
            day = self.workdays.before(day)
        return Due(step, group, datetime.datetime.combine(day, at.timetz()), pulled_from=at)

    def groups(self) -> dict[str, object]:
        """Group → its remind setting: FOR_ALL, and each org type with a remind day of its own."""
        own = {org_type: steps[MonthStep.REMIND] for org_type, steps in self.settings.by_type.items()
               if MonthStep.REMIND in steps}
        return {FOR_ALL: self.settings.remind, **own}

    def group_of(self, org_type: str) -> str:
        return org_type if org_type in self.groups() and org_type != FOR_ALL else FOR_ALL

    def deadline(self, period: str, org_type: str = FOR_ALL) -> datetime.date:
        """The day by which an org of this type should submit: its remind day (pulled with it)."""
        return self.plan_of(period, MonthStep.REMIND, self.group_of(org_type)).at.date()

    def plan(self, period: str) -> list[Due]:
        """Every step of the month, in the order they are due."""
        if period not in self._plans:
            self._plans[period] = self._plan(period)
        return list(self._plans[period])

    def _plan(self, period: str) -> list[Due]:
        settings = self.settings
        publish_day = self._day(period, settings.publish)
        preview_day = (self.workdays.before(publish_day) if settings.shift_to_workday
                       else publish_day - datetime.timedelta(days=1))
        close = self._at(self._day(period, settings.close, shift=False), settings.close)
        dues = [Due(MonthStep.PREVIEW, FOR_ALL, self._at(preview_day, settings.publish)),
                Due(MonthStep.PUBLISH, FOR_ALL, self._at(publish_day, settings.publish)),
                Due(MonthStep.CLOSE, FOR_ALL, close)]
        for group, remind in self.groups().items():
            remind_day = self._day(period, remind)
            for step, day in ((MonthStep.REMIND, remind_day),
                              (MonthStep.URGE, self._later(remind_day, settings.urge_after_workdays)),
                              (MonthStep.SUPERVISE, self._later(remind_day, settings.supervise_after_workdays))):
                dues.append(self._before_close(step, group, self._at(day, remind), close))
        order = list(MonthStep)
        return sorted(dues, key=lambda due: (due.at, order.index(due.step)))

    def plan_of(self, period: str, step: MonthStep, group: str = FOR_ALL) -> Due | None:
        """The step's due, None for a group that has no such step (an org type without its own day)."""
        return next((due for due in self.plan(period) if due.step == step and due.group == group), None)

    def shares_moment(self, period: str, due: Due) -> Due | None:
        """The later step of the same group due at the same moment, which the tick sends instead."""
        order = list(MonthStep)
        return next((other for other in self.plan(period) if other.group == due.group and other.at == due.at
                     and other.step in PER_GROUP and order.index(other.step) > order.index(due.step)), None)
