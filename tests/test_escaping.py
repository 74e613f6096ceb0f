"""What people write is quoted as they wrote it, never as markup: in every admin answer (markdown in
the group, text with <a> links in the app), in the department's card and its markdown form, in the
secretary's notices, on the pages and in the Excel file; invisible characters never reach the database."""
from __future__ import annotations

import datetime

import openpyxl
import pytest

from bot import render
from bot.inbound import from_app_xml
from handlers import admin, feedback as routing
from handlers.card_keys import CardKey, Tap
from handlers.events import Inbound
from handlers.replies import Card, Outgoing, Text
from handlers.router import Context
from jobs import exports
from models import Department, Entry, Person
from models.checkin import add_feedback
from models.clock import Clock
from models.fields import typed
from models.report import EntryStatus
from tests.conversation import PERIOD, seed_month

AT = datetime.datetime(2026, 11, 6, 2, 0)
CTX = Context(clock=Clock(at=datetime.datetime(2026, 11, 10, 2, 0)), admin_userids=frozenset({"dangwei01"}),
              admin_chat_id="admin-group", pages="http://127.0.0.1:5000/h5/")
LINK = "[点此查看佐证](http://e.vil/x)"
TAGS = '<a href="http://e.vil/y">点我</a><font color="warning">红字</font>'
STARS = "**加粗** `代码` # 标题"
WRITTEN = f"{LINK}{TAGS}{STARS}"
# What a markdown or a text message would make live of WRITTEN: none of it may be left.
LIVE = ("](http://e.vil", '<a href="http://e.vil', "点我</a>", "<font", "**加粗", "`代码", "# 标题")


def quoted(text: str) -> bool:
    """WRITTEN (or its start) appears, shown as typed, and nothing of it is markup."""
    return not any(live in text for live in LIVE) and "［点此查看佐证］（http://e.v" in text


@pytest.fixture
def month(db):
    report = seed_month(PERIOD)
    Entry.update(note=WRITTEN, status=EntryStatus.DONE).where(Entry.report == report, Entry.position == 1).execute()
    Entry.update(reason=WRITTEN, status=EntryStatus.NOT_APPLICABLE).where(Entry.report == report,
                                                                          Entry.position == 2).execute()
    organisation = Department.get(name="组织部")
    liaison = Person.create(userid="zzb01", name="赵联络员", roles=["liaison"], department=organisation)
    written = add_feedback(report, "difficulty", WRITTEN, Person.get(Person.userid == "sec01"), AT, organisation)
    return {"report": report, "feedback": written, "liaison": liaison,
            "admin": Person.get(Person.userid == "dangwei01")}


def answers(text: str, person: Person, place: str) -> str:
    return "\n".join(r.content for r in admin.run(text, person, CTX, place) if isinstance(r, Text))


@pytest.mark.parametrize("place", ["group:admin-group", "app"])
def test_admin_answers_quote_notes_reasons_feedback_and_answers(month, place):
    org = answers("组织 ORG01", month["admin"], place)
    assert org.count("［点此查看佐证］") == 3 and quoted(org)          # the note, the reason and the difficulty
    routing.reply(month["feedback"], month["liaison"], WRITTEN, AT)
    listed = answers("反馈", month["admin"], place)
    assert listed.count("［点此查看佐证］") == 2 and quoted(listed)    # the feedback and its answer


def test_what_was_typed_is_quoted_back_in_refusals_and_the_audit(month):
    unknown = answers(f"{LINK} 2026", month["admin"], "group:admin-group")
    assert "没有" in unknown and "](http://e" not in unknown and "［点此查看" in unknown
    for typed_words in (f"进度 {LINK}", f"反馈 {LINK}", f"组织 {LINK}", f"任务 {LINK}", f"催办 {LINK}",
                        f"任务 add 标题|{LINK}", f"任务 add 标题||{LINK}", f"任务 remove {LINK}", f"统计 {LINK}",
                        f"导出 {LINK}", f"发布 {LINK}", f"清单 {LINK}", f"帮助 {LINK}"):
        assert "](http://e" not in answers(typed_words, month["admin"], "group:admin-group")
    added = answers(f"任务 add {LINK}|组织部", month["admin"], "group:admin-group")      # an admin's own words too
    listed = answers("任务", month["admin"], "group:admin-group")
    assert "［点此查看" in added and "［点此查看" in listed and "](http://e" not in added + listed
    audit = answers("审计", month["admin"], "group:admin-group")
    assert "［点此查看" in audit and "](http://e" not in audit


def test_the_department_and_the_secretary_read_the_feedback_as_written(month):
    [outgoing] = routing.route(month["feedback"], "哲学学院", PERIOD, CTX)
    card = outgoing.reply
    assert card.subtitle.startswith(LINK)            # a template card's fields are text: shown as they are
    assert quoted(render.card_as_markdown(card))     # the same card as markdown (the robot's, a card without buttons)
    assert quoted(render.card_as_markdown(Card(title=WRITTEN, description=WRITTEN, lines=(("备注", WRITTEN),))))
    inbound = Inbound(source="app", user="zzb01", dedupe_key="k", kind="event", response_code="rc")
    asked = routing.on_card(inbound, CardKey(Tap.REPLY, month["feedback"].id), month["liaison"], CTX)
    assert quoted(asked[0].content)
    [told] = routing.reply(month["feedback"], month["liaison"], WRITTEN, AT)
    assert isinstance(told, Outgoing) and told.to == "sec01" and told.reply.content.count("［点此") == 2
    assert quoted(told.reply.content)
    [seen] = routing.acknowledge(month["feedback"], AT)
    assert quoted(seen.reply.content)


def test_a_note_that_looks_like_a_formula_is_text_in_the_excel_file(month, tmp_path):
    Entry.update(note="=cmd|' /C calc'!A0").where(Entry.report == month["report"], Entry.position == 1).execute()
    exports.month(PERIOD, tmp_path / "m.xlsx", local=Clock().local)
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx")["全部"]
    notes = {row[4].value: row[9] for row in sheet.iter_rows(min_row=2)}
    assert notes[1].value == "=cmd|' /C calc'!A0" and notes[1].data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


INVISIBLE = "\u202e\u200b\u200c\u200d\u2066\u2067\u2068\u2069\ufeff\u200e\u200f\u2060\x00\x07"


def test_invisible_and_control_characters_are_never_stored():
    assert typed(f" 完成{INVISIBLE}了\u202egpj.exe \n") == "完成了gpj.exe"
    assert typed("第一行\n第二行\t完") == "第一行\n第二行\t完"        # newlines and tabs stay
    xml = f"<xml><ToUserName>c</ToUserName><FromUserName>sec01</FromUserName><CreateTime>1</CreateTime>" \
          f"<MsgType>text</MsgType><Content>备注{INVISIBLE[:-2]}：已完成</Content><MsgId>1</MsgId></xml>"
    assert from_app_xml(xml).text == "备注：已完成"
