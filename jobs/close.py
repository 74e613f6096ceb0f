"""Closing a month: reports become read-only, those not submitted are marked 未报 (missing), and the
month's figures are kept for the statistics; December's notice names the orgs for a talk (约谈).
Items deferred (顺延) come back in the next month by the items rule (models/items.py), whether or not
it was published yet."""
from __future__ import annotations

import json

from bot.notices import admin_recipients, notify_admins
from handlers import cycle_views
from handlers.admin.rankings import talks_line
from handlers.errors import UserError
from handlers.messages import CLOSE_UNPUBLISHED
from models import Indicator, Period, PeriodSnapshot, Report, database
from models.cycle import figures
from models.directory import PeriodStatus
from models.periods import check
from models.report import ReportStatus


def close_period(services, period: str, dry_run: bool = False) -> dict:
    check(period)
    month = Period.get_or_none(Period.key == period)
    if month is None:
        raise UserError(CLOSE_UNPUBLISHED.format(period=period))
    if dry_run:
        return {"missing": Report.select().where(Report.period == period, Report.status == ReportStatus.OPEN).count(),
                "to": {"admins": admin_recipients(services.config)}}
    at = services.clock.utcnow()
    with database.atomic():
        Period.update(status=PeriodStatus.CLOSED).where(Period.key == period).execute()
        missing = (Report.update(status=ReportStatus.MISSING)
                   .where(Report.period == period, Report.status == ReportStatus.OPEN).execute())
        snapshot = PeriodSnapshot.get_or_none(PeriodSnapshot.period == period)
        if snapshot is None:
            snapshot = PeriodSnapshot.create(period=period, taken_at=at, figures=json.dumps(figures(period)))
        kept = json.loads(snapshot.figures)
        rows = notify_admins(services.config, f"close:{period}:admins", _notice(services, period, kept), at)
    services.outbox.kick(rows)
    return {"missing": missing, "submitted": kept["submitted"], "late": kept["late"]}


def _notice(services, period: str, kept: dict) -> str:
    """The admins' notice of the close; December's, once indicators are imported, also names the orgs
    in the bottom three of the year's ranking and the year before's (约谈)."""
    text = cycle_views.closed(period, kept)
    if period.endswith("-12") and Indicator.select().exists():
        text += "\n" + talks_line(int(period[:4]), services.clock.today())
    return text
