"""The monthly report: one per org per period, one entry per item, feedback in free text."""
from __future__ import annotations

from enum import StrEnum

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from models.db import BaseModel
from models.directory import Action, Department, Org, Person, Task
from models.fields import ListField


class EntryStatus(StrEnum):
    """An item's status in a report (None until answered). The values are what the database holds."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_APPLICABLE = "not_applicable"
    DEFERRED = "deferred"
    NOT_DONE = "not_done"               # left unanswered when the report was submitted


# What a person answers (NOT_DONE only the submission gives)
ANSWERS = (EntryStatus.DONE, EntryStatus.IN_PROGRESS, EntryStatus.NOT_APPLICABLE, EntryStatus.DEFERRED)


class ReportStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    MISSING = "missing"                 # 未报: not submitted when the month closed


class FeedbackKind(StrEnum):
    HIGHLIGHT = "highlight"
    DIFFICULTY = "difficulty"
    SUGGESTION = "suggestion"


ROUTED_KINDS = (FeedbackKind.DIFFICULTY, FeedbackKind.SUGGESTION)     # the feedback a department may receive


class Report(BaseModel):
    """An org's report for a period (frozen item list at publish time)."""

    org = ForeignKeyField(Org, backref="reports", on_delete="CASCADE")
    period = CharField(max_length=7, index=True)
    status = CharField(max_length=16, default=ReportStatus.OPEN)     # a ReportStatus
    deadline = DateField(null=True)                        # the remind day of the org's type
    submitted_at = DateTimeField(null=True)
    submitted_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    late = BooleanField(default=False)
    created_at = DateTimeField()

    class Meta:
        indexes = ((("org", "period"), True),)


class Entry(BaseModel):
    """One item of a report: a baseline action or a monthly task, and the answer to it."""

    report = ForeignKeyField(Report, backref="entries", on_delete="CASCADE")
    position = IntegerField()                              # 1-based order shown to the secretary
    action = ForeignKeyField(Action, null=True, on_delete="SET NULL")
    task = ForeignKeyField(Task, null=True, on_delete="SET NULL")
    carried_over = BooleanField(default=False)             # deferred (顺延) from last period
    prior_amount = IntegerField(null=True)                 # quantified: the window's total before this period
    status = CharField(max_length=16, null=True)           # an EntryStatus, None until answered
    amount = IntegerField(null=True)                       # times / hours for quantified actions
    note = TextField(default="")
    reason = TextField(default="")                         # why not applicable
    answered_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    answered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("report", "position"), True), (("report", "status", "task"), False))   # 0018: item_counts


class Feedback(BaseModel):
    """Highlights, difficulties and suggestions (part three of a report)."""

    report = ForeignKeyField(Report, backref="feedback", on_delete="CASCADE")
    kind = CharField(max_length=16)                        # a FeedbackKind
    text = TextField()
    department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    created_at = DateTimeField()
    answer = TextField(default="")                         # the department's reply
    answered_by = ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="answers")
    answered_at = DateTimeField(null=True)
    acknowledged_at = DateTimeField(null=True)             # 已知悉, without a reply

    @property
    def is_open(self) -> bool:
        return not self.answer and self.acknowledged_at is None

    @classmethod
    def open_in_sql(cls):
        """is_open as a query condition."""
        return (cls.answer == "") & cls.acknowledged_at.is_null()


class EntryChange(BaseModel):
    """Every answer given to an entry, first or later, with who gave it and when."""

    entry = ForeignKeyField(Entry, backref="changes", on_delete="CASCADE")
    status = CharField(max_length=16, null=True)
    amount = IntegerField(null=True)
    note = TextField(default="")
    reason = TextField(default="")
    changed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    changed_at = DateTimeField()


class Evidence(BaseModel):
    """A photo sent right after answering an item (its WeCom media id)."""

    entry = ForeignKeyField(Entry, backref="evidence", on_delete="CASCADE")
    media_id = CharField(max_length=255)
    created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
    created_at = DateTimeField()


class Conversation(BaseModel):
    """Where one person is in one report's check-in: the cursor lives here, never in memory."""

    person = ForeignKeyField(Person, on_delete="CASCADE")
    report = ForeignKeyField(Report, backref="conversations", on_delete="CASCADE")
    step = CharField(max_length=16, default="item")         # a handlers.checkin_moves.Step (ITEM at first)
    position = IntegerField(default=1)                      # the item being asked
    last_answered = IntegerField(null=True)                 # where a following note or photo goes
    paused = BooleanField(default=False)
    return_to = CharField(max_length=16, null=True)         # the step an edit of one item goes back to
    feedback_kind = CharField(max_length=16, null=True)     # the kind of feedback being asked
    pending_status = CharField(max_length=16, null=True)    # chosen, while its reason or number is asked
    feedback = ForeignKeyField(Feedback, null=True, on_delete="SET NULL")   # waiting for its department
    skipped = ListField(default=list)                       # positions put off with 跳过
    undo_change = ForeignKeyField(EntryChange, null=True, on_delete="SET NULL")    # what 撤销 undoes: an answer
    undo_feedback = ForeignKeyField(Feedback, null=True, on_delete="SET NULL",     # or a part-three entry
                                    backref="undoable_in")
    undo_rectification = DeferredForeignKey("RectificationEvent", null=True,      # or a move on a rectification
                                            on_delete="SET NULL")
    rectification = DeferredForeignKey("Rectification", null=True, on_delete="SET NULL")    # the one asked about
    seen = BooleanField(default=False)                      # the person's sign of the month is recorded (models.seen)
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("person", "report"), True),)


class PendingReply(BaseModel):
    """A department liaison tapped 回复 on a feedback card: their next text is the reply."""

    person = ForeignKeyField(Person, unique=True, on_delete="CASCADE")
    feedback = ForeignKeyField(Feedback, on_delete="CASCADE")
    response_code = CharField(max_length=255, default="")  # the card to grey out once answered
    started_at = DateTimeField()
