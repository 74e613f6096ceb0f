"""Peewee models and the queries on them. No Flask, no wechatpy, no RQ here."""
from models.db import BaseModel, bind, database, migrate
from models.directory import Action, Department, Org, Period, Person, Task
from models.messaging import InboundMessage, OutboxMessage
from models.report import Conversation, Entry, EntryChange, Evidence, Feedback, Report

ALL_MODELS = [
    Department, Org, Person, Action, Task, Period, Report, Entry, EntryChange, Evidence, Feedback,
    Conversation, InboundMessage, OutboxMessage,
]

__all__ = [
    "ALL_MODELS", "Action", "BaseModel", "Conversation", "Department", "Entry", "EntryChange", "Evidence",
    "Feedback", "InboundMessage", "Org",
    "OutboxMessage", "Period", "Person", "Report", "Task", "bind", "database", "migrate",
]
