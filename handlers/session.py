"""One message's view of a person's report: the cursor (a Conversation row), the entries, the replies."""
from __future__ import annotations

import secrets

from handlers import report_views
from handlers.replies import Text
from models.checkin import deadline, entries, record_answer
from models.directory import PeriodStatus
from models.report import ReportStatus


class Session:
    def __init__(self, inbound, person, report, period, conv, ctx, rows):
        """rows: the conversation's table, step → its row (handlers/checkin_steps.py STEPS)."""
        self.inbound, self.person, self.report, self.period, self.conv = inbound, person, report, period, conv
        self.ctx, self.rows = ctx, rows
        self.at = ctx.clock.utcnow()
        self.today = ctx.clock.today()
        self.entries = entries(report)
        self.replies: list = []

    @property
    def here(self):
        """The row of the step the person is in."""
        return self.rows[self.conv.step]

    @property
    def closed(self) -> bool:
        return self.period.status == PeriodStatus.CLOSED

    @property
    def submitted(self) -> bool:
        return self.report.status == ReportStatus.SUBMITTED

    @property
    def deadline(self):
        """The day to submit by: the report's own (its org type's remind day), else the month's."""
        return deadline(self.report, self.period)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def current(self):
        return self.entry_at(self.conv.position)

    def entry_at(self, position: int | None):
        return self.entries[position - 1] if position and 1 <= position <= self.count else None

    def entry_by_id(self, entry_id: int):
        return next((e for e in self.entries if e.id == entry_id), None)

    def unanswered(self) -> list[int]:
        return [e.position for e in self.entries if e.status is None]

    def next_waiting(self, after: int) -> int | None:
        """The first unanswered, unskipped position after `after`, else the first before it."""
        waiting = [p for p in self.unanswered() if p not in self.conv.skipped]
        return next((p for p in waiting if p > after), waiting[0] if waiting else None)

    def record(self, entry, **answer) -> None:
        self.undoable(change=record_answer(entry, self.person, self.at, **answer))

    def undoable(self, change=None, feedback=None, rectification=None) -> None:
        """What 撤销 undoes next: this change of an answer or a note, this part-three entry, or this move
        on a rectification (none: nothing)."""
        self.conv.undo_change, self.conv.undo_feedback, self.conv.undo_rectification = change, feedback, rectification

    def say(self, text: str) -> None:
        self.replies.append(Text(text))

    def send_item_card(self) -> None:
        entry = self.current
        task_id = f"e{entry.id}-{secrets.token_hex(6)}"      # WeCom wants every card's task id unique
        url = self.ctx.page(f"report/{self.report.period}#e{entry.id}")
        self.replies.append(report_views.item_card(entry, self.count, self.deadline, task_id, url))

    def save(self) -> None:
        self.conv.updated_at = self.at
        self.conv.save()
