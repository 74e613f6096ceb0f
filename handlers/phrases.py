"""What secretaries really type, understood: an answer in words, an edit of another item, a note,
an acknowledgement, a number in Chinese. `understand` reads one text and says what it is; anything
that names an item or an answer but does not read as one whole phrase is Unclear, so that the
check-in asks instead of filing a guess. No database here: the check-in's steps decide what each
meaning does where the person is (handlers/checkin_questions.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from handlers import messages as m
from models.report import EntryStatus

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
POWERS = {"十": 10, "百": 100}
NUMERAL = r"[0-9零〇一二两俩三四五六七八九十百]+"
TRAILING = "。.!！~～…"          # what may end a phrase without changing it


@dataclass(frozen=True)
class Answer:
    """An answer to an item: 完成了 · 1 2 · 推进中，8学时 · 不涉及，没有毕业生 (reason given)."""

    status: EntryStatus
    amount: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Edit:
    """Another item named with what it becomes: 第3项改成推进中 · 3改成2 · 改3 推进中."""

    position: int
    answer: Answer


@dataclass(frozen=True)
class Note:
    """A note said to be one: 备注：… (on the item answered last) or 第3项备注：…"""

    text: str
    position: int | None = None


@dataclass(frozen=True)
class Ack:
    """好的 · 收到 · 谢谢 · an emoji: nothing to store."""


@dataclass(frozen=True)
class NotYet:
    """还没做: done later this month (推进中) or next (顺延)? The person is asked which."""


@dataclass(frozen=True)
class NoMore:
    """没有了 · 暂无 · 下一个: nothing more of this kind (part three)."""


@dataclass(frozen=True)
class Question:
    """The person asks something (怎么填？): pointed to 帮助."""


@dataclass(frozen=True)
class Unclear:
    """Names an item, a number or an answer, but is no whole phrase: asked about, never stored."""

    position: int | None = None


@dataclass(frozen=True)
class Free:
    """Anything else: words of the person's own (a note after an answer; a highlight in part three)."""

    text: str


Meaning = Answer | Edit | Note | Ack | NotYet | NoMore | Question | Unclear | Free

STATUS_WORDS = {
    EntryStatus.DONE: ("1", "已完成", "完成", "完成了", "已经完成", "已经完成了", "做完了", "做完", "已做",
                       "做了", "已经做了", "好了", "办完了", "已办", "已办结", "搞定", "搞定了", "已落实",
                       "落实了", "已开展", "开展了", "完成啦", "都完成了", "全部完成"),
    EntryStatus.IN_PROGRESS: ("2", "推进中", "在推进", "正在推进", "推进", "进行中", "正在进行", "在做",
                              "正在做", "还在做", "在办", "正在办", "部分完成", "未全部完成"),
    EntryStatus.NOT_APPLICABLE: ("3", "不涉及", "不适用", "无此项", "没有这项", "本单位不涉及", "不涉及本单位"),
    EntryStatus.DEFERRED: ("4", "顺延下月", "顺延", "下个月再做", "下月再做", "下个月做", "下月做", "推到下月",
                           "推迟到下月", "延到下月", "下月完成", "下个月完成", "顺延到下月"),
}
WORD_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}
# The phrases below are written as `normal` leaves a text: ASCII commas, no final 。
NOT_YET = frozenset(("还没做", "没做", "还没开始", "没开始", "未开始", "尚未开始", "还没有做", "没有做", "未完成",
                     "没完成", "还没完成", "尚未完成"))
ACKS = frozenset(("好的", "好", "好滴", "好哒", "收到", "收到了", "已收到", "嗯", "嗯嗯", "哦", "噢", "ok", "okay",
                  "谢谢", "谢谢你", "多谢", "感谢", "辛苦了", "明白", "明白了", "知道了", "了解", "行", "可以",
                  "没问题", "好的谢谢", "好的,谢谢", "收到,谢谢", "thanks", "thx"))
NO_MORE = frozenset(("无", "没有", "没有了", "暂无", "没了", "不用了", "下一个", "下一步", "无了", "都没有", "没什么",
                     "没啥", "没有啦", "暂时没有", "暂时没有了", "没有亮点", "没有困难", "没有建议", "无亮点",
                     "无困难", "无建议"))
QUESTION_WORDS = ("怎么", "如何", "什么", "为什么", "哪里", "能不能")
SHORT = 10                  # a text shorter than this is no note (too likely an answer or a reaction): asked about

_WORDS = "|".join(sorted(map(re.escape, WORD_STATUS), key=len, reverse=True))
_UNITS = "|".join(m.UNITS)
ANSWER = re.compile(rf"^(?P<word>{_WORDS})(?:\s*[,、\s]?\s*(?P<amount>{NUMERAL})\s*(?:{_UNITS})?)?$")
NOT_APPLICABLE = re.compile(r"^(?:不涉及|不适用)\s*[,、:\s]\s*(?P<reason>.+)$")
AMOUNT = re.compile(rf"^(?P<amount>{NUMERAL})\s*(?:{_UNITS})?$")
EDIT = re.compile(rf"^把?\s*(?:第\s*(?P<a>{NUMERAL})\s*项?|(?P<b>{NUMERAL})\s*项)\s*(?:的?答案)?\s*"
                  rf"(?:改成|改为|改作|换成|应为|应是|是|为|:)?\s*(?P<rest>.*)$")
CHANGE_TO = re.compile(rf"^(?P<position>{NUMERAL})\s*(?:改成|改为|换成)\s*(?P<rest>.+)$")       # 3改成2
CHANGE_FIRST = re.compile(rf"^改\s*第?\s*(?P<position>{NUMERAL})\s*项?\s*[,\s:]?\s*(?:改成|改为|为)?\s*(?P<rest>.+)$")
ITEM_NAMED = re.compile(rf"第\s*{NUMERAL}|{NUMERAL}\s*项|^改|备注")    # never a note: it means an item
NOTE = re.compile(rf"^(?:第\s*(?P<position>{NUMERAL})\s*项\s*)?(?:的)?备注\s*[:\s]?\s*(?P<text>.+)$", re.S)


def normal(text: str) -> str:
    """Full-width forms as their ASCII (１→1, ，→,, ：→:), outer spaces and a final 。 or ! gone."""
    return unicodedata.normalize("NFKC", text).strip().rstrip(TRAILING).strip()


def number(text: str) -> int | None:
    """A whole number written with digits or Chinese numerals: 8 · 八 · 十二 · 两 · 二十五 · 一百 (to 999)."""
    text = normal(text)
    if text.isdecimal():
        return int(text) if len(text) <= 4 else None        # more digits name nothing here
    text = text.replace("零", "").replace("〇", "") if len(text) > 2 else text     # 一百零五
    if not text or any(ch not in DIGITS and ch not in POWERS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            if digit is not None:
                return None             # 二三: no number
            digit = DIGITS[ch]
        else:
            if digit is None and (total or ch != "十"):
                return None             # 十 alone starts 十二; 百 needs its digit
            total, digit = total + (1 if digit is None else digit) * POWERS[ch], None
    return total + (digit or 0)


def amount(text: str) -> int | None:
    """A number as a reply to "how many": 8 · 八 · 两次 · 8学时."""
    match = AMOUNT.match(normal(text))
    return number(match.group("amount")) if match else None


def answer(text: str) -> Answer | None:
    """An answer as a whole: 完成了 · 1 2 · 推进中，8学时 · 完成两次 · 不涉及，没有毕业生."""
    text = normal(text)
    reason = NOT_APPLICABLE.match(text)
    if reason:
        return Answer(EntryStatus.NOT_APPLICABLE, reason=reason.group("reason").strip())
    match = ANSWER.match(text)
    if not match:
        digit = number(text)          # 一 … 四, as the digits of the four answers
        return Answer(WORD_STATUS[str(digit)]) if digit and str(digit) in WORD_STATUS else None
    status = WORD_STATUS[match.group("word")]
    if match.group("amount") is None:
        return Answer(status)
    count = number(match.group("amount"))
    return Answer(status, count) if count is not None and status != EntryStatus.NOT_APPLICABLE else None


def understand(text: str) -> Meaning:
    """What a text typed in the check-in means (commands are found before this is asked)."""
    said = normal(text)
    folded = said.lower()
    if folded in ACKS or not any(ch.isalnum() for ch in said):
        return Ack()
    if said in NO_MORE:
        return NoMore()
    if said in NOT_YET:
        return NotYet()
    found = answer(said)
    if found:
        return found
    return _about_an_item(said) or _free(said, text.strip())


def _about_an_item(said: str) -> Meaning | None:
    """A note or an edit that names its item, or Unclear when an item is named but not the rest."""
    note = NOTE.match(said)
    if note:
        position = note.group("position")
        return Note(note.group("text").strip(), number(position) if position else None)
    for pattern in (CHANGE_FIRST, CHANGE_TO):
        match = pattern.match(said)
        if match and number(match.group("position")):
            return _edit(number(match.group("position")), match.group("rest"))
    match = EDIT.match(said)
    if match:
        position = number(match.group("a") or match.group("b"))
        return _edit(position, match.group("rest")) if position else Unclear()
    return None


def _edit(position: int, rest: str) -> Edit | Unclear:
    found = answer(rest)
    return Edit(position, found) if found else Unclear(position)


def _free(said: str, original: str) -> Meaning:
    if said.endswith(("?", "吗")) or any(word in said for word in QUESTION_WORDS):
        return Question()
    if amount(said) is not None or ITEM_NAMED.search(said) or len(said) < SHORT:
        return Unclear()
    return Free(original)
