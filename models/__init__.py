"""Peewee models and the queries on them. No Flask, no wechatpy, no RQ here."""
from models.audit import AuditEntry
from models.comments import Comment, CommentEdit
from models.confirmation import PendingCommand
from models.cycle import CycleStep, PeriodSnapshot
from models.db import BaseModel, bind, database, migrate
from models.directory import Action, Department, Org, Period, Person, Task
from models.indicators import Indicator, ScoreCorrection, ScoreMark
from models.messaging import DeferredMessage, InboundMessage, OutboxMessage
from models.own_items import OwnItem
from models.rectifications import Rectification, RectificationEvent, RectificationLetter
from models.report import Conversation, Entry, EntryChange, Evidence, Feedback, PendingReply, Report
from models.seen import Seen
from models.sessions import SignIn
from models.shares import Share

ALL_MODELS = [
    Department, Org, Person, Action, Task, Period, Report, Entry, EntryChange, Evidence, Feedback,
    Conversation, InboundMessage, OutboxMessage, CycleStep, PeriodSnapshot, AuditEntry, PendingReply,
    DeferredMessage, PendingCommand, SignIn, OwnItem, Rectification, RectificationEvent,
    RectificationLetter, Share, Comment, CommentEdit, Seen, Indicator, ScoreMark, ScoreCorrection,
]

__all__ = [
    "ALL_MODELS", "Action", "AuditEntry", "BaseModel", "Comment", "CommentEdit", "Conversation", "CycleStep",
    "DeferredMessage", "Department", "Entry", "EntryChange", "Evidence", "Feedback", "InboundMessage", "Indicator",
    "Org", "OutboxMessage", "OwnItem", "PendingCommand", "PendingReply", "Period", "PeriodSnapshot", "Person",
    "Rectification", "RectificationEvent", "RectificationLetter", "Report", "ScoreCorrection", "ScoreMark", "Seen",
    "Share", "SignIn", "Task", "bind", "database", "migrate",
]
