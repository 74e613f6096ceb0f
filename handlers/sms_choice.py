"""不要短信 / 接收短信: a secretary or deputy opts out of the SMS that go with the month's messages
(jobs/sms_recipients.py), or back in. The reply says what is stored now, the number masked, and how
to undo it. They work in every step of the check-in, in a closed month, and with no report at all.
An admin's 组织 lists the org's secretary and deputies with their numbers masked, and who opted out."""
from __future__ import annotations

from handlers import messages as m
from handlers.replies import Text
from models import Person
from models.directory import ROLE_DEPUTY, ROLE_SECRETARY
from models.lists_io.persons import ROLE_LABELS
from models.messaging import mask_mobile


def choose(person: Person, wanted: bool) -> list[Text]:
    """Store whether the person takes SMS; the reply."""
    Person.update(sms=wanted).where(Person.id == person.id).execute()
    person.sms = wanted
    if not person.mobile:
        return [Text(m.SMS_ON_NO_MOBILE if wanted else m.SMS_OFF_NO_MOBILE)]
    return [Text((m.SMS_ON if wanted else m.SMS_OFF).format(mobile=mask_mobile(person.mobile)))]


def opt_out(person: Person, args: str, ctx) -> list[Text]:
    return choose(person, False)


def opt_in(person: Person, args: str, ctx) -> list[Text]:
    return choose(person, True)


def people_line(people: list[Person]) -> str:
    """An admin's look at an org's secretary and deputies: each one's number masked, and who opted out."""
    return m.SMS_PEOPLE + " · ".join(
        m.SMS_CONTACT.format(role="、".join(ROLE_LABELS[r] for r in person.roles if r in (ROLE_SECRETARY, ROLE_DEPUTY)),
                             name=person.name, mobile=mask_mobile(person.mobile) if person.mobile else m.SMS_NO_MOBILE,
                             off="" if person.sms else m.SMS_OPTED_OUT)
        for person in people)
