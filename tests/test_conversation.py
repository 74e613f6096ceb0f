"""The check-in conversation as tables of exchanges, run against the handlers directly (no HTTP,
Redis or worker): what the secretary sends or taps → what the bot answers, and what the database
then holds. The month: five items, 1 and 3 counted (see tests/conversation.py)."""
import datetime
from contextlib import contextmanager

import pytest

from handlers.checkin_steps import STEPS
from handlers.router import Context
from models import Department, Entry, EntryChange, Evidence, Feedback, Org, Period, Person, Report, database
from models.checkin import create_reports
from models.clock import Clock
from models.items import items_for_orgs
from tests.conversation import Chat, seed_month, walk_to

KINDS = {1: "主体责任", 2: "理论学习", 3: "安全工作", 4: "月度任务 · 组织部", 5: "月度任务 · 组织部"}
TALLIES = {1: "本年已完成 {}/2 次", 3: "本季度已完成 {}/1 次"}


def card(position, now=None, done=0):
    """An item's card as the phone shows it: title, the current answer, the tally of a counted item."""
    parts = [f"卡片：第 {position}/5 项 · {KINDS[position]}"]
    parts += [f"当前：{now}"] if now else []
    parts += [f"进度：{TALLIES[position].format(done)}"] if position in TALLIES else []
    return " · ".join(parts)


CARD = {position: card(position) for position in KINDS}
TITLES = {1: "讲授党课", 2: "中心组集体学习", 3: "安全检查", 4: "报送主题教育总结", 5: "毕业生就业帮扶"}
HIGHLIGHTS = "请填写本月履职亮点，可发多条；没有请发“无”。"
DIFFICULTIES = "本月遇到哪些困难？可发多条；没有请发“无”。"
SUGGESTIONS = "对党委或各部门有何意见建议？可发多条；没有请发“无”。"
SUBMITTED = "✅ 2026年11月月报已提交。11月30日前可发“改 N”修改。"


def hint(position):
    return (f"请回复 1-4：1 已完成 · 2 推进中 · 3 不涉及 · 4 顺延下月（第 {position} 项：{TITLES[position]}）。"
            "发“帮助”看更多。")


def reason(position):
    return f"第 {position} 项选择了“不涉及”，请简要说明原因："


def tap(label):
    return lambda chat: chat.tap(label)


def photo(chat):
    return chat.photo()


def voice(chat):
    return chat.voice()


def enter(chat):
    return chat.enter()


@pytest.fixture
def clock():
    return Clock("Asia/Shanghai", at=datetime.datetime(2026, 11, 10, 9, 30))


@pytest.fixture
def ctx(db, clock):
    return Context(clock=clock, admin_userids=frozenset({"dangwei01"}))


@pytest.fixture
def month(ctx):
    return seed_month()


@pytest.fixture
def sec(ctx, month):
    return Chat("sec01", ctx)


@pytest.fixture
def dep(ctx, month):
    return Chat("dep01", ctx)


def statuses():
    return [(e.status, e.amount) for e in Entry.select().order_by(Entry.position)]


def entry(position):
    return Entry.get(Entry.position == position)


def test_a_whole_month_typed_and_tapped(sec, month):
    sec.expect([
        ("开始", [CARD[1]]),
        ("1", ["第 1 项本月完成多少次？请回复数字。（本年已完成 0/2 次）"]),
        ("2", [CARD[2]]),
        (tap("已完成"), ["卡片更新：已选择：已完成", CARD[3]]),
        ("3", [reason(3)]),
        ("本季度检查已在10月完成", [CARD[4]]),
        ("4", [CARD[5]]),
        ("已和学工部约好下月报送", ["已记为第 4 项的备注：「已和学工部约好下月报送」。发“撤销”可撤回。"]),
        (photo, ["已为第 4 项添加照片。"]),
        ("1", [HIGHLIGHTS]),
        ("开展“三会一课”专题学习", ["已记为亮点：「开展“三会一课”专题学习」。发“撤销”可撤回。还有吗？没有请发“无”。"]),
        ("无", [DIFFICULTIES]),
        ("党建经费紧张", ["已记为困难：「党建经费紧张」。希望转给哪个部门？\n1 组织部\n2 宣传部\n0 不指定"]),
        ("1", ["已转给组织部。发“撤销”可撤回。还有吗？没有请发“无”。"]),
        ("无", [SUGGESTIONS]),
        ("无", ["2026年11月月报小结\n已答 5/5 项（已完成 3，不涉及 1，顺延下月 1）\n⏭ 4. 报送主题教育总结\n"
               "亮点/困难/建议 2 条\n发“提交”提交月报，发“改 N”修改第 N 项。"]),
        ("提交", [SUBMITTED]),
        ("进度", ["已答 5/5 项（已完成 3，不涉及 1，顺延下月 1）"]),
    ])
    assert statuses() == [("done", 2), ("done", None), ("not_applicable", None), ("deferred", None), ("done", None)]
    assert entry(3).reason == "本季度检查已在10月完成"
    assert entry(4).note == "已和学工部约好下月报送" and Evidence.get().entry_id == entry(4).id
    assert [(f.kind, f.department.name if f.department else None) for f in Feedback.select().order_by(Feedback.id)] == [
        ("highlight", None), ("difficulty", "组织部")]
    report = Report.get()
    assert (report.status, report.late, report.submitted_by.userid) == ("submitted", False, "sec01")
    assert report.submitted_at == datetime.datetime(2026, 11, 10, 1, 30)      # 09:30 in Shanghai, stored as UTC


def test_submitting_with_items_left_asks_once_naming_them(sec, month):
    sec.expect([
        ("开始", [CARD[1]]),
        ("1 1", [CARD[2]]),
        ("提交", ["2026年11月月报小结\n已答 1/5 项（已完成 1）\n未答 4 项：第 2-5 项\n⬜ 2. 中心组集体学习\n"
                 "⬜ 3. 安全检查\n⬜ 4. 报送主题教育总结\n⬜ 5. 毕业生就业帮扶\n亮点/困难/建议 0 条\n"
                 "还有 4 项未答（第 2-5 项），提交后记为“未完成”。确认提交请再发“提交”，发“继续”接着填。"]),
        ("继续", [CARD[2]]),
        ("1", [CARD[3]]),
    ])
    assert sec.send("提交")[0].endswith("还有 3 项未答（第 3-5 项），提交后记为“未完成”。确认提交请再发“提交”，发“继续”接着填。")
    sec.expect([
        ("提交", [SUBMITTED]),
        ("进度", ["已答 2/5 项（已完成 2）\n未完成 3 项：第 3-5 项（提交时未答）"]),
    ])
    assert [s for s, _ in statuses()] == ["done", "done", "not_done", "not_done", "not_done"]
    assert Report.get().status == "submitted"


def test_a_bare_edit_asks_which_item(sec, month):
    for text in ("开始", "1 1", "1", "1 1", "1", "1", "无", "无", "无", "提交"):
        sec.send(text)
    sec.expect([
        ("改", ["要修改第几项？请回复 1-5。"]),
        ("9", ["没有第 9 项（共 5 项）。"]),
        ("2", [card(2, "已完成")]),
        ("2", ["已修改第 2 项：推进中。发“撤销”可撤回。"]),
        ("改", ["要修改第几项？请回复 1-5。"]),
        ("取消", ["已取消。2026年11月月报已提交。11月30日前可发“改 N”修改。"]),
    ])
    assert entry(1).note == "" and entry(2).status == "in_progress"
    assert Report.get().status == "submitted"


def test_moving_on_while_a_number_or_a_reason_is_asked_keeps_the_status_chosen(sec, month):
    sec.expect([
        ("开始", [CARD[1]]),
        ("1 1", [CARD[2]]),
        ("1", [CARD[3]]),
        ("2", ["第 3 项本月完成多少次？请回复数字。（本季度已完成 0/1 次）"]),
        ("上一项", ["第 3 项已记为“推进中”，数量可稍后发“改 3”补上。", card(2, "已完成")]),
        ("3", [reason(2)]),
        ("跳过", ["第 2 项已记为“不涉及”，原因可稍后发“改 2”补上。", CARD[4]]),
        ("改 1", [card(1, "已完成", 1)]),
        ("2", ["第 1 项本月完成多少次？请回复数字。（本年已完成 1/2 次）"]),
        ("取消", ["已取消。" + hint(1)]),
        ("进度", ["已答 3/5 项（已完成 1，推进中 1，不涉及 1）\n未答 2 项：第 4-5 项"]),
    ])
    assert statuses()[:3] == [("done", 1), ("not_applicable", None), ("in_progress", None)]


@pytest.mark.parametrize("bad", ["-1", "abc", "5000", "2.5", "½"])
def test_amounts_are_checked(sec, month, bad):
    sec.send("开始")
    sec.send("1")
    assert sec.send(bad) == ["请回复 0 到 100 之间的整数，例如 2。"]
    assert entry(1).status is None
    assert sec.send("3次") == [CARD[2]]
    assert statuses()[0] == ("done", 3)


def test_an_answer_with_an_implausible_amount_asks_again(sec, month):
    sec.send("开始")
    assert sec.send("1 500") == ["请回复 0 到 100 之间的整数，例如 2。"]
    assert sec.send("2") == [CARD[2]]
    assert statuses()[0] == ("done", 2)


@pytest.mark.parametrize("moment, late", [
    (datetime.datetime(2026, 11, 5, 9, 0), ""),
    (datetime.datetime(2026, 11, 24, 18, 0), ""),
    (datetime.datetime(2026, 11, 25, 23, 59), ""),
    (datetime.datetime(2026, 11, 26, 0, 0), "（逾期提交）"),
    (datetime.datetime(2026, 11, 30, 23, 59), "（逾期提交）"),
])
def test_late_is_after_the_deadline_day_in_the_organisations_time_zone(sec, clock, month, moment, late):
    clock.set(moment)
    sec.send("提交")
    assert sec.send("提交") == [f"✅ 2026年11月月报已提交{late}。11月30日前可发“改 N”修改。"]
    assert Report.get().late is bool(late)


def test_a_closed_month_says_so_everywhere_and_changes_nothing(sec, month):
    sec.send("开始")
    sec.send("1 1")
    Period.update(status="closed").execute()
    closed = "2026年11月月报已截止，只能查看。发“我的月历”看填报情况。"
    sec.expect([
        (enter, ["您好，张书记！2026年11月月报：已答 1/5 项（已完成 1）。已截止，发“我的月历”查看。"]),
        ("继续", [closed]),
        ("1", [closed]),
        (photo, [closed]),
        (tap("已完成"), ["卡片更新：已截止", closed]),
        ("进度", ["已答 1/5 项（已完成 1）\n未答 4 项：第 2-5 项"]),
    ])
    assert sec.send("我的月历")[0].splitlines()[:2] == ["2026年11月我的月历（已截止，未提交）", "✅ 1. 讲授党课 · 已完成"]
    assert statuses() == [("done", 1)] + [(None, None)] * 4 and Evidence.select().count() == 0


def test_skipping_an_answered_item_says_it_keeps_its_answer(sec, month):
    sec.expect([
        ("开始", [CARD[1]]),
        ("跳过", ["已跳过第 1 项，可稍后发“改 1”补填。", CARD[2]]),
        ("4", [CARD[3]]),
        ("上一项", [card(2, "顺延下月")]),
        ("跳过", ["第 2 项保持“顺延下月”。", CARD[3]]),
    ])
    for text in ("1 1", "1", "1", "无", "无", "无", "改 2"):
        sec.send(text)
    assert sec.send("跳过") == ["第 2 项未修改。", "2026年11月月报小结\n已答 4/5 项（已完成 3，顺延下月 1）\n"
                                "未答 1 项：第 1 项\n⬜ 1. 讲授党课\n⏭ 2. 中心组集体学习\n亮点/困难/建议 0 条\n"
                                "发“提交”提交月报，发“改 N”修改第 N 项。"]
    assert statuses()[:2] == [(None, None), ("deferred", None)]


def test_a_card_for_an_unknown_item_or_another_report_is_out_of_date(sec, ctx, month):
    other = Org.create(code="ORG02", name="历史学系", type="直属系")
    create_reports("2026-11", items_for_orgs([other], "2026-11"), ctx.clock.utcnow())
    foreign = Entry.select().join(Report).where(Report.org == other).first()
    sec.send("开始")
    outdated = ["卡片更新：已过期", "这张卡片已过期。请点最新的一张，或发“继续”。"]
    assert sec.click("ans:999999:done") == outdated
    assert sec.click(f"ans:{foreign.id}:done") == outdated
    assert sec.click("ans:x:done") == outdated
    assert sec.click(f"ans:{entry(1).id}:maybe") == outdated
    assert Entry.get_by_id(foreign.id).status is None


def test_progress_with_many_items_left_lists_them_as_ranges(sec, month):
    assert sec.send("进度") == ["已答 0/5 项\n未答 5 项：第 1-5 项"]
    sec.send("开始")
    sec.send("跳过")
    sec.send("1")
    sec.send("跳过")
    sec.send("4")
    assert sec.send("进度") == ["已答 2/5 项（已完成 1，顺延下月 1）\n未答 3 项：第 1、3、5 项"]


def test_a_deputy_changes_a_submitted_report_with_who_and_when(sec, dep, clock, month):
    for text in ("开始", "1 1", "1", "1 1", "1", "1", "无", "无", "无", "提交"):
        sec.send(text)
    clock.advance(datetime.timedelta(days=2))
    dep.expect([
        ("继续", ["2026年11月月报已提交。11月30日前可发“改 N”修改。"]),
        ("改 2", [card(2, "已完成")]),
        ("2", ["已修改第 2 项：推进中。发“撤销”可撤回。", "→sec01 李副书记修改了您已提交的2026年11月月报第 2 项：推进中。"]),
    ])
    changes = list(EntryChange.select().where(EntryChange.entry == entry(2)).order_by(EntryChange.id))
    assert [(c.status, c.changed_by.userid, c.changed_at.day) for c in changes] == [
        ("done", "sec01", 10), ("in_progress", "dep01", 12)]
    assert entry(2).answered_by.userid == "dep01"


def test_pause_and_resume_on_another_device(sec, dep, month):
    sec.expect([
        ("开始", [CARD[1]]),
        ("1 1", [CARD[2]]),
        ("暂停", ["已暂停。随时发“继续”接着填，换手机也可以。"]),
        ("1", ["月报已暂停，发“继续”接着填。"]),
    ])
    dep.expect([
        ("开始", [CARD[2]]),             # item 1 was answered on the secretary's phone
        ("1", [CARD[3]]),
    ])
    assert sec.send("继续") == [CARD[3]]        # item 2 was answered meanwhile: not asked again


def test_enter_greets_with_the_state_of_the_report(sec, month):
    sec.send("开始")
    sec.send("1 1")
    assert sec.enter() == ["您好，张书记！2026年11月月报：已答 1/5 项（已完成 1）。发“继续”接着填。"]
    for text in ("1", "1 1", "1", "1", "无", "无", "无", "提交"):
        sec.send(text)
    assert sec.enter() == ["您好，张书记！2026年11月月报：已答 5/5 项（已完成 5）。已提交，11月30日前可发“改 N”修改。"]


def test_a_deferred_item_comes_back_next_month_marked_carried_over(sec, ctx, clock, month):
    sec.send("开始")
    sec.send("1 1")
    sec.send("4")
    Period.update(status="closed").execute()
    clock.set(datetime.datetime(2026, 12, 7, 9, 0))
    seed_month("2026-12")
    lines = sec.send("我的月历")[0].splitlines()
    assert lines[0] == "2026年12月我的月历（未开始）"
    assert "⬜ 1. 【顺延】中心组集体学习 · 未答" in lines


def test_across_new_year_a_december_deferral_opens_january(sec, ctx, clock):
    seed_month("2026-12")
    clock.set(datetime.datetime(2026, 12, 31, 23, 50))
    sec.send("开始")
    sec.send("1 1")
    sec.send("4")
    assert sec.send("提交")[0].startswith("2026年12月月报小结")
    Period.update(status="closed").execute()
    clock.advance(datetime.timedelta(minutes=20))           # 00:10 on New Year's Day
    assert clock.period() == "2027-01"
    seed_month(clock.period())
    assert sec.enter()[0].startswith("您好，张书记！2027年1月月报：已答 0/")
    assert sec.send("开始")[0] == "卡片：第 1/3 项 · 理论学习"
    assert sec.send("我的月历")[0].splitlines()[:2] == ["2027年1月我的月历（未开始）", "⬜ 1. 【顺延】中心组集体学习 · 未答"]


def test_messages_go_to_the_month_it_is_not_to_the_newest_published(sec, clock, month):
    seed_month("2030-05")                   # published by mistake, years ahead
    assert sec.send("开始") == [CARD[1]]
    assert sec.send("我的月历")[0].startswith("2026年11月我的月历")
    clock.set(datetime.datetime(2030, 5, 6, 9, 0))
    assert sec.send("我的月历")[0].startswith("2030年5月我的月历")


def test_a_month_still_open_takes_answers_until_it_closes(sec, clock, month):
    clock.set(datetime.datetime(2026, 12, 2, 9, 0))          # December not published yet
    assert sec.send("开始") == [CARD[1]]
    seed_month("2026-12")
    assert sec.send("我的月历")[0].startswith("2026年12月我的月历")      # the newer open month
    Period.update(status="closed").where(Period.key == "2026-12").execute()
    assert sec.send("我的月历")[0].startswith("2026年11月我的月历")      # the open one, though older


def test_a_difficulty_reaches_its_department_and_the_answer_comes_back(sec, ctx, month):
    department = Department.get(Department.name == "组织部")
    Person.create(userid="dept-zzb", name="王芳", roles=["liaison"], department=department)
    for text in ("开始", "1 1", "1", "1 1", "1", "1", "无"):
        sec.send(text)
    assert sec.send("党建经费紧张") == ["已记为困难：「党建经费紧张」。希望转给哪个部门？\n1 组织部\n2 宣传部\n0 不指定"]
    routed = sec.send("1")
    assert routed == ["已转给组织部。发“撤销”可撤回。还有吗？没有请发“无”。", "→dept-zzb 卡片：【困难】哲学学院 · 2026年11月"]
    liaison = Chat("dept-zzb", ctx)
    feedback = Feedback.get()
    liaison.expect([
        (lambda c: c.click(f"fb-reply:{feedback.id}"), ["请写回复（发“取消”放弃）：党建经费紧张"]),
        ("已协调专项经费，下周下达。", ["已回复，书记会收到。", "→dept-zzb 卡片更新：已回复",
                                     "→sec01 组织部回复了您反映的“党建经费紧张”：已协调专项经费，下周下达。"]),
        ("进度", ["组织部的月度任务（2026年11月）：\n· 报送主题教育总结：已完成 1\n· 毕业生就业帮扶：已完成 1"]),
    ])
    answered = Feedback.get()
    assert (answered.answer, answered.answered_by.userid, answered.is_open) == ("已协调专项经费，下周下达。", "dept-zzb", False)
    assert liaison.click(f"fb-ack:{feedback.id + 99}") == ["卡片更新：已过期", "这张卡片已过期。请点最新的一张，或发“继续”。"]


@pytest.mark.parametrize("userid, reply", [
    ("dangwei01", "您好，王老师！月报由各组织书记或代填人填写。发“帮助”看管理命令。"),
    ("stranger", "您好！您还不在党建月报名单中，暂时无法使用。如需开通，请联系党委办公室。"),
])
def test_people_who_do_not_fill_in_are_told_so(ctx, month, userid, reply):
    assert Chat(userid, ctx).send("填报") == [reply]


def test_before_anything_is_published(ctx, db):
    org = Org.create(code="ORG01", name="哲学学院", type="学院")
    Person.create(userid="sec01", name="张书记", roles=["secretary"], org=org)
    assert Chat("sec01", ctx).send("开始") == ["本月月报尚未发布，发布后会通知您。"]


# Every step × every chat command. A row is a step (reached from a fresh month the way the table of
# steps says: tests/conversation.py walk_to); a column is a command; a cell is the step the person is
# in afterwards.
COMMANDS = ["继续", "进度", "上一项", "跳过", "改", "暂停", "提交", "取消", "撤销", "我的月历", "帮助"]
# A cell ending in "!" is a command that does not apply there: the person is told so and asked again.
AFTER = """
           继续        进度        上一项      跳过        改    暂停        提交        取消        撤销        我的月历    帮助
item       item        item        item        item        pick  item        confirm     item!       item        item        item
reason     reason      reason      item        item        pick  reason      confirm     item        reason      reason      reason
amount     amount      amount      item        item        pick  amount      confirm     item        amount      amount      amount
feedback   feedback    feedback    item        feedback    pick  feedback    summary     feedback!   feedback    feedback    feedback
department department  department  item        feedback    pick  department  summary     feedback    feedback    department  department
summary    summary     summary     item        summary!    pick  summary     submitted   summary!    summary     summary     summary
confirm    item        confirm     item        confirm!    pick  confirm!    submitted   summary     confirm     confirm     confirm
submitted  submitted   submitted   submitted!  submitted!  pick  submitted!  submitted   submitted!  submitted   submitted   submitted
pick       pick!       pick        pick!       pick!       pick  pick!       confirm     item        pick        pick        pick
rectify    rectify     rectify     item        summary     pick  rectify     summary     rectify!    rectify     rectify     rectify
"""
TABLE = {row.split()[0]: dict(zip(COMMANDS, row.split()[1:], strict=True)) for row in AFTER.strip().splitlines()[1:]}


def snapshot():
    """What the database holds of the report: answers, feedback, evidence, submission."""
    return ([(e.status, e.amount, e.note, e.reason) for e in Entry.select().order_by(Entry.position)],
            Feedback.select().count(), Evidence.select().count(), Report.get().status)


def conversation_step():
    return Person.get(Person.userid == "sec01").conversation_set.get().step


def said_without_apology(chat, text):
    assert "抱歉" not in "".join(chat.send(text))


def reach(chat, step):
    """Take the person from the fresh month to `step`, no apology on the way."""
    walk_to(step, lambda text: said_without_apology(chat, text), conversation_step)


@contextmanager
def undone():
    """Try something, then roll it back (a savepoint) for the next try from the same step."""
    with database.atomic() as attempt:
        yield
        attempt.rollback()


@pytest.mark.parametrize("step", list(STEPS))
def test_every_command_in_every_step(sec, month, subtests, step):
    reach(sec, step)
    for command in COMMANDS:
        with subtests.test(command=command), undone():
            before = snapshot()
            replies = sec.send(command)
            after = TABLE[step][command]
            assert replies and all(replies)
            assert conversation_step() == after.rstrip("!"), replies
            assert replies[0].startswith(f"现在用不上“{command}”。") == after.endswith("!"), replies
            if after.endswith("!") or command in ("进度", "我的月历", "帮助"):
                assert snapshot() == before


ODD = {
    "empty": "",
    "5,000 characters": "党" * 5000,
    "emoji": "🙂🙂",
    "control characters": "\x00\x07\x1b",
    "out of range": "999",
    "negative": "-1",
    "voice": voice,
    "a stale card": lambda chat: chat.click("ans:999999:done"),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_odd_input_gets_a_hint_and_keeps_the_state(sec, month, subtests, step):
    reach(sec, step)
    for odd, value in ODD.items():
        if odd in ("out of range", "negative") and step in ("reason", "feedback"):
            continue                                    # there any words are a reason or a highlight
        with subtests.test(odd=odd), undone():
            before = snapshot()
            replies = value(sec) if callable(value) else sec.send(value)
            assert replies and all(replies)
            assert not any("抱歉" in reply for reply in replies)
            assert snapshot() == before and conversation_step() == step


PHOTO_KEPT = {"item": False, "reason": False, "amount": False, "feedback": True, "department": False,
              "summary": True, "confirm": False, "submitted": True, "pick": False, "rectify": False}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_photo_goes_with_the_last_answer_where_one_is_expected(sec, month, step):
    reach(sec, step)
    replies = sec.photo()
    assert Evidence.select().count() == (1 if PHOTO_KEPT[step] else 0), replies
    assert conversation_step() == step
