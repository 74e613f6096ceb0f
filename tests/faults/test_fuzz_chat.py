"""Fuzzing the check-in chat (issue 12): a secretary or deputy, in every step of the check-in, types
anything (random text, emoji, control characters and NUL, up to 60,000 characters, every command,
numbers of thousands of digits) and taps cards with forged or stale keys, through valid encrypted callbacks
of the app (XML) and of the robot (JSON). Never a 5xx, a traceback or an apology; every reply fits
a phone screen; the conversation is never lost (its step is where it was or legitimately moved on,
and the answers given stay); nothing reaches another org's report or another month's.

The month is tests/conversation.py's: five items, 1 and 3 counted. Each case starts from the step
it is about, restored from rows saved when a real conversation first got there."""
from __future__ import annotations

import datetime
import itertools
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from peewee import fn

from handlers import messages as m
from handlers.checkin import CHAT
from handlers.checkin_steps import STEPS, Step
from models import Conversation, Entry, EntryChange, Evidence, Feedback, Org, OutboxMessage, Period, Person, Report
from models.checkin import create_reports
from models.directory import PeriodStatus
from models.items import items_for_orgs
from models.report import ANSWERS
from tests.conversation import PERIOD, seed_month, walk_to
from tests.wecom import Caller, event_xml, robot_json, text_xml

REPLY_MAX = 500         # characters: about what a phone shows without scrolling far
PYTHON_SPEAKS = re.compile(r"Traceback|\b[A-Za-z]+(?:Error|Exception)\b|File \"")
LAST_MONTH = "2026-10"
MONTHS = [PERIOD, LAST_MONTH, "2099-12", "", "../2026-11"]     # what a month's card key may name
NOT_NUMBERS = ["1e3", "-1", "", "0x1", "1.0"]
SECRET = "ORG02-机密备注"     # the other org's answers: never shown to anyone of ours
TRACKED = (Report, Entry, EntryChange, Evidence, Feedback, Conversation)
REPLACED = (Conversation, Feedback, Evidence, EntryChange)      # children first
# Where typed text (no command) may take a person: the diagram of handlers/checkin_steps.py.
ANSWERED = {Step.ITEM, Step.FEEDBACK, Step.RECTIFY, Step.SUMMARY, Step.CONFIRM, Step.SUBMITTED}   # next, or back
ASKED = {Step.REASON, Step.AMOUNT}      # an answer or an edit in words asks its reason or number
TEXT_MOVES = {                                                                      # where an edit began
    Step.ITEM: ANSWERED | ASKED, Step.REASON: ANSWERED | ASKED, Step.AMOUNT: ANSWERED | ASKED,
    Step.FEEDBACK: {Step.FEEDBACK, Step.DEPARTMENT, Step.RECTIFY, Step.SUMMARY} | ASKED,
    Step.RECTIFY: {Step.RECTIFY, Step.SUMMARY} | ASKED,
    Step.DEPARTMENT: {Step.DEPARTMENT, Step.FEEDBACK}, Step.SUMMARY: {Step.SUMMARY} | ASKED,
    Step.CONFIRM: {Step.CONFIRM} | ASKED, Step.SUBMITTED: {Step.SUBMITTED} | ASKED, Step.PICK: {Step.PICK, Step.ITEM},
}
_ids = itertools.count(1)


def is_undo(text: str) -> bool:
    """撤销 (or one of its names): it may take back one change."""
    found = CHAT.find(text)
    return found is not None and found[0].name == "撤销"


def fuzz(examples: int):
    """Derandomized examples with no deadline (each is a few requests); on a busy machine
    generating them may be slow, which is no failure."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def capture() -> dict:
    """Every row the check-in writes, by model and id."""
    return {model: {row["id"]: row for row in model.select().dicts()} for model in TRACKED}


def restore(saved: dict) -> None:
    """Back to `saved`: reports and entries as they were, the rows that come and go replaced whole."""
    now = capture()
    if now == saved:
        return
    for model in REPLACED:
        model.delete().execute()
    for model in (Report, Entry):
        for row_id, row in saved[model].items():
            if now[model][row_id] != row:
                model.update(row).where(model.id == row_id).execute()
    for model in reversed(REPLACED):
        if saved[model]:
            model.insert_many(list(saved[model].values())).execute()


def entry_ids(report_id: int) -> list[int]:
    return [e.id for e in Entry.select(Entry.id).where(Entry.report == report_id).order_by(Entry.position)]


def readable(replies: list[str]) -> None:
    """Short enough for a phone, in Chinese, and nothing of the other org's."""
    for reply in replies:
        assert len(reply) <= REPLY_MAX, reply[:200]
        assert not PYTHON_SPEAKS.search(reply) and reply != m.APOLOGY and SECRET not in reply, reply


def xml_can_carry(text: str) -> bool:
    """XML 1.0 has no control characters but tab and newlines (WeCom cannot send them in the app)."""
    return all(ch in "\t\n\r" or "\x20" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch >= "\U00010000"
               for ch in text)


def seen(row: OutboxMessage) -> str:
    """An outbox row as the phone shows it, in one line."""
    body = json.loads(row.payload)
    if row.kind in ("text", "markdown"):
        return body[row.kind]["content"]
    if row.kind == "card_update":
        return body["button"]["replace_name"]
    card = body["template_card"]
    parts = [card["main_title"]["title"], card["main_title"].get("desc", ""), card.get("sub_title_text", "")]
    parts += [f"{line['keyname']}：{line['value']}" for line in card.get("horizontal_content_list", [])]
    return " | ".join(parts + [button["text"] for button in card.get("button_list", [])])


class Phone:
    """What a person sends or taps, as WeCom's signed and encrypted callbacks, and what they read:
    the passive reply, then whatever went to the outbox meanwhile (for anyone)."""

    def __init__(self, client, config, userid: str):
        self.client, self.userid = client, userid
        self.app = Caller(config.wecom.token, config.wecom.encoding_aes_key, config.wecom.corp_id)
        self.robot = Caller(config.robot.token, config.robot.encoding_aes_key, "")

    def send(self, text: str) -> tuple[int, list[str]]:
        return self._app(text_xml(self.userid, text, msg_id=f"fuzz-{next(_ids)}"))

    def tap(self, key: str, event: str = "template_card_event", code: str = "rc") -> tuple[int, list[str]]:
        n = next(_ids)
        return self._app(event_xml(self.userid, event, key=key, task_id=f"t{n}", created=n, response_code=code))

    def robot_send(self, text: str) -> tuple[int, list[str]]:
        encrypt, query = self.robot.envelope(robot_json(self.userid, text, msg_id=f"fuzz-{next(_ids)}"))
        return self._exchange(lambda: self.client.post("/wecom/robot", query_string=query, json={"encrypt": encrypt}),
                              lambda body: self.robot.open_json_reply(body)["stream"]["content"])

    def _app(self, plaintext: str) -> tuple[int, list[str]]:
        encrypt, query = self.app.envelope(plaintext)
        return self._exchange(lambda: self.client.post("/wecom/callback", query_string=query,
                                                       data=self.app.xml_body(encrypt)), self._open_app)

    def _open_app(self, body: bytes) -> str:
        reply = self.app.open_xml_reply(body)
        return reply["Content"] if reply["MsgType"] == "text" else reply["Button"]["ReplaceName"]

    @staticmethod
    def _exchange(post, open_reply) -> tuple[int, list[str]]:
        last = OutboxMessage.select(fn.MAX(OutboxMessage.id)).scalar() or 0
        response = post()
        if response.status_code != 200:
            return response.status_code, []
        passive = [open_reply(response.data)] if response.data else []
        queued = OutboxMessage.select().where(OutboxMessage.id > last).order_by(OutboxMessage.id)
        return 200, passive + [seen(row) for row in queued]


class Month:
    """The month being filled in by ORG01's secretary or deputy, the rows of every other report
    (ORG02's, last month's), and what must hold after anything they send."""

    def __init__(self, client, config, other: Report):
        self.phones = {userid: Phone(client, config, userid) for userid in ("sec01", "dep01", "dangwei01")}
        self.people = {p.userid: p.id for p in Person.select()}
        ours = Org.get(Org.code == "ORG01").id
        self.ours = Report.get(Report.org == ours, Report.period == PERIOD).id
        last_month = Report.get(Report.org == ours, Report.period == LAST_MONTH).id
        self.entries = {name: entry_ids(report) for name, report in
                        (("ours", self.ours), ("other org", other.id), ("last month", last_month))}
        self.fresh, self.saved = capture(), {}
        self.rows = self.fresh          # what the database holds now, as the last checks saw it

    def at(self, step: str) -> None:
        """The secretary mid check-in at `step`: rows saved when real messages first got there."""
        if step not in self.saved:
            restore(self.fresh)
            walk_to(step, self.sent_by_secretary, self.secretarys_step)     # the tests' one route there
            self.saved[step] = capture()
        restore(self.saved[step])
        self.rows = self.saved[step]

    def sent_by_secretary(self, text: str) -> None:
        assert self.phones["sec01"].send(text)[0] == 200

    def secretarys_step(self) -> str | None:
        return (Conversation.select(Conversation.step)
                .where(Conversation.person == self.people["sec01"], Conversation.report == self.ours).scalar())

    def conversation(self, rows: dict, userid: str) -> dict | None:
        return next((c for c in rows[Conversation].values()
                     if c["person"] == self.people[userid] and c["report"] == self.ours), None)

    def report_of(self, rows: dict, model, row: dict) -> int:
        if model is Report:
            return row["id"]
        if model in (EntryChange, Evidence):
            return rows[Entry][row["entry"]]["report"]
        return row["report"]

    def theirs(self, rows: dict, userid: str) -> dict:
        """Every row but those of our report, and every conversation but `userid`'s."""
        mine = (self.conversation(rows, userid) or {}).get("id")
        return {model: {i: row for i, row in rows[model].items()
                        if self.report_of(rows, model, row) != self.ours or (model is Conversation and i != mine)}
                for model in TRACKED}

    def check(self, userid: str, exchange: tuple[int, list[str]], typed: bool, undoing: bool = False) -> None:
        """What must hold after one message or tap of `userid` (`undoing`: it was 撤销)."""
        (status, replies), before = exchange, self.rows
        assert status == 200
        readable(replies)
        self.rows = after = capture()
        theirs = self.theirs(before, userid)
        assert self.theirs(after, userid) == theirs
        self.kept(before, after, undoing)
        was, now = self.conversation(before, userid), self.conversation(after, userid)
        assert now is not None and (was is None or was["id"] == now["id"])
        assert now["step"] in STEPS and 1 <= now["position"] <= len(self.entries["ours"])
        assert now["pending_status"] is None or now["step"] in (Step.REASON, Step.AMOUNT)
        assert now["return_to"] is None or now["return_to"] in STEPS
        if typed and was is not None:
            assert now["step"] in TEXT_MOVES[was["step"]], (was["step"], now["step"])

    def kept(self, before: dict, after: dict, undoing: bool) -> None:
        """Our report: an answer given stays given, notes only grow, feedback stays, submitted stays;
        撤销 takes back one entry's last change or one feedback, nothing else."""
        if undoing:
            changed = [i for i, entry in before[Entry].items() if after[Entry][i] != entry]
            assert len(changed) + len(before[Feedback].keys() - after[Feedback].keys()) <= 1
            assert after[Report][self.ours]["status"] == before[Report][self.ours]["status"]
            return
        for entry_id, entry in before[Entry].items():
            new = after[Entry][entry_id]
            assert new["status"] or not entry["status"]
            assert new["note"].startswith(entry["note"])
        for feedback_id, feedback in before[Feedback].items():
            assert after[Feedback][feedback_id]["text"] == feedback["text"]
        assert after[Report][self.ours]["status"] == "submitted" or before[Report][self.ours]["status"] != "submitted"

    def unchanged(self, exchange: tuple[int, list[str]], status: int = 200) -> None:
        """Answered with `status` in a few short lines, and no report, entry, feedback or
        conversation touched."""
        assert exchange[0] == status
        readable(exchange[1])
        before, self.rows = self.rows, capture()
        assert self.rows == before

    def type(self, userid: str, channel: str, text: str) -> None:
        phone = self.phones[userid]
        if channel == "robot":
            self.unchanged(phone.robot_send(text))      # the robot takes admin commands, never answers
        elif not xml_can_carry(text):
            self.unchanged(phone.send(text), 400)       # WeCom cannot send it: refused whole
        else:
            self.check(userid, phone.send(text), typed=CHAT.find(text) is None, undoing=is_undo(text))

    def tap(self, userid: str, kind: str, target: str, index: int, status: str, event: str, code: str) -> None:
        """A card's button with a key of our making: our entries, ORG02's, last month's, or none."""
        before, key = self.rows, self.forged_key(kind, target, index, status)
        exchange = self.phones[userid].tap(key, event, code)
        if not key.strip().isprintable():
            return self.unchanged(exchange, 400)        # no key of ours, nor WeCom's
        self.check(userid, exchange, typed=False)
        answers = event == "template_card_event" and kind not in ("start", "list")
        if answers and (target != "ours" or status.rstrip() not in ANSWERS):   # a key's ends are not its own
            assert exchange[1] == [m.CARD_EXPIRED, m.CARD_OUTDATED]
            assert self.rows[Entry] == before[Entry] and self.rows[Report] == before[Report]

    def forged_key(self, kind: str, target: str, index: int, status: str) -> str:
        """start:<month> and list:<month> as the month's cards have them, else <kind>:<entry id>:<status>
        as an item card has them (ans:12:done), naming `target`'s entries."""
        if kind in ("start", "list"):
            return f"{kind}:{MONTHS[index % len(MONTHS)]}"
        if target in self.entries:
            entry = self.entries[target][index % len(self.entries[target])]
        else:
            entry = {"no such entry": str(10**6 + index), "not a number": NOT_NUMBERS[index % len(NOT_NUMBERS)]}[target]
        return f"{kind}:{entry}:{status}"

    def goes_on(self, userid: str) -> None:
        """After whatever came before, the person can carry on."""
        step = (self.conversation(self.rows, userid) or {"step": Step.ITEM})["step"]      # their first message
        exchange = self.phones[userid].send("继续" if "继续" in STEPS[step].commands else "进度")
        self.check(userid, exchange, typed=False)
        assert exchange[1]


def other_org() -> Report:
    """ORG02, its secretary, and its report already answered (with SECRET in every note and reason)."""
    org = Org.create(code="ORG02", name="历史学院", type="学院")
    Person.create(userid="sec02", name="赵书记", roles=["secretary"], org=org)
    [report] = create_reports(PERIOD, items_for_orgs([org], PERIOD), datetime.datetime(2026, 11, 5, 1))
    Entry.update(status="done", note=SECRET, reason=SECRET).where(Entry.report == report).execute()
    Feedback.create(report=report, kind="difficulty", text=SECRET, created_at=datetime.datetime(2026, 11, 6))
    return report


@pytest.fixture
def month(client, config, clock):
    clock.set(datetime.datetime(2026, 11, 10, 9, 30))
    seed_month()
    seed_month(LAST_MONTH)                          # ORG01's report of last month: closed, its cards stale
    Period.update(status=PeriodStatus.CLOSED).where(Period.key == LAST_MONTH).execute()
    return Month(client, config, other_org())


# What a person may type, and tap

COMMANDS = sorted(CHAT.by_name)
COMMAND_FORMS = [*COMMANDS, *(f"/{c.name}" for c in CHAT.commands), "／进度", " 继续 ", "改 1", "改3", "改 5", "改 6",
                 "改 0", "改１", "改 " + "9" * 40, "改 " + "9" * 5_000, "提交 现在", "帮助 进度", "跳过 2", "/统计",
                 "进度 2026-11"]
ANSWER_FORMS = [*m.ANSWER_WORDS, "1 2", "推进中，8学时", "1,300", "2 9999", "0", "5", "99", "１", "无", "没有",
                "1次", "8学时", "0 不指定"]
TYPED = st.one_of(
    st.text(max_size=30),
    st.sampled_from(COMMAND_FORMS),
    st.sampled_from(ANSWER_FORMS),
    st.text(st.characters(categories=["So", "Sk", "Cf", "Mn", "Zs", "Co"]), max_size=8),    # emoji, joiners, odd spaces
    st.text(st.characters(max_codepoint=0x9f), max_size=8),                                 # control characters, NUL
    st.integers(1, 25_000).map(lambda n: "长" * n),
    st.integers(1, 60_000).map(lambda n: "x" * n),
    st.integers(1, 5_000).map(lambda n: "9" * n),
    st.integers(1, 5_000).map(lambda n: "改 " + "9" * n),
)
CHANNELS = st.sampled_from(["app", "app", "app", "robot"])
STEP_NAMES = st.sampled_from(sorted(STEPS))


def examples(db_url: str, on_sqlite: int) -> int:
    """Every case on SQLite; a quarter of them on PostgreSQL, where the copy checks what that database
    stores of them (the handlers they exercise are the same on both, and CI runs the suite in 8 minutes)."""
    return on_sqlite if db_url.startswith("sqlite") else on_sqlite // 4


@pytest.mark.slow
def test_whatever_is_typed_in_any_step_the_check_in_goes_on(month, db_url):
    @fuzz(examples(db_url, 200))
    @given(step=STEP_NAMES, inputs=st.lists(st.tuples(CHANNELS, TYPED), min_size=1, max_size=3))
    def typing(step, inputs):
        month.at(step)
        for channel, text in inputs:
            month.type("sec01", channel, text)
        month.goes_on("sec01")
    typing()


TAPS = st.tuples(
    st.sampled_from(["ans", "", "x", "ANS", "fb-reply", "fb-ack", "start", "list"]),
    st.sampled_from(["ours", "other org", "last month", "no such entry", "not a number"]),
    st.integers(0, 20),
    st.sampled_from([*ANSWERS, "not_done", "", "done ", "DONE", "完成", "done:1", "\tdone"]),
    st.sampled_from(["template_card_event"] * 4 + ["click", "enter_agent", "view", "unsubscribe"]),
    st.sampled_from(["", "rc"]) | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), max_size=20),
)


@pytest.mark.slow
def test_a_forged_or_stale_card_reaches_no_other_report(month, db_url):
    @fuzz(examples(db_url, 150))
    @given(step=STEP_NAMES, userid=st.sampled_from(["sec01", "dep01"]), taps=st.lists(TAPS, min_size=1, max_size=3))
    def tapping(step, userid, taps):
        month.at(step)
        for tap in taps:
            month.tap(userid, *tap)
        month.goes_on(userid)
    tapping()


@pytest.mark.slow
def test_every_command_in_every_step(month):
    for step in STEPS:
        for text in COMMAND_FORMS:
            month.at(step)
            before, exchange, found = month.rows, month.phones["sec01"].send(text), CHAT.find(text)
            month.check("sec01", exchange, typed=found is None, undoing=is_undo(text))
            if found and found[0].name not in STEPS[step].commands:
                assert exchange[1][0].startswith(m.NOT_HERE.format(name=found[0].name)), (step, text)
                assert month.rows == before
        month.goes_on("sec01")


def test_the_robot_quotes_an_unknown_command_short(month):
    """Issue 12, point 10: a 60,000-character unknown command is not echoed whole."""
    for userid in ("sec01", "dangwei01"):
        assert month.phones[userid].robot_send("x" * 60_000) == (
            200, [m.UNKNOWN_COMMAND.format(name="x" * 19 + "…") + m.SEE_HELP])
