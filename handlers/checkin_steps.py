"""The check-in's steps: each takes (session, text) and moves the cursor on.

Steps: item → (reason | amount) → item … → feedback ⇄ department → summary → submitted.
"""
from __future__ import annotations

import json
import re
import secrets

from handlers import messages, report_views
from handlers.replies import Outgoing, Text
from models import Department, Feedback, now
from models.checkin import add_evidence, entries, entries_at, entry_statuses, record_answer, save_conversation
from models.report import DEFERRED, DONE, IN_PROGRESS, NOT_APPLICABLE, STATUS_LABELS

ITEM, REASON, AMOUNT, FEEDBACK, DEPARTMENT, SUMMARY, SUBMITTED = (
    "item", "reason", "amount", "feedback", "department", "summary", "submitted")
FEEDBACK_KINDS = ("highlight", "difficulty", "suggestion")
ROUTED_KINDS = ("difficulty", "suggestion")
NONE_WORDS = {"无", "没有", "暂无", "下一步", "无。", "没有。"}
STATUS_WORDS = {
    "1": DONE, "已完成": DONE, "完成": DONE, "2": IN_PROGRESS, "推进中": IN_PROGRESS,
    "3": NOT_APPLICABLE, "不涉及": NOT_APPLICABLE, "4": DEFERRED, "顺延": DEFERRED, "顺延下月": DEFERRED,
}
ANSWER_WITH_AMOUNT = re.compile(r"^([1-4]|已完成|完成|推进中)\s*[,，\s]\s*(\d+)\s*(次|学时|小时)?$")


class Session:
    """One message's view of a person's report: the cursor, the entries, and the replies so far."""

    def __init__(self, inbound, person, report, period, conv, today):
        self.inbound, self.person, self.report, self.period, self.conv = inbound, person, report, period, conv
        self.today = today
        self.data = json.loads(self.conv.data or "{}")
        self.replies: list = []
        self._statuses = None       # (id, position, status) of every entry
        self._loaded = {}           # position → entry with its item, read when first needed
        self._entries = None

    def read_ahead(self) -> None:
        """Read, before the write transaction, what answering the current item needs: every
        entry's status, and the current and the next waiting entry with their items."""
        position = self.conv.position
        self._load(position, self.next_waiting(after=position) or position)

    @property
    def entries(self) -> list:
        """Every entry with its item (for the views that list them all), read once per message."""
        if self._entries is None:
            for entry in entries(self.report):
                self._loaded.setdefault(entry.position, entry)    # keep what this message changed
            self._entries = [self._loaded[p] for p in range(1, self.count + 1)]
        return self._entries

    @property
    def count(self) -> int:
        return len(self.statuses())

    def statuses(self) -> list[tuple[int, int, str | None]]:
        if self._statuses is None:
            self._statuses = entry_statuses(self.report.id)
        return self._statuses

    def next_waiting(self, after: int) -> int | None:
        """The first unanswered, unskipped position after `after`, else the first before it (answers
        given in this message count as given)."""
        skipped = set(self.data.get("skipped", []))
        waiting = [p for _, p, status in self.statuses() if p not in skipped
                   and (self._loaded[p].status if p in self._loaded else status) is None]
        return next((p for p in waiting if p > after), waiting[0] if waiting else None)

    def entry_at(self, position: int):
        if not 1 <= position <= self.count:
            return None
        if position not in self._loaded:
            self._load(position, position)
        return self._loaded[position]

    def entry_by_id(self, entry_id: int):
        return next((self.entry_at(p) for i, p, _ in self.statuses() if i == entry_id), None)

    def _load(self, first: int, second: int) -> None:
        for entry in entries_at(self.report.id, first, second):
            self._loaded.setdefault(entry.position, entry)

    @property
    def current(self):
        return self.entry_at(self.conv.position)

    def say(self, text: str) -> None:
        self.replies.append(Text(text))

    def goto(self, step: str, **data) -> None:
        self.conv.step = step
        kept = ("skipped", "return_to", "kind") if "return_to" in self.data else ("skipped",)
        self.data = {k: v for k, v in self.data.items() if k in kept}
        self.data.update(data)

    def save(self) -> None:
        self.conv.data = json.dumps(self.data, ensure_ascii=False)
        self.conv.updated_at = now()
        save_conversation(self.conv)


def hint(s: Session, lead: str) -> None:
    """A short hint, then the current question again — the state is kept."""
    if s.conv.step == ITEM and s.current is not None:
        s.say(lead + messages.HINT_CHOICE.format(position=s.conv.position,
                                                 title=report_views.item_title(s.current)))
    else:
        s.say(lead)
        ask(s, passive_only=True)


def ask(s: Session, passive_only: bool = False) -> None:
    """Ask the question of the current step."""
    step, entry = s.conv.step, s.current
    if step == ITEM and not passive_only:
        send_item_card(s, entry)
    elif step == ITEM:
        s.say(messages.HINT_CHOICE.format(position=entry.position, title=report_views.item_title(entry)))
    elif step == REASON:
        s.say(messages.ASK_REASON.format(position=entry.position))
    elif step == AMOUNT:
        tally = report_views.tally_line(entry) or ""
        s.say(messages.ASK_AMOUNT.format(position=entry.position, unit=entry.action.unit or "次",
                                         tally=f"（{tally}）" if tally else ""))
    elif step == FEEDBACK:
        s.say(messages.FEEDBACK_PROMPTS[s.data["kind"]])
    elif step == DEPARTMENT:
        choices = "\n".join(f"{i} {d.name}" for i, d in enumerate(departments(), 1))
        s.say(messages.ASK_DEPARTMENT.format(choices=choices))
    elif step == SUMMARY:
        s.say(report_views.summary_text(s.report, s.entries, feedback_count(s)) + "\n" + messages.SUMMARY_ACTIONS)
    else:
        s.say(messages.ALREADY_SUBMITTED.format(month=report_views.month_label(s.report.period)))


def send_item_card(s: Session, entry) -> None:
    key = f"item:{s.inbound.dedupe_key}:{entry.position}"
    task_id = f"e{entry.id}-{secrets.token_hex(6)}"
    card = report_views.item_card(entry, s.count, s.period.remind_on, task_id)
    s.replies.append(Outgoing(to=s.person.userid, reply=card, key=key))


def departments() -> list:
    return list(Department.select().order_by(Department.id))


def feedback_count(s: Session) -> int:
    return Feedback.select().where(Feedback.report == s.report).count()


# The steps


def on_item(s: Session, text: str) -> None:
    status, amount = parse_answer(text)
    if status:
        return answer(s, s.current, status, amount)
    if text.isdigit():
        return s.say(messages.HINT_NUMBER_RANGE.format(number=text, position=s.conv.position,
                                                       title=report_views.item_title(s.current)))
    noted = s.entry_at(s.conv.last_answered or 0)
    if noted is None or not any(ch.isalnum() for ch in text):    # a lone emoji is no note
        return hint(s, "")
    note = f"{noted.note}\n{text}".strip()
    record_answer(noted, s.person, note=note)
    s.say(messages.NOTE_ADDED.format(position=noted.position))


def parse_answer(text: str) -> tuple[str | None, int | None]:
    """"1", "已完成", "1 2" (done, twice), "推进中，8学时" → (status, amount)."""
    if text in STATUS_WORDS:
        return STATUS_WORDS[text], None
    match = ANSWER_WITH_AMOUNT.match(text)
    if match:
        return STATUS_WORDS[match.group(1)], int(match.group(2))
    return None, None


def answer(s: Session, entry, status: str, amount: int | None = None) -> None:
    """Record a status; ask for a reason or a number first when the item needs one."""
    s.conv.position = entry.position
    if status == NOT_APPLICABLE:
        return s.goto(REASON) or ask(s)
    quantified = entry.action_id and entry.action.target is not None
    if status in (DONE, IN_PROGRESS) and quantified and amount is None:
        return s.goto(AMOUNT, status=status) or ask(s)
    if amount is not None and not valid_amount(entry, amount):
        return s.goto(AMOUNT, status=status) or s.say(messages.HINT_AMOUNT.format(limit=amount_limit(entry)))
    record_answer(entry, s.person, status=status, amount=amount if quantified else None, reason="")
    answered(s, entry)


def amount_limit(entry) -> int:
    """A plausible monthly number: generous, but catches typos like 5000."""
    return 300 if entry.action_id and entry.action.unit in ("学时", "小时") else 100


def valid_amount(entry, amount: int) -> bool:
    return 0 <= amount <= amount_limit(entry)


def on_reason(s: Session, text: str) -> None:
    record_answer(s.current, s.person, status=NOT_APPLICABLE, reason=text, amount=None)
    answered(s, s.current)


def on_amount(s: Session, text: str) -> None:
    digits = re.sub(r"(次|学时|小时)$", "", text).strip()
    if not digits.isdigit() or not valid_amount(s.current, int(digits)):
        return s.say(messages.HINT_AMOUNT.format(limit=amount_limit(s.current)))
    record_answer(s.current, s.person, status=s.data["status"], amount=int(digits), reason="")
    answered(s, s.current)


def answered(s: Session, entry) -> None:
    """After an answer: back to where an edit started, or on to the next unanswered item."""
    s.conv.last_answered = entry.position
    back = s.data.pop("return_to", None)
    if back:
        s.goto(back)
        s.say(messages.CHANGED.format(position=entry.position, label=STATUS_LABELS[entry.status]))
        return ask(s) if back == SUMMARY else None
    next_item(s, after=entry.position)


def next_item(s: Session, after: int) -> None:
    position = s.next_waiting(after)
    if position:
        s.conv.position = position
        s.goto(ITEM)
        return ask(s)
    s.goto(FEEDBACK, kind=FEEDBACK_KINDS[0])
    ask(s)


def on_feedback(s: Session, text: str) -> None:
    kind = s.data["kind"]
    if text in NONE_WORDS:
        return next_feedback_kind(s)
    feedback = Feedback.create(report=s.report, kind=kind, text=text, created_by=s.person)
    if kind in ROUTED_KINDS and departments():
        s.goto(DEPARTMENT, kind=kind, feedback=feedback.id)
        return ask(s)
    s.say(messages.FEEDBACK_MORE)


def next_feedback_kind(s: Session) -> None:
    index = FEEDBACK_KINDS.index(s.data["kind"]) + 1
    if index < len(FEEDBACK_KINDS):
        s.goto(FEEDBACK, kind=FEEDBACK_KINDS[index])
    else:
        s.goto(SUMMARY)
    ask(s)


def on_department(s: Session, text: str) -> None:
    choices = departments()
    if not text.isdigit() or not 0 <= int(text) <= len(choices):
        return s.say(messages.HINT_DEPARTMENT)
    chosen = choices[int(text) - 1] if int(text) else None
    if chosen:
        Feedback.update(department=chosen).where(Feedback.id == s.data["feedback"]).execute()
    s.goto(FEEDBACK, kind=s.data["kind"])
    s.say(messages.DEPARTMENT_SET.format(department=chosen.name) if chosen else messages.FEEDBACK_MORE)


def on_summary(s: Session, text: str) -> None:
    s.say(messages.SUMMARY_ACTIONS)


def on_submitted(s: Session, text: str) -> None:
    ask(s)


def on_photo(s: Session) -> None:
    entry = s.entry_at(s.conv.last_answered or 0)
    if entry is None or s.conv.step not in (ITEM, FEEDBACK, SUMMARY, SUBMITTED):
        return hint(s, messages.HINT_PHOTO_FIRST)
    add_evidence(entry, s.person, s.inbound.media_id)
    s.say(messages.PHOTO_ADDED.format(position=entry.position))


def begin_edit(s: Session, position: int) -> None:
    """Go to item `position`; once answered, come back to the step the person was in."""
    back = {SUMMARY: SUMMARY, SUBMITTED: SUBMITTED, FEEDBACK: FEEDBACK, DEPARTMENT: FEEDBACK}
    submitted = SUBMITTED if s.report.status == "submitted" else None
    return_to = s.data.get("return_to") or submitted or back.get(s.conv.step)
    kind = s.data.get("kind")
    s.conv.paused = False
    s.conv.position = position
    s.goto(ITEM)
    if return_to:
        s.data.update(return_to=return_to, **({"kind": kind} if kind else {}))


STEPS = {ITEM: on_item, REASON: on_reason, AMOUNT: on_amount, FEEDBACK: on_feedback,
         DEPARTMENT: on_department, SUMMARY: on_summary, SUBMITTED: on_submitted}
