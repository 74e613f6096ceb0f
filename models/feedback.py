"""The departments' side of part three: which difficulties and suggestions a liaison or an admin
may see and answer, and the writes of an answer and of 已知悉 (the chat's cards and the 反馈 page
alike). Feedback routed to a department is its liaisons' and the admins' to answer; feedback sent
to no department (the secretary picked 0) is the admins' alone.
"""
from __future__ import annotations

import datetime

from peewee import JOIN, fn

from models.directory import Department, Org, Person
from models.report import ROUTED_KINDS, Feedback, Report

Author, Answerer = Person.alias(), Person.alias()


def theirs(person: Person):
    """A liaison's share of the feedback (the condition, on Feedback joined to its Org): their
    department's, and their area's orgs' (a liaison may have both)."""
    department = Feedback.department.in_([person.department_id] if person.department_id else [])
    return department | (Org.area == person.area) if person.area else department


def answerable(person: Person, is_admin: bool):
    """The difficulties and suggestions `person` answers, with their report, org, department (None
    when unrouted) and people: an admin all of them, a liaison `theirs` that went to a department."""
    query = (Feedback.select(Feedback, Report, Org, Department, Author, Answerer)
             .join(Report).join(Org).switch(Feedback).join(Department, JOIN.LEFT_OUTER)
             .switch(Feedback).join(Author, JOIN.LEFT_OUTER, on=Feedback.created_by == Author.id, attr="created_by")
             .switch(Feedback).join(Answerer, JOIN.LEFT_OUTER, on=Feedback.answered_by == Answerer.id,
                                    attr="answered_by")
             .where(Feedback.kind.in_(ROUTED_KINDS)))
    return query if is_admin else query.where(theirs(person), Feedback.department.is_null(False))


def open_for(person: Person, is_admin: bool) -> list[Feedback]:
    """What waits for an answer, newest first."""
    return list(answerable(person, is_admin).where(Feedback.open_in_sql())
                .order_by(Feedback.created_at.desc(), Feedback.id.desc()))


def answered_for(person: Person, is_admin: bool, count: int) -> list[Feedback]:
    """The last `count` answered or acknowledged, the latest first."""
    handled = fn.COALESCE(Feedback.answered_at, Feedback.acknowledged_at)
    return list(answerable(person, is_admin).where(~Feedback.open_in_sql())
                .order_by(handled.desc(), Feedback.id.desc()).limit(count))


def find_for(person: Person, is_admin: bool, feedback_id: int) -> Feedback | None:
    """The feedback, if it is one `person` answers."""
    return answerable(person, is_admin).where(Feedback.id == feedback_id).first()


def record_answer(feedback: Feedback, person: Person, text: str, at: datetime.datetime) -> None:
    feedback.answer, feedback.answered_by, feedback.answered_at = text, person, at
    feedback.save(only=[Feedback.answer, Feedback.answered_by, Feedback.answered_at])


def record_acknowledgement(feedback: Feedback, at: datetime.datetime) -> None:
    """已知悉, once: an answer or an earlier 已知悉 stays as it is."""
    if feedback.is_open:
        feedback.acknowledged_at = at
        feedback.save(only=[Feedback.acknowledged_at])
