"""统计 over a window of months (近三个月, 2026-10..2026-12, 2026Q4, 2026H2, 2026), and the written
content counted as the source document counts it: notes on items and part three together."""
import datetime

import pytest

from handlers import admin, stats_views
from handlers.errors import UserError
from handlers.replies import Background, Text
from handlers.router import Context
from models import Department, Entry, Feedback, Org, Person, Report
from models.clock import Clock

AT = datetime.datetime(2026, 12, 1, 2, 0)
SEED_000 = "反馈的654项内容中，履职亮点119项，占18.2%；反映困难71项，占10.9%；意见建议56项，占8.6%"


@pytest.fixture
def ctx(db):
    Person.create(userid="dangwei01", name="王老师", roles=["admin"])
    return Context(clock=Clock("Asia/Shanghai", at=datetime.datetime(2026, 12, 20, 9, 30)),
                   admin_userids=frozenset({"dangwei01"}), pages="https://yb.example/h5/")


@pytest.fixture
def three_months(ctx):
    """12 orgs × 2026-09..2026-12, 12 items a report; over October to December 408 notes, 119
    highlights, 71 difficulties and 56 suggestions; September's writing lies outside the window."""
    organisation = Department.create(name="组织部")
    orgs = [Org.create(code=f"O{n:02d}", name=f"组织{n}", type="学院") for n in range(12)]
    reports = {(org.id, period): Report.create(org=org, period=period, status="submitted", created_at=AT)
               for period in ("2026-09", "2026-10", "2026-11", "2026-12") for org in orgs}
    inside = [r for (_, period), r in reports.items() if period != "2026-09"]
    notes = iter(range(408))
    rows = [{"report": r, "position": p, "status": "done",
             "note": "已完成" if period != "2026-09" and next(notes, None) is not None else ""}
            for (_, period), r in reports.items() for p in range(1, 13)]
    Entry.insert_many(rows).execute()
    Entry.update(note="九月的备注").where(Entry.report == reports[orgs[0].id, "2026-09"]).execute()
    written = [("highlight", None)] * 119 + [("difficulty", organisation)] * 70 + [("difficulty", None)]
    written += [("suggestion", organisation)] * 56
    Feedback.insert_many([{"report": inside[n % len(inside)], "kind": kind, "text": f"内容{n}", "department": to,
                           "created_at": AT} for n, (kind, to) in enumerate(written)]).execute()
    Feedback.create(report=reports[orgs[0].id, "2026-09"], kind="highlight", text="九月", created_at=AT)
    return orgs


def run(text: str, ctx) -> list:
    return admin.run(text, Person.get(Person.userid == "dangwei01"), ctx, "app")


def said(replies) -> str:
    return "\n".join(r.content for r in replies if isinstance(r, Text))


def test_three_months_give_the_seeds_sentence_exactly(three_months, ctx):
    text = said(run("统计 近三个月", ctx)).splitlines()
    assert text[0] == "2026年第四季度统计（逐月）："
    assert text[1].startswith("10月 已提交 12/12（100.0%）")
    assert text[4] == f"根据三个月的月报情况统计，{SEED_000}。"
    assert text[5] == "困难和建议：部门已回复 0，待回复 127。"
    assert text[6] == "按部门：组织部 已回复 0 · 待回复 126 · 未指定部门 已回复 0 · 待回复 1"
    assert text[-1].endswith('href="https://yb.example/h5/desk/2026-12?stats=2026-10..2026-12">在网页中查看</a>')


@pytest.mark.parametrize("word", ["2026-10..2026-12", "2026Q4", "2026q4", "2026-10至2026-12", "近3个月"])
def test_every_way_of_naming_the_quarter_counts_the_same(three_months, ctx, word):
    assert f"根据三个月的月报情况统计，{SEED_000}。" in said(run(f"统计 {word}", ctx)).splitlines()


def test_a_half_year_and_a_year_count_the_months_they_hold(three_months, ctx):
    half = said(run("统计 2026H2", ctx)).splitlines()
    assert half[0] == "2026年下半年统计（逐月）："
    assert half[5].startswith("根据四个月的月报情况统计，反馈的667项内容中，履职亮点120项，占18.0%；")   # + September
    year = run("统计 2026", ctx)
    assert said(year).splitlines()[0] == "2026年统计（逐月）："
    assert [r.job for r in year if isinstance(r, Background)] == ["jobs.admin.chart"]     # a year's chart follows


def test_one_month_as_before_with_its_own_sentence(three_months, ctx):
    replies = run("统计 2026-12", ctx)
    assert "根据2026年12月的月报情况统计，反馈的" in said(replies)
    assert [(r.job, r.kwargs["period"]) for r in replies if isinstance(r, Background)] == [
        ("jobs.admin.chart", "2026-12")]
    assert said(run("统计", ctx)) == said(replies)


@pytest.mark.parametrize("word", ["2026Q5", "2026H3", "近十三个月", "2026-12..2026-10", "2020..2026", "上月"])
def test_what_is_no_window_gets_the_usage(ctx, word):
    text = said(run(f"统计 {word}", ctx))
    assert text.startswith(f"“{word}”不是月份或时段") and "例：统计 2026-12" in text


@pytest.mark.parametrize(("word", "first", "last", "label"), [
    ("2026-1", "2026-01", "2026-01", "2026年1月"),
    ("2026Q2", "2026-04", "2026-06", "2026年第二季度"),
    ("2026H1", "2026-01", "2026-06", "2026年上半年"),
    ("近两个月", "2026-11", "2026-12", "2026年11月至12月"),
    ("近十二个月", "2026-01", "2026-12", "2026年"),
    ("2026-11..2027-02", "2026-11", "2027-02", "2026年11月至2027年2月"),
])
def test_windows_and_their_names(word, first, last, label):
    span = stats_views.window(word, "2026-12")
    assert (span.first, span.last, span.label) == (first, last, label)


def test_a_window_with_no_reports_says_so(ctx):
    with pytest.raises(UserError):
        stats_views.window("2026-00", "2026-12")
    assert said(run("统计 2025Q1", ctx)).startswith("2025年第一季度还没有可统计的月报。")
