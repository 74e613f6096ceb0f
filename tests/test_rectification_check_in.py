"""The monthly check-in asks about each of the org's rectifications 整改中 after part two (issue 21,
point 1): progress, or 已完成 with what shows it, photos as evidence, 无 or 跳过 to move on; every
move echoed, and 撤销 takes it back as a move of its own."""
import datetime

import pytest

from handlers import messages as m
from models import Conversation, Evidence, Rectification, RectificationEvent
from models.rectifications import Move, RectificationState, create, move
from tests.conversation import seed_lists
from tests.test_rectifications import office

NOV = datetime.datetime(2026, 11, 1)


def listed(code_deadline: str, state: RectificationState = RectificationState.OPEN) -> Rectification:
    """A rectification of ORG01 (`code_deadline`: its deadline), found in October, moved to `state`."""
    r = create(seed_lists(), {"source": "巡察", "problem": f"问题{code_deadline}", "measures": "整改",
                              "responsible": "张书记", "found_on": datetime.date(2026, 10, 1),
                              "deadline": datetime.date.fromisoformat(code_deadline)},
               "dangwei01", datetime.datetime(2026, 10, 1))
    if state != RectificationState.OPEN:
        move(r.code, Move.SUBMIT, "sec01", datetime.datetime(2026, 10, 2), datetime.date(2026, 10, 2), "已完成")
    if state == RectificationState.CLOSED:
        move(r.code, Move.ACCEPT, "dangwei01", datetime.datetime(2026, 10, 3), datetime.date(2026, 10, 3))
    return r


def history(code: str) -> list[tuple]:
    return [(e.move, e.after, e.by, e.text, e.media_ids) for e in RectificationEvent.select()
            .join(Rectification).where(Rectification.code == code, RectificationEvent.move != Move.CREATE)
            .order_by(RectificationEvent.id)]


def step() -> str:
    return Conversation.get().step


def to_part_two_end(sec) -> list[str]:
    """Every item answered, then no highlight, difficulty or suggestion: what the last 无 brought."""
    sec.send("开始")
    for _ in range(5):
        sec.send("1 1")
    sec.send("无")
    sec.send("无")
    return sec.send("无")


@pytest.fixture
def three(sec):
    """ORG01: ZG01 overdue and ZG02 整改中, ZG03 待验收, ZG04 已销号."""
    listed("2026-11-05"), listed("2026-12-31")
    listed("2026-12-31", RectificationState.SUBMITTED), listed("2026-12-31", RectificationState.CLOSED)
    return sec


def test_after_part_two_each_open_rectification_is_asked_the_overdue_flagged(three):
    assert to_part_two_end(three) == [m.RECT_ASK.format(
        left=2, code="ZG01", source="巡察", problem="问题2026-11-05", deadline="2026-11-05",
        overdue=" 【逾期】")]
    assert step() == "rectify"


def test_progress_a_photo_and_done_are_kept_echoed_and_the_admins_told_of_done(three):
    to_part_two_end(three)
    assert three.send("已制定学习计划，本月检查一次") == [
        "已记为整改 ZG01 的本月进展：「已制定学习计划，本月检查一次」。发“撤销”可撤回。",
        "整改 ZG01：可再发照片作佐证；没有了请发“无”，看下一条。"]
    assert three.photo() == ["已收到照片，作为整改 ZG01 的佐证。发“撤销”可撤回。"]
    assert three.send("无")[0].startswith("整改事项（还有 1 条）：\nZG02 · 巡察 · 问题2026-12-31\n时限 2026-12-31\n")
    assert three.send("已完成：学习记录已报送") == [
        "整改 ZG02 已报请验收：「学习记录已报送」，验收后会通知您。可再发照片作佐证。发“撤销”可撤回。",
        "→dangwei01 哲学学院 报请验收整改 ZG02（问题2026-12-31）：学习记录已报送\n"
        "销号：整改 销号 ZG02；退回：整改 退回 ZG02 原因",
        "整改 ZG02：可再发照片作佐证；没有了请发“无”，看下一条。"]
    assert three.send("没有了")[0].startswith("2026年11月月报小结")
    assert step() == "summary"
    media = [e.media_ids for e in RectificationEvent.select().where(RectificationEvent.move == Move.EVIDENCE)]
    assert history("ZG01") == [("progress", "open", "sec01", "已制定学习计划，本月检查一次", []),
                               ("evidence", "open", "sec01", "", media[0])]
    assert len(media[0]) == 1 and media[0][0].startswith("media-")
    assert history("ZG02") == [("submit", "submitted", "sec01", "学习记录已报送", [])]
    assert Evidence.select().count() == 0                     # no item got the photo


def test_no_progress_and_skip_move_on_and_store_nothing(three):
    to_part_two_end(three)
    assert three.send("无")[0] == "整改 ZG01 本月暂无进展，未作记录。"
    assert three.send("跳过")[0] == "已跳过整改 ZG02，可随时发“整改 ZG02 进展 内容”补报。"
    assert step() == "summary" and history("ZG01") == history("ZG02") == []


@pytest.mark.parametrize("text, reply", [
    ("已完成", m.RECT_ASK_DONE_HOW),
    ("好的", m.ACK),
    ("嗯", m.ACK),
    ("开会？", m.ASK_HELP),
    ("a", m.RECT_TOO_SHORT),
])
def test_what_is_no_progress_is_asked_about_never_stored(three, text, reply):
    to_part_two_end(three)
    assert three.send(text)[0].startswith(reply)
    assert step() == "rectify" and history("ZG01") == []


def test_an_edit_of_an_item_works_there_and_the_question_comes_back(three):
    to_part_two_end(three)
    replies = three.send("第4项改成推进中")
    assert replies[0] == "已修改第 4 项：推进中。发“撤销”可撤回。"
    assert replies[1].startswith("整改事项（还有 2 条）：\nZG01 ")
    assert step() == "rectify" and history("ZG01") == []


def test_undo_takes_back_progress_done_and_a_photo_as_moves_of_their_own(three):
    to_part_two_end(three)
    three.send("已制定学习计划")
    assert three.send("撤销")[0] == "已撤回整改 ZG01 的进展。"
    assert step() == "rectify" and Conversation.get().rectification.code == "ZG01"
    three.send("已完成 材料已报送")
    assert three.send("撤销")[:2] == ["已撤回整改 ZG01 的验收申请，仍为整改中。",
                                      "→dangwei01 哲学学院 撤回了整改 ZG01（问题2026-11-05）的验收申请，无需验收。"]
    three.send("进展很顺利")
    three.photo()
    assert three.send("撤销")[0] == "已撤回整改 ZG01 的照片。"
    assert three.send("撤销") == [m.NOTHING_TO_UNDO]
    assert [(move_, after) for move_, after, *_ in history("ZG01")] == [
        ("progress", "open"), ("withdraw", "open"), ("submit", "submitted"), ("withdraw", "open"),
        ("progress", "open"), ("evidence", "open"), ("withdraw", "open")]
    assert Rectification.get(Rectification.code == "ZG01").state == RectificationState.OPEN


def test_undo_is_refused_once_the_office_moved_it_since(three, ctx):
    to_part_two_end(three)
    three.send("已完成 材料已报送")
    office(ctx, "整改 销号 ZG01")
    assert three.send("撤销") == ["整改 ZG01 之后又有了新的记录，不能撤销。"]
    assert Rectification.get(Rectification.code == "ZG01").state == RectificationState.CLOSED


def test_those_reported_this_month_are_not_asked_and_nobody_is_asked_twice(three):
    three.send("整改 ZG01 进展 已开会")
    assert to_part_two_end(three)[0].startswith("整改事项（还有 1 条）：\nZG02 ")
    three.send("无")
    assert step() == "summary"
    three.send("改 2")
    three.send("2")                                             # the edit ends where it began
    assert step() == "summary"


def test_a_photo_after_a_rectifications_move_in_chat_goes_with_it(three):
    three.send("开始")
    three.send("1 1")
    three.send("整改 ZG02 已完成 学习记录已报送")
    assert three.photo() == ["已收到照片，作为整改 ZG02 的佐证。发“撤销”可撤回。"]
    assert [move_ for move_, *_ in history("ZG02")] == ["submit", "evidence"] and Evidence.select().count() == 0
    assert three.send("撤销") == ["已撤回整改 ZG02 的照片。"]
    assert Rectification.get(Rectification.code == "ZG02").state == RectificationState.SUBMITTED     # still waiting
    assert three.photo() == [m.PHOTO_ADDED.format(position=1)]    # the item's again


def test_an_org_without_open_rectifications_goes_straight_to_the_summary(sec):
    listed("2026-12-31", RectificationState.SUBMITTED)
    to_part_two_end(sec)
    assert step() == "summary"
