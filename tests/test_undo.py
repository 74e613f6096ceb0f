"""撤销 in the check-in: the last change made in the chat (an answer, an edit, a note, a highlight,
difficulty or suggestion) is put back as it was, once, while the month is open; each change says so
when it is made."""
import datetime

from models import Department, Entry, EntryChange, Feedback, Period, Person
from models.checkin import record_answer
from tests.conversation import Chat

UNDO = "发“撤销”可撤回。"


def entry(position):
    return Entry.get(Entry.position == position)


def answers():
    return [(e.status, e.amount, e.note) for e in Entry.select().order_by(Entry.position)]


def test_an_answer_given_by_mistake_is_undone_and_asked_again(sec):
    sec.send("开始")
    sec.send("1 1")
    assert sec.send("3")[0].startswith("第 2 项选择了“不涉及”")
    sec.send("本月无安排")
    assert entry(2).status == "not_applicable"
    assert sec.send("撤销") == ["已撤销：第 2 项现为“未答”。", "卡片：第 2/5 项 · 理论学习"]
    assert entry(2).status is None and entry(2).reason == "" and entry(2).answered_by is None
    assert sec.send("撤销") == ["没有可撤销的修改。"]
    assert sec.send("1") == ["卡片：第 3/5 项 · 安全工作 · 进度：本季度已完成 0/1 次"]
    assert [c.status for c in EntryChange.select().where(EntryChange.entry == entry(2)).order_by(EntryChange.id)] == [
        "not_applicable", None, "done"]                # the history keeps the mistake and its undoing


def test_an_edit_in_words_is_echoed_and_undone_to_the_answer_before(sec):
    for text in ("开始", "1 1", "1", "1 1"):
        sec.send(text)
    assert sec.send("第2项改成推进中") == ["已修改第 2 项：推进中。" + UNDO, "卡片：第 4/5 项 · 月度任务 · 组织部"]
    assert entry(2).status == "in_progress"
    assert sec.send("撤销") == ["已撤销：第 2 项现为“已完成”。"]
    assert entry(2).status == "done"
    assert sec.send("1") == ["卡片：第 5/5 项 · 月度任务 · 组织部"]      # still where they were


def test_a_note_is_echoed_and_undone(sec):
    for text in ("开始", "1 1"):
        sec.send(text)
    said = sec.send("为全院师生讲授专题党课一次，反响很好")
    assert said == ["已记为第 1 项的备注：「为全院师生讲授专题党课一次，反响很好」。" + UNDO]
    assert entry(1).note == "为全院师生讲授专题党课一次，反响很好"
    assert sec.send("撤销") == ["已撤销：第 1 项现为“已完成”。"]
    assert answers()[0] == ("done", 1, "")


def test_part_three_entries_are_echoed_and_undone_routed_ones_too(sec, ctx):
    Person.create(userid="dept-zzb", name="王芳", roles=["liaison"], department=Department.get(name="组织部"))
    for text in ("开始", "1 1", "1", "1 1", "1", "1"):
        sec.send(text)
    assert sec.send("组织党员赴延安开展主题教育") == [
        "已记为亮点：「组织党员赴延安开展主题教育」。" + UNDO + "还有吗？没有请发“无”。"]
    assert sec.send("撤销") == ["已撤销亮点：「组织党员赴延安开展主题教育」。"]
    assert Feedback.select().count() == 0
    sec.send("没有了")
    sec.send("党建经费紧张")
    assert sec.send("撤销") == ["已撤销困难：「党建经费紧张」。"]           # while its department is asked
    assert Feedback.select().count() == 0
    assert sec.send("没有了") == ["对党委或各部门有何意见建议？可发多条；没有请发“无”。"]
    sec.send("建议增加培训经费")
    assert sec.send("组织部")[:2] == ["已转给组织部。" + UNDO + "还有吗？没有请发“无”。",
                                     "→dept-zzb 卡片：【建议】哲学学院 · 2026年11月"]
    feedback = Feedback.get()
    liaison = Chat("dept-zzb", ctx)
    liaison.click(f"fb-reply:{feedback.id}")
    liaison.send("已列入明年预算。")
    assert sec.send("撤销") == ["这条建议部门已处理，不能撤销。"]
    assert Feedback.get().answer == "已列入明年预算。"


def test_an_item_changed_since_elsewhere_is_not_undone(sec):
    for text in ("开始", "1 1", "1"):
        sec.send(text)
    deputy = Person.get(Person.userid == "dep01")
    record_answer(entry(2), deputy, datetime.datetime(2026, 11, 10, 2, 0), status="deferred")    # e.g. on the page
    assert sec.send("撤销") == ["第 2 项之后又被修改过，不能撤销；可发“改 2”修改。"]
    assert entry(2).status == "deferred"


def test_a_submission_is_not_undone_and_a_closed_month_undoes_nothing(sec):
    for text in ("开始", "1 1", "1", "1 1", "1", "1", "无", "无", "无", "提交"):
        sec.send(text)
    assert sec.send("撤销") == ["没有可撤销的修改。"]
    sec.send("第2项改成推进中")
    Period.update(status="closed").execute()
    assert sec.send("撤销") == ["2026年11月月报已截止，只能查看。发“我的月历”看填报情况。"]
    assert entry(2).status == "in_progress"


def test_part_three_ends_when_the_person_says_so_and_keeps_no_acknowledgement(sec):
    for text in ("开始", "1 1", "1", "1 1", "1", "1"):
        sec.send(text)
    assert sec.send("好的") == ["好的。请填写本月履职亮点，可发多条；没有请发“无”。"]
    assert sec.send("嗯")[0].startswith("好的。")
    assert sec.send("a") == ["内容太短，请写具体一些；没有请发“无”。请填写本月履职亮点，可发多条；没有请发“无”。"]
    assert sec.send("没有了") == ["本月遇到哪些困难？可发多条；没有请发“无”。"]
    assert Feedback.select().count() == 0


def test_what_is_echoed_is_the_persons_text_never_a_link(sec):
    for text in ("开始", "1 1"):
        sec.send(text)
    note = "佐证见[点此查看](http://e.vil/x)"
    assert sec.send(note) == ["已记为第 1 项的备注：「佐证见［点此查看］（http://e.vil/x）」。" + UNDO]
    assert entry(1).note == note                                    # stored as typed
