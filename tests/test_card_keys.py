"""The cards' button keys: what card_key writes parse_card_key reads back, the keys of cards already on
phones still read the same, and a key of no card of ours is refused: the person is told the card is
out of date, and nothing changes."""
import datetime

import pytest
from hypothesis import given, strategies as st

from handlers.card_keys import CardKey, Tap, card_key, parse_card_key
from handlers.router import Context
from models import Department, Entry, Feedback, Person
from models.clock import Clock
from models.periods import make
from models.report import ANSWERS, EntryStatus
from tests.conversation import Chat, seed_month

MONTHS = st.builds(make, st.integers(1900, 9999), st.integers(1, 12))
IDS = st.integers(0, 10**18 - 1)
KEYS = st.one_of(
    st.builds(CardKey, st.sampled_from([Tap.START, Tap.LIST]), MONTHS),
    st.builds(CardKey, st.just(Tap.ANSWER), IDS, st.sampled_from(ANSWERS)),
    st.builds(CardKey, st.sampled_from([Tap.REPLY, Tap.ACKNOWLEDGE]), IDS),
)


@given(KEYS)
def test_what_card_key_writes_parse_card_key_reads_back(key):
    assert parse_card_key(card_key(key.tap, key.of, key.status)) == key


def test_the_keys_of_cards_already_sent_read_as_before():
    assert card_key(Tap.START, "2026-11") == "start:2026-11"
    assert card_key(Tap.ANSWER, 12, EntryStatus.NOT_APPLICABLE) == "ans:12:not_applicable"
    assert parse_card_key("list:2026-11") == CardKey(Tap.LIST, "2026-11")
    assert parse_card_key("ans:12:done") == CardKey(Tap.ANSWER, 12, EntryStatus.DONE)
    assert parse_card_key("fb-reply:7") == CardKey(Tap.REPLY, 7)
    assert parse_card_key("fb-ack:7") == CardKey(Tap.ACKNOWLEDGE, 7)


MALFORMED = ["", ":", "ans", "ans:", "ans:12", "ans:12:", "ans:x:done", "ans:12:not_done", "ans:12:DONE",
             "ans:12:done:1", "ans:-1:done", "ans:１２:done", "ans:" + "9" * 19 + ":done", "ANS:12:done",
             "x:12:done", "start:", "start:2026-13", "start:2026-11\n", "start:../2026-11", "list:2026-11:1",
             "fb-reply:", "fb-reply:abc", "fb-ack:7:done", "fb-reply7", " fb-ack:7"]


@pytest.mark.parametrize("key", MALFORMED)
def test_a_key_card_key_cannot_have_made_is_refused(key):
    assert parse_card_key(key) is None


@pytest.fixture
def chats(db):
    seed_month()
    ctx = Context(clock=Clock("Asia/Shanghai", at=datetime.datetime(2026, 11, 10, 9, 30)),
                  admin_userids=frozenset({"dangwei01"}))
    Person.create(userid="dept-zzb", name="王芳", roles=["liaison"], department=Department.get(name="组织部"))
    return Chat("sec01", ctx), Chat("dept-zzb", ctx)


def test_a_malformed_key_or_one_naming_nothing_gets_the_card_out_of_date_and_changes_nothing(chats):
    secretary, liaison = chats
    secretary.send("开始")
    outdated = ["卡片更新：已过期", "这张卡片已过期。请点最新的一张，或发“继续”。"]
    for key in [*MALFORMED, "ans:999999999999999999:done"]:
        assert secretary.click(key) == outdated, key
    for key in [*MALFORMED, "fb-reply:999999999999999999", "fb-ack:0"]:
        assert liaison.click(key) == outdated, key
    assert Entry.select().where(Entry.status.is_null(False)).count() == 0 and Feedback.select().count() == 0
