"""排名 (issue 22, point 3): the orgs ranked by their score rate for a month, a quarter, a half or a
year, of a type or an area, ties sharing a place, the bottom three marked, and the orgs in the bottom
three two years running named for a talk — on test_scores' fixture (hand-counted there) and three
more orgs:

    XY03 中文系 (学院, 南校园), XY04 历史系 (学院, 北校园): 11月 all done, on time      → 40/40
    2025-11: XY01 XY03 XY04 YY01 all done on time (40/100), XY02 未报 with nothing done (5/100)
"""
import dataclasses
import datetime

import pytest

from handlers import admin, messages as m
from handlers.replies import Text
from jobs.close import close_period
from models import Entry, Org, OutboxMessage, Period, Person, Report
from models.directory import PeriodStatus
from models.rankings import ranking
from tests.conversation import Chat
from tests.test_scores import office  # noqa: F401  (the fixture)

D = datetime.date


def say(ctx, text: str, userid: str = "dangwei01") -> str:
    """What the asker reads at once (the chart's job follows: test_admin)."""
    replies = admin.run(text, Person.get(Person.userid == userid), ctx, "robot")
    return "\n".join(r.content for r in replies if isinstance(r, Text))


def report(code: str, period: str, status: str, statuses: list) -> None:
    year, month = int(period[:4]), int(period[5:])
    created = Report.create(org=Org.get(Org.code == code), period=period, status=status, late=False,
                            deadline=D(year, month, 25), created_at=datetime.datetime(year, month, 5))
    for position, status_ in enumerate(statuses, 1):
        Entry.create(report=created, position=position, status=status_)


@pytest.fixture
def five(office):  # noqa: F811
    Org.create(code="XY03", name="中文系", type="学院", area="南校园")
    Org.create(code="XY04", name="历史系", type="学院", area="北校园")
    Person.create(userid="pq-bei", name="北区联络员", roles=["liaison"], area="北校园")
    for code in ("XY03", "XY04"):
        report(code, "2026-11", "submitted", ["done"] * 4)
    Period.create(key="2025-11", status=PeriodStatus.CLOSED)
    for code in ("XY01", "XY03", "XY04", "YY01"):
        report(code, "2025-11", "submitted", ["done"] * 2)
    report("XY02", "2025-11", "missing", [None, None])
    return office


def test_a_month_ranks_by_score_rate_ties_share_a_place_the_bottom_three_marked(five):
    assert say(five, "排名 2026-11") == "\n".join([
        "2026年11月排名（全部，5 个组织，按得分率）：",
        "1. 中文系（XY03）40/40 · 100%",
        "1. 历史系（XY04）40/40 · 100%",
        "1. 附属第一医院（YY01）40/40 · 100%",
        "4. 外国语学院（XY02）35/40 · 88% 【后三位】",
        "5. 岭南学院（XY01）30/40 · 75% 【后三位】"])


def test_a_type_an_area_and_a_quarter(five):
    assert say(five, "排名 2026-11 类型 学院").splitlines()[1:] == [
        "1. 中文系（XY03）40/40 · 100%", "1. 历史系（XY04）40/40 · 100%",
        "3. 外国语学院（XY02）35/40 · 88% 【后三位】", "4. 岭南学院（XY01）30/40 · 75% 【后三位】"]
    assert say(five, "排名 2026-11 片区 北校园").splitlines() == [
        "2026年11月排名（北校园，2 个组织，按得分率）：", "1. 历史系（XY04）40/40 · 100%",
        "1. 附属第一医院（YY01）40/40 · 100%"]                # three or fewer: no bottom three
    assert say(five, "排名 2026Q4").splitlines()[4:] == [       # October and November averaged
        "4. 岭南学院（XY01）28.33/40 · 71% 【后三位】", "5. 外国语学院（XY02）24.17/40 · 60% 【后三位】"]


def test_a_year_names_the_orgs_in_the_bottom_three_two_years_running(five):
    lines = say(five, "排名 2026").splitlines()
    assert lines[0] == "2026年排名（全部，5 个组织，按得分率）："
    assert lines[-3:] == ["4. 岭南学院（XY01）28.33/100 · 28% 【后三位】",
                          "5. 外国语学院（XY02）24.17/100 · 24% 【后三位】",
                          "连续两年（2025、2026）排名后三位，建议约谈：外国语学院（XY02）"]
    assert [(row.org.code, row.place, row.bottom) for row in ranking("2025", five.clock.today())] == [
        ("XY01", 1, False), ("XY03", 1, False), ("XY04", 1, False), ("YY01", 1, False), ("XY02", 5, True)]


def test_the_december_close_tells_the_admins_whom_to_talk_to(five, services):
    Period.create(key="2026-12", status=PeriodStatus.PUBLISHED)
    close_period(services, "2026-12")
    notice = OutboxMessage.get(OutboxMessage.key.startswith("close:2026-12:admins")).payload
    assert "连续两年（2025、2026）排名后三位，建议约谈：外国语学院（XY02）" in notice


def test_an_area_liaison_ranks_their_own_area_only(five):
    assert say(five, "排名 2026-11", "pq-nan").splitlines()[0] == "2026年11月排名（南校园，3 个组织，按得分率）："
    assert say(five, "排名 2026-11 片区 北校园", "pq-nan") == "片区联络员只能查看本片区（南校园）的排名。"


@pytest.mark.parametrize("typed, said", [
    ("排名 2026-10..2026-11", "排名按月、季度、半年或年度，例：排名 2026-12、排名 2026Q4、排名 2026H2、排名 2026。"),
    ("排名 近两个月", "排名按月、季度、半年或年度，例：排名 2026-12、排名 2026Q4、排名 2026H2、排名 2026。"),
    ("排名 2026-11 类型 党校", "没有类型为“党校”的组织。"),
    ("排名 2026-11 片区 火星", "没有片区“火星”的组织。"),
    ("排名 2026-11 片区", "排名 [月份 或 季度 或 半年 或 年份] [类型 学院 | 片区 名称]，例：排名 2026Q4 类型 学院"),
    ("排名 2027-03", "2027年3月排名（全部）还没有得分：没有月报。"),
])
def test_what_cannot_be_ranked_is_said_in_one_line(five, typed, said):
    assert say(five, typed).splitlines()[0] == said


def test_a_secretary_ranks_every_org_only_once_the_office_publishes_the_ranking(five):
    assert Chat("sec-xy01", five).send("排名 2026-11") == [m.RANK_NOT_PUBLISHED]
    published = Chat("sec-xy01", dataclasses.replace(five, publish_ranking=True))
    assert published.send("排名 2026-11") == ["\n".join([
        "2026年11月排名（全部，5 个组织，按得分率）：",
        "1. 中文系（XY03）40/40 · 100%",
        "1. 历史系（XY04）40/40 · 100%",
        "1. 附属第一医院（YY01）40/40 · 100%",
        "4. 外国语学院（XY02）35/40 · 88% 【后三位】",
        "5. 岭南学院（XY01）30/40 · 75% 【后三位】 ← 本组织"])]
    assert published.send("排名 2026H2")[0].splitlines()[0] == "2026年下半年排名（全部，5 个组织，按得分率）："
    assert published.send("排名 2026-13") == [m.RANK_WINDOWS]
