"""What secretaries really type, in the step they type it, and what it does: the phrase table.

Each row: the step (reached from a fresh month by what START says), the text, and its effect on
what the database holds. An effect that stores nothing ("ack", "ask", "next", "asks …") leaves every
answer, note and part-three entry as it was. The month: five items (tests/conversation.py), 1 and 3
counted; 2 中心组集体学习 plain; 4 and 5 tasks of 组织部; departments 组织部 and 宣传部."""
import datetime

import pytest

import settings
from handlers import phrases
from models import Department, Entry, Feedback, Org, Period, Person, RectificationEvent, Report, database
from models.checkin import counted, create_reports, entries
from models.demo import DEMO_SECRETARY, load_demo_data
from models.directory import PeriodStatus
from models.items import items_for_orgs
from tests.conversation import Chat

PARTS = ("开始", "1 1", "1", "1 1", "1", "1")      # every item answered: 1 and 3 done once, the rest done
START = {
    "first": ("开始",),                           # item 1 asked, nothing answered yet
    "item": ("开始", "1 1"),                      # item 2 asked; item 1 answered (done, once)
    "amount": ("开始", "1"),                      # item 1 done: its number asked
    "reason": ("开始", "1 1", "3"),               # item 2 不涉及: its reason asked
    "highlight": PARTS,
    "difficulty": PARTS + ("无",),
    "department": PARTS + ("无", "经费紧张"),      # a difficulty kept: its department asked
    "suggestion": PARTS + ("无", "无"),
    "summary": PARTS + ("无", "无", "无"),
    "submitted": PARTS + ("无", "无", "无", "提交"),
}
STEP_AFTER_START = {"first": "item", "highlight": "feedback", "difficulty": "feedback", "suggestion": "feedback"}

PHRASES = """
first      | 完成了                  | asks-amount
first      | 一                      | asks-amount
first      | 2次                     | ask
first      | 好的                    | ack
first      | 嗯                      | ack
first      | 👍                      | ack
first      | 开会学习了，效果很好    | ask
first      | 怎么填？                | ask
first      | 完成两次                | answer 1 done 2
first      | 完成了，两次            | answer 1 done 2
first      | 已完成 2                | answer 1 done 2
first      | 推进中，1次             | answer 1 in_progress 1
first      | １　２                  | answer 1 done 2
item       | 完成了                  | answer 2 done
item       | 做完了                  | answer 2 done
item       | 已经完成                | answer 2 done
item       | 已经完成了。            | answer 2 done
item       | 好了                    | answer 2 done
item       | 搞定                    | answer 2 done
item       | 已落实                  | answer 2 done
item       | 1                       | answer 2 done
item       | 一                      | answer 2 done
item       | 在推进                  | answer 2 in_progress
item       | 正在推进                | answer 2 in_progress
item       | 进行中                  | answer 2 in_progress
item       | 二                      | answer 2 in_progress
item       | 下个月再做              | answer 2 deferred
item       | 下月再做                | answer 2 deferred
item       | 顺延                    | answer 2 deferred
item       | 四                      | answer 2 deferred
item       | 不涉及                  | asks-reason
item       | 三                      | asks-reason
item       | 不涉及，本月无安排      | answer 2 not_applicable 本月无安排
item       | 不适用：未设中心组      | answer 2 not_applicable 未设中心组
item       | 还没做                  | ask
item       | 没做                    | ask
item       | 还没开始                | ask
item       | 好的                    | ack
item       | 收到                    | ack
item       | ok                      | ack
item       | OK                      | ack
item       | 谢谢                    | ack
item       | 好的，谢谢              | ack
item       | 嗯嗯                    | ack
item       | 🙏🙏                    | ack
item       | 。。。                  | ack
item       | 第3项改成推进中         | asks-amount
item       | 第4项改成推进中         | answer 4 in_progress
item       | 4改成2                  | answer 4 in_progress
item       | 改4 推进中              | answer 4 in_progress
item       | 改 4 推进中             | answer 4 in_progress
item       | 把第四项改为已完成      | answer 4 done
item       | 第四项改为顺延          | answer 4 deferred
item       | 第5项不涉及，没有毕业生 | answer 5 not_applicable 没有毕业生
item       | 第1项改成完成两次       | answer 1 done 2
item       | 第9项改成推进中         | ask
item       | 第4项怎么改             | ask
item       | 第4项我们开了两次会     | ask
item       | 备注：请学院书记讲授    | note 1 请学院书记讲授
item       | 第4项备注：已报送初稿   | note 4 已报送初稿
item       | 组织全体党员赴红色基地开展现场教学 | note 1 组织全体党员赴红色基地开展现场教学
item       | 已经报送了初稿         | ask
item       | 完成                    | answer 2 done
item       | 5                       | ask
item       | 八                      | ask
item       | 第3                     | ask
amount     | 2                       | amount 1 2
amount     | 八                      | amount 1 8
amount     | 十二                    | amount 1 12
amount     | 两次                    | amount 1 2
amount     | 两                      | amount 1 2
amount     | 2次                     | amount 1 2
amount     | 完成两次                | amount 1 2
amount     | 一百零一                | ask
amount     | 好多次                  | ask
amount     | 好的                    | ask
reason     | 本月无安排              | answer 2 not_applicable 本月无安排
reason     | 不涉及，本院无中心组    | answer 2 not_applicable 本院无中心组
reason     | 2                       | answer 2 in_progress
reason     | 已完成                  | answer 2 done
reason     | 好的                    | ack
highlight  | 开展“三会一课”专题学习  | feedback highlight
highlight  | 组织党员志愿服务        | feedback highlight
highlight  | 没有了                  | next
highlight  | 没有                    | next
highlight  | 无                      | next
highlight  | 暂无                    | next
highlight  | 没了                    | next
highlight  | 不用了                  | next
highlight  | 下一个                  | next
highlight  | 跳过                    | next
highlight  | 没有。                  | next
highlight  | 好的                    | ack
highlight  | 收到                    | ack
highlight  | 好                      | ack
highlight  | 嗯                      | ack
highlight  | 无了                    | next
highlight  | 第2项改成推进中         | answer 2 in_progress
highlight  | 第4项备注：已报送初稿   | note 4 已报送初稿
difficulty | 党建经费紧张            | feedback difficulty
difficulty | 暂无                    | next
difficulty | 收到                    | ack
department | 组织部                  | department 组织部
department | 宣传部                  | department 宣传部
department | 宣传                    | department 宣传部
department | 1                       | department 组织部
department | 二                      | department 宣传部
department | 0                       | department -
department | 不指定                  | department -
department | 财务处                  | ask
department | 9                       | ask
suggestion | 建议增加培训经费        | feedback suggestion
suggestion | 没有建议                | next
summary    | 第2项改成推进中         | answer 2 in_progress
summary    | 3改成4                  | answer 3 deferred
summary    | 好的                    | ask
submitted  | 第2项改成顺延           | answer 2 deferred
submitted  | 第2项备注：补充说明材料 | note 2 补充说明材料
submitted  | 谢谢                    | ask
"""
ROWS = [tuple(cell.strip() for cell in line.split("|")) for line in PHRASES.strip().splitlines()]


def held():
    """Every answer, note and part-three entry the report holds."""
    return ([(e.status, e.amount, e.note, e.reason) for e in Entry.select().order_by(Entry.position)],
            [(f.kind, f.text, f.department_id) for f in Feedback.select().order_by(Feedback.id)])


def conversation():
    return Person.get(Person.userid == "sec01").conversation_set.get()


def step():
    return conversation().step


def check(effect: str, text: str, before, replies: list[str], step_before: str, kind_before: str) -> None:
    """The database after one row's text is what its effect says, and nothing else changed."""
    kind, *words = effect.split()
    entries, feedback = held()
    if kind in ("ack", "ask", "asks-reason", "asks-amount"):
        assert (entries, feedback) == before
        expected_step = {"asks-reason": "reason", "asks-amount": "amount"}.get(kind, step_before)
        assert step() == expected_step
        assert not kind == "ack" or replies[0].startswith("好的。")
        return
    if kind == "next":          # the next kind of part three, or the summary after the last
        assert (entries, feedback) == before
        assert step() == "summary" or conversation().feedback_kind != kind_before
        return
    if kind in ("answer", "amount"):
        position, *rest = words
        status = "done" if kind == "amount" else rest.pop(0)
        got = entries[int(position) - 1]
        amount = int(rest[0]) if rest and rest[0].isdecimal() else None
        reason = rest[0] if rest and not rest[0].isdecimal() else ""
        assert (got[0], got[1], got[3]) == (status, amount, reason)
        assert [e for i, e in enumerate(entries) if i != int(position) - 1] == \
            [e for i, e in enumerate(before[0]) if i != int(position) - 1]
        return
    if kind == "note":
        position, note = words
        assert entries[int(position) - 1][2].endswith(note) and feedback == before[1]
        return
    if kind == "feedback":
        assert entries == before[0] and feedback == before[1] + [(words[0], text, None)]
        return
    assert kind == "department", effect
    department = None if words == ["-"] else Department.get(Department.name == words[0]).id
    assert entries == before[0] and [f[2] for f in feedback] == [department]


def test_the_table_has_enough_real_phrasings():
    assert len(ROWS) >= 80 and len({(where, text) for where, text, _ in ROWS}) == len(ROWS)


@pytest.mark.parametrize("where", sorted(START))
def test_what_people_type_lands_where_they_meant(sec, subtests, where):
    for said in START[where]:
        sec.send(said)
    before, step_before, kind_before = held(), step(), conversation().feedback_kind
    assert step_before == STEP_AFTER_START.get(where, where)
    for row_where, text, effect in ROWS:
        if row_where != where:
            continue
        with subtests.test(text=text), database.atomic() as attempt:     # each row from the same start
            replies = sec.send(text)
            assert replies and not any("抱歉" in reply for reply in replies), replies
            check(effect, text, before, replies, step_before, kind_before)
            attempt.rollback()


@pytest.mark.parametrize("text, number", [
    ("8", 8), ("八", 8), ("十", 10), ("十二", 12), ("二十", 20), ("三十五", 35), ("两", 2), ("一百", 100),
    ("一百零五", 105), ("１２", 12), ("二三", None), ("百", None), ("12345", None), ("八次", None), ("", None)])
def test_numbers_in_digits_or_chinese(text, number):
    assert phrases.number(text) == number


RECTIFIED = "年度学习计划已制定，本月检查了两次"
ANSWERS_IN_TURN = ("完成了", "已完成", "做完了", "在推进", "下个月再做", "不涉及，本月无此项安排", "1", "好了")


def demo_report(ctx):
    """The demo's December for 岭南学院 (XY01): its 35 items, in the database (no cards sent)."""
    load_demo_data("2026-12", settings.load(settings.DEMO_CONFIG, env={}).directory)
    org = Org.get(Org.code == "XY01")
    Period.create(key="2026-12", status=PeriodStatus.PUBLISHED, publish_on=datetime.date(2026, 12, 5),
                  remind_on=datetime.date(2026, 12, 25), close_on=datetime.date(2026, 12, 31))
    create_reports("2026-12", items_for_orgs([org], "2026-12"), datetime.datetime(2026, 12, 5, 1, 0))
    ctx.clock.set(datetime.datetime(2026, 12, 7, 10, 0))
    return Report.get(Report.org == org)


def a_month_as_a_new_user_types_it(report, extra: dict[int, list[str]]) -> list[str]:
    """What the secretary sends: 开始, one answer a message in their own words (a counted item with
    its number, 不涉及 with its reason), `extra` after the answer to the position given, part three
    ended in words, the progress of its open rectification (ZG01), 提交."""
    sent = ["开始"]
    for entry in entries(report):
        sent.append("完成1次" if counted(entry) else ANSWERS_IN_TURN[entry.position % len(ANSWERS_IN_TURN)])
        sent += extra.get(entry.position, [])
    return sent + ["没有了", "没有", "暂无", RECTIFIED, "没有了", "提交"]


def test_the_demo_month_takes_forty_two_messages_and_keeps_only_the_notes_meant(ctx):
    report = demo_report(ctx)
    chat = Chat(DEMO_SECRETARY, ctx)
    sent = a_month_as_a_new_user_types_it(report, {})
    for text in sent:
        assert not any("抱歉" in reply or "没看懂" in reply for reply in chat.send(text)), text
    report = Report.get_by_id(report.id)
    assert len(entries(report)) == 35 and len(sent) == 42
    assert report.status == "submitted" and all(e.status != "not_done" for e in entries(report))
    assert [e.note for e in entries(report) if e.note] == [] and Feedback.select().count() == 0
    progress = RectificationEvent.select().where(RectificationEvent.by == DEMO_SECRETARY).get()
    assert (progress.rectification.code, progress.move, progress.text) == ("ZG01", "progress", RECTIFIED)


def test_acknowledgements_and_second_thoughts_leave_no_note_nobody_meant(ctx):
    report = demo_report(ctx)
    chat = Chat(DEMO_SECRETARY, ctx)
    meant = "邀请校党委书记为全院师生讲授专题党课"
    extra = {1: ["好的", meant], 2: ["收到", "嗯"], 6: ["第3项改成顺延", "👍"]}
    for text in a_month_as_a_new_user_types_it(report, extra):
        chat.send(text)
    notes = {e.position: e.note for e in entries(Report.get_by_id(report.id)) if e.note}
    assert notes == {1: meant}
    assert Entry.get(Entry.report == report, Entry.position == 3).status == "deferred"
    assert Report.get_by_id(report.id).status == "submitted" and Feedback.select().count() == 0
