"""When each step of a month is due, from the [schedule] settings and the workday calendar.

    preview    the workday before publish day, at publish time: admins see what will go out
    publish    schedule.publish (e.g. the 5th, 09:00), moved to the next workday
    remind     schedule.remind (the 25th), moved to the next workday; it is also the deadline
    urge       the urge_after_workdays-th workday after remind, at remind's time
    supervise  the supervise_after_workdays-th workday after remind
    close      schedule.close (the last day, 23:59), never moved: it ends the month
An org type may have a remind day of its own (schedule.by_type); its urge and supervise follow
it. A step due after the close does not run. Every moment is in the organisation's time zone.
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
    after_close: bool = False       # due once the month is over: it does not run


class Schedule:
    def __init__(self, settings, timezone: str):
        """settings: the [schedule] section."""
        self.settings = settings
        self.zone = ZoneInfo(timezone)
        self.workdays = Workdays(settings.extra_holidays, settings.extra_workdays)

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

    def groups(self) -> dict[str, object]:
        """Group → its remind setting: FOR_ALL, and each org type with a remind day of its own."""
        own = {org_type: steps[MonthStep.REMIND] for org_type, steps in self.settings.by_type.items()
               if MonthStep.REMIND in steps}
        return {FOR_ALL: self.settings.remind, **own}

    def group_of(self, org_type: str) -> str:
        return org_type if org_type in self.groups() and org_type != FOR_ALL else FOR_ALL

    def deadline(self, period: str, org_type: str = FOR_ALL) -> datetime.date:
        """The day by which an org of this type should submit: its remind day."""
        return self._day(period, self.groups()[self.group_of(org_type)])

    def plan(self, period: str) -> list[Due]:
        """Every step of the month, in the order they are due."""
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
                at = self._at(day, remind)
                dues.append(Due(step, group, at, after_close=at > close))
        order = list(MonthStep)
        return sorted(dues, key=lambda due: (due.at, order.index(due.step)))

    def plan_of(self, period: str, step: MonthStep, group: str = FOR_ALL) -> Due:
        return next(due for due in self.plan(period) if due.step == step and due.group == group)
