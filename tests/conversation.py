"""A person's chat with the handlers themselves: no HTTP, Redis or worker. What they send or tap
goes in as the Inbound the edge would build, in a transaction as the edge runs it; what comes back
is shown as short lines of text, the way a phone shows it."""
from __future__ import annotations

import calendar
import datetime
import itertools

from handlers import router
from handlers.checkin_steps import STEPS, Step
from handlers.events import EVENT, IMAGE, TEXT, VOICE, Inbound
from handlers.replies import Card, CardUpdate, Outgoing, Text
from models import Action, Department, Org, Period, Person, Rectification, Report, Task, database
from models.checkin import create_reports, sender
from models.directory import PeriodStatus
from models.items import items_for_orgs
from models.rectifications import RectificationState, create

PERIOD = "2026-11"
REPEATS = 20                # a way in sends its last text at most this often (an answer to each item …)
_ids = itertools.count(1)


def seed_lists(period: str = PERIOD) -> Org:
    """One college with a secretary and a deputy, two departments, three baseline actions and the
    month's two tasks: 1 讲授党课 (counted: twice a year), 2 中心组集体学习, 3 安全检查 (counted:
    once a quarter), 4 and 5 two tasks of 组织部. Returns the college."""
    org = Org.get_or_none(Org.code == "ORG01") or Org.create(code="ORG01", name="哲学学院", type="学院")
    if not Person.select().where(Person.userid == "sec01").exists():
        Person.create(userid="sec01", name="张书记", roles=["secretary"], org=org)
        Person.create(userid="dep01", name="李副书记", roles=["deputy"], org=org)
        Person.create(userid="dangwei01", name="王老师", roles=["admin"])
    if not Department.select().exists():
        organisation = Department.create(name="组织部")
        Department.create(name="宣传部")
        Action.create(code="A1", category="加强理论学习", title="中心组集体学习", requirement="每月不少于1次",
                      frequency="monthly")
        Action.create(code="A2", category="落实主体责任", title="讲授党课", requirement="每年不少于2次",
                      frequency="yearly", target=2, unit="次")
        Action.create(code="A3", category="安全工作", title="安全检查", requirement="每季度1次",
                      frequency="quarterly", target=1, unit="次")
        Task.create(period=period, code="T1", title="报送主题教育总结", department=organisation)
        Task.create(period=period, code="T2", title="毕业生就业帮扶", department=organisation, applies_to=["学院"])
    return org


def seed_month(period: str = PERIOD, at: datetime.datetime | None = None) -> Report:
    """The lists above, and the month published in the database (no cards: no Redis needed)."""
    org = seed_lists(period)
    year, month = int(period[:4]), int(period[5:])
    Period.create(key=period, status=PeriodStatus.PUBLISHED, publish_on=datetime.date(year, month, 5),
                  remind_on=datetime.date(year, month, 25),
                  close_on=datetime.date(year, month, calendar.monthrange(year, month)[1]))
    create_reports(period, items_for_orgs([org], period), at or datetime.datetime(year, month, 5, 1, 0))
    return Report.get(Report.org == org, Report.period == period)


def open_rectification() -> Rectification:
    """ORG01's first rectification 整改中, listed now if it has none."""
    org = Org.get(Org.code == "ORG01")
    found = org.rectifications.where(Rectification.state == RectificationState.OPEN).first()
    return found or create(org, {"source": "巡察", "problem": "理论学习不深入", "measures": "制定学习计划",
                                 "responsible": "张书记", "found_on": datetime.date(2026, 11, 1),
                                 "deadline": datetime.date(2026, 12, 31)}, "dangwei01", datetime.datetime(2026, 11, 1))


def show(reply) -> str:
    """One reply as the line a person reads: texts as they are, cards by their title."""
    if isinstance(reply, Text):
        return reply.content
    if isinstance(reply, Card):
        return "卡片：" + " · ".join([reply.title, *(f"{key}：{value}" for key, value in reply.lines)])
    if isinstance(reply, CardUpdate):
        return "卡片更新：" + reply.replace_name
    if isinstance(reply, Outgoing):
        return f"→{reply.to} {show(reply.reply)}"
    raise TypeError(type(reply).__name__)


class Chat:
    """One person's side of the chat."""

    def __init__(self, userid: str, ctx: router.Context):
        self.userid, self.ctx = userid, ctx
        self.cards: list[Card] = []

    def _run(self, **fields) -> list[str]:
        inbound = Inbound(source="app", user=self.userid, dedupe_key=f"test:{next(_ids)}", **fields)
        with database.atomic():
            replies = router.route(inbound, sender(self.userid), self.ctx)
        self.cards += [r for r in replies if isinstance(r, Card) and r.buttons]
        return [show(r) for r in replies]

    def send(self, text: str) -> list[str]:
        return self._run(kind=TEXT, text=text)

    def photo(self) -> list[str]:
        return self._run(kind=IMAGE, media_id=f"media-{next(_ids)}")

    def voice(self) -> list[str]:
        return self._run(kind=VOICE, media_id=f"media-{next(_ids)}")

    def enter(self) -> list[str]:
        return self._run(kind=EVENT, event="enter_agent")

    def click(self, key: str, task_id: str = "card") -> list[str]:
        return self._run(kind=EVENT, event="template_card_event", event_key=key, task_id=task_id,
                         response_code=f"rc-{next(_ids)}")

    def tap(self, label: str, card: Card | None = None) -> list[str]:
        """Press a button of the latest card with buttons (or of `card`)."""
        card = card or self.cards[-1]
        button = next(b for b in card.buttons if b.text == label)
        return self.click(button.key, card.task_id)

    def expect(self, exchanges: list[tuple]) -> None:
        """Run a table of (what the person sends, what they read back): a text to send, or a
        callable of this chat (e.g. lambda c: c.tap("已完成"))."""
        for number, (action, expected) in enumerate(exchanges, 1):
            got = action(self) if callable(action) else self.send(action)
            assert got == expected, f"exchange {number} ({action!r}): {got!r}"


def walk_to(step: Step, send, now) -> list[str]:
    """Take a person from a fresh month to `step` the way the table of steps says (each row's
    way_in: the step to start from, reached the same way, and what to send there, the last text
    again until they are there); `send(text)` sends it as them, `now()` is their step. Returns
    what was sent: the tests' one route to each step."""
    if step == Step.RECTIFY:
        open_rectification()            # the way there asks about one
    start, *texts = STEPS[step].way_in
    sent = walk_to(start, send, now) if start else []
    for text in texts:
        send(text)
    sent += texts
    while now() != step and len(sent) < REPEATS:
        send(texts[-1])
        sent.append(texts[-1])
    assert now() == step, (step, sent)
    return sent
