"""不要短信 / 接收短信: a secretary or deputy opts out of the SMS that go with the month's messages
(jobs/sms_recipients.py), or back in. The reply says what is stored now, the number masked, and how
to undo it. They work in every step of the check-in, in a closed month, and with no report at all."""
from __future__ import annotations

from handlers import messages as m
from handlers.replies import Text
from models import Person
from models.messaging import mask_mobile


def choose(person: Person, wanted: bool) -> list[Text]:
    """Store whether the person takes SMS; the reply."""
    Person.update(sms=wanted).where(Person.id == person.id).execute()
    person.sms = wanted
    if wanted and not person.mobile:
        return [Text(m.SMS_ON_NO_MOBILE)]
    mobile = mask_mobile(person.mobile) if person.mobile else m.SMS_NO_MOBILE
    return [Text((m.SMS_ON if wanted else m.SMS_OFF).format(mobile=mobile))]


def opt_out(person: Person, args: str, ctx) -> list[Text]:
    return choose(person, False)


def opt_in(person: Person, args: str, ctx) -> list[Text]:
    return choose(person, True)
