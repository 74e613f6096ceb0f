"""我的月报 and 我的年度: a secretary or deputy fills in the month on the page, through the chat's own
rules and writes, and the chat then shows the same report; the messages the chat would send go out
too. The month is published as the cycle does (tests/conversation.py's lists: 1 讲授党课 counted,
2 中心组集体学习, 3 安全检查 counted, 4 and 5 tasks of 组织部); 哲学学院 (ORG01) has a secretary and
a deputy, 历史学院 (ORG02) a secretary of its own."""
from __future__ import annotations

import datetime
import re

import openpyxl
import pytest

from bot.dispatch import context
from jobs import exports
from jobs.publish import publish_period
from models import Action, Department, Entry, EntryChange, Feedback, Org, Period, Person, Report, Task
from models.report import EntryStatus, ReportStatus
from tests.browser import csrf_token, pages_app, post, sign_in, text
from tests.chat import Phone
from tests.conversation import Chat, seed_lists
from tests.setups import run_worker

PERIOD = "2026-11"
ANSWER, FEEDBACK, SUBMIT = (f"/h5/report/{PERIOD}/{form}" for form in ("answer", "feedback", "submit"))


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 11, 10, 9, 30))
    return pages_app(config, clock, standin)


@pytest.fixture(autouse=True)
def members(phone):
    phone.add_members(["sec01", "dep01", "sec02", "zzb01", "dangwei01", "dangwei02"])


@pytest.fixture
def month(client, services):
    """November published on the 10th, its cards delivered; returns 哲学学院's report."""
    org = seed_lists(PERIOD)
    other = Org.create(code="ORG02", name="历史学院", type="学院")
    Person.create(userid="sec02", name="陈书记", roles=["secretary"], org=other)
    Person.create(userid="zzb01", name="赵联络员", roles=["liaison"], department=Department.get(name="组织部"))
    publish_period(services, PERIOD)
    run_worker(services)
    return Report.get(Report.org == org)


def entry(position: int, org: str = "ORG01") -> Entry:
    return Entry.select().join(Report).join(Org).where(Org.code == org, Entry.position == position).get()


def follow(client, response) -> str:
    """A change that went through: the month's page again, which says so."""
    assert response.status_code == 303 and response.headers["Location"].startswith(f"/h5/report/{PERIOD}#")
    return text(client.get(response.headers["Location"]))


def test_the_month_is_shown_by_category_with_what_the_chat_answered(client, services, month):
    chat = Chat("dep01", context(services))
    chat.send("改 2")
    chat.send("1")
    sign_in(client, "sec01")
    page = client.get("/h5/report")
    shown = text(page)
    assert "2026年11月月报" in shown and "哲学学院 · 填报中" in shown
    assert "已答 1/5 项（已完成 1） 未答 4 项：第 1、3-5 项" in shown and "2. 中心组集体学习 已完成" in shown
    order = ["落实主体责任", "1. 讲授党课", "加强理论学习", "2. 中心组集体学习", "安全工作", "3. 安全检查",
             "月度任务", "4. 报送主题教育总结", "5. 毕业生就业帮扶", "亮点 · 困难 · 建议", "提交月报"]
    assert [shown.index(part) for part in order] == sorted(shown.index(part) for part in order)
    assert page.get_data(as_text=True).count('class="badge s-none">未答<') == 4 and "本年已完成 0/2 次" in shown


def test_a_secretary_fills_in_the_month_and_the_chat_sees_it(client, services, month):
    sign_in(client, "sec01")
    refused = post(client, ANSWER, entry=entry(1).id, status=EntryStatus.DONE)
    assert refused.status_code == 200 and "请回复 0 到 100 之间的整数，例如 2。" in text(refused)
    assert entry(1).status is None
    after = follow(client, post(client, ANSWER, entry=entry(1).id, status=EntryStatus.DONE, amount="2",
                                note="为师生讲授党课"))
    assert "已修改第 1 项：已完成。" in after and "本年已完成 2/2 次" in after and "备注：为师生讲授党课" in after
    follow(client, post(client, ANSWER, entry=entry(2).id, status=EntryStatus.IN_PROGRESS, note="已制定学习计划"))
    refused = post(client, ANSWER, entry=entry(5).id, status=EntryStatus.NOT_APPLICABLE, reason=" ")
    assert "第 5 项选择了“不涉及”，请简要说明原因：" in text(refused)
    assert entry(5).status is None
    follow(client, post(client, ANSWER, entry=entry(5).id, status=EntryStatus.NOT_APPLICABLE,
                        reason="本学院今年没有毕业生"))
    after = follow(client, post(client, FEEDBACK, kind="highlight", text="组织师生赴延安开展主题教育"))
    assert "已记录。" in after and "【亮点】组织师生赴延安开展主题教育" in after

    confirm = post(client, SUBMIT)
    assert "还有 2 项未答（第 3-4 项），提交后记为“未完成”。确定提交吗？" in text(confirm)
    assert Report.get_by_id(month.id).status == ReportStatus.OPEN
    after = follow(client, post(client, SUBMIT, confirm="1"))
    assert "✅ 2026年11月月报已提交。11月30日前仍可在本页或聊天中修改。" in after and "张书记 11-10 09:30 提交" in after

    chat = Chat("sec01", context(services))
    assert chat.send("进度") == ["已答 3/5 项（已完成 1，推进中 1，不涉及 1）\n未完成 2 项：第 3-4 项（提交时未答）"]
    assert chat.send("继续") == ["2026年11月月报已提交。11月30日前可发“改 N”修改。"]
    report = Report.get_by_id(month.id)
    assert (report.status, report.submitted_by.userid, report.late) == (ReportStatus.SUBMITTED, "sec01", False)
    history = [(c.entry.position, c.status, c.amount, c.note, c.reason, c.changed_by.userid)
               for c in EntryChange.select().order_by(EntryChange.id)]
    assert history == [(1, EntryStatus.DONE, 2, "为师生讲授党课", "", "sec01"),
                       (2, EntryStatus.IN_PROGRESS, None, "已制定学习计划", "", "sec01"),
                       (5, EntryStatus.NOT_APPLICABLE, None, "", "本学院今年没有毕业生", "sec01"),
                       (3, EntryStatus.NOT_DONE, None, "", "", "sec01"),
                       (4, EntryStatus.NOT_DONE, None, "", "", "sec01")]
    assert [(f.kind, f.text, f.created_by.userid) for f in Feedback.select()] == [
        ("highlight", "组织师生赴延安开展主题教育", "sec01")]


def test_the_cards_and_the_submitter_hear_what_the_chat_would_tell_them(app, client, services, phone, month):
    sign_in(client, "sec01")
    follow(client, post(client, SUBMIT, confirm="1"))
    run_worker(services)
    for userid in ("sec01", "dep01"):
        notice = next(m for m in phone.messages(userid=userid) if m["card"] and m["card"]["title"].endswith("已发布"))
        assert notice["card"]["replaced_name"] == "已提交"
    secretary = Phone(phone, services, "sec01")
    secretary.read()

    deputy = app.test_client()
    sign_in(deputy, "dep01")
    shown = text(deputy.get("/h5/report"))
    assert "哲学学院 · 已提交" in shown and "张书记 11-10 09:30 提交" in shown and "未完成 5 项：第 1-5 项" in shown
    follow(deputy, post(deputy, ANSWER, entry=entry(2).id, status=EntryStatus.DONE))
    assert secretary.read() == ["李副书记修改了您已提交的2026年11月月报第 2 项：已完成。"]
    assert Chat("sec01", context(services)).send("我的月历").pop().splitlines()[2] == "✅ 2. 中心组集体学习 · 已完成"


def test_a_difficulty_reaches_the_department_it_is_for(client, services, phone, month):
    sign_in(client, "sec01")
    organisation = Department.get(name="组织部")
    after = follow(client, post(client, FEEDBACK, kind="difficulty", text="缺少活动经费", department=organisation.id))
    assert "已记录，并转给组织部。" in after and "【困难】缺少活动经费 → 组织部" in after
    follow(client, post(client, FEEDBACK, kind="highlight", text="主题党日", department=organisation.id))
    assert [(f.kind, f.department_id) for f in Feedback.select().order_by(Feedback.id)] == [
        ("difficulty", organisation.id), ("highlight", None)]
    card = Phone(phone, services, "zzb01").read()[0]
    assert card.startswith("【困难】哲学学院 · 2026年11月 | 张书记 填写 | 缺少活动经费")
    refused = post(client, FEEDBACK, kind="suggestion", text="无")
    assert refused.status_code == 200 and "没有收到内容。" in text(refused) and Feedback.select().count() == 2


def test_a_report_is_seen_and_changed_by_its_own_orgs_fillers_only(app, client, month):
    sign_in(client, "sec02")
    assert "历史学院 · 未开始" in text(client.get(f"/h5/report/{PERIOD}"))
    for form in ({"status": EntryStatus.DONE}, {"status": EntryStatus.NOT_APPLICABLE, "reason": "伪造"}):
        refused = post(client, ANSWER, entry=entry(2).id, **form)
        assert refused.status_code == 403 and "只能修改本组织的月报。" in text(refused)
    assert post(client, ANSWER, entry="abc", status=EntryStatus.DONE).status_code == 403
    assert (entry(2).status, EntryChange.select().count()) == (None, 0)
    follow(client, post(client, ANSWER, entry=entry(2, "ORG02").id, status=EntryStatus.DONE))
    assert (entry(2, "ORG02").status, entry(2).status) == (EntryStatus.DONE, None)
    admin = app.test_client()
    sign_in(admin, "dangwei01")
    for path in ("/h5/report", "/h5/year"):
        assert admin.get(path).status_code == 403
    assert client.get("/h5/report/2026-12").status_code == 404


def test_forms_without_the_csrf_token_change_nothing(client, month):
    sign_in(client, "sec01")
    token = csrf_token(client)
    for path, form in ((ANSWER, {"entry": entry(2).id, "status": EntryStatus.DONE}),
                       (FEEDBACK, {"kind": "highlight", "text": "亮点"}), (SUBMIT, {"confirm": "1"})):
        for given in ({}, {"csrf_token": token[:-1]}):
            refused = client.post(path, data={**form, **given})
            assert refused.status_code == 400 and "页面已过期" in text(refused)
    assert (entry(2).status, Feedback.select().count(), Report.get_by_id(month.id).status) == (
        None, 0, ReportStatus.OPEN)


def test_a_closed_month_is_read_only(client, month):
    Period.update(status="closed").execute()
    sign_in(client, "sec01")
    shown = text(client.get("/h5/report"))
    assert "2026年11月月报已截止，只能查看。" in shown and "已截止，未提交" in shown
    assert "保存" not in shown and "提交月报" not in shown and "添加" not in shown
    for path, form in ((ANSWER, {"entry": entry(2).id, "status": EntryStatus.DONE}), (SUBMIT, {"confirm": "1"})):
        refused = post(client, path, **form)
        assert refused.status_code == 403 and "已截止，只能查看" in text(refused)
    assert (entry(2).status, Report.get_by_id(month.id).status) == (None, ReportStatus.OPEN)


YEAR = {    # month → the report's status, and (item code, status, amount) of its entries
    "2026-09": (ReportStatus.SUBMITTED, [("A2", EntryStatus.IN_PROGRESS, 1), ("A1", EntryStatus.DONE, None),
                                         ("A3", EntryStatus.DEFERRED, None)]),
    "2026-10": (ReportStatus.MISSING, [("A2", EntryStatus.DONE, 1), ("A1", EntryStatus.NOT_APPLICABLE, None),
                                       ("A3", None, None), ("T1", EntryStatus.NOT_DONE, None),
                                       ("T2", EntryStatus.DONE, None)]),
    "2026-11": (ReportStatus.OPEN, [("A1", None, None)]),
}


def seed_year(org: Org) -> None:
    items = {**{a.code: {"action": a} for a in Action.select()}, **{t.code: {"task": t} for t in Task.select()}}
    for period, (state, answers) in YEAR.items():
        Period.create(key=period, status="published" if state == ReportStatus.OPEN else "closed")
        report = Report.create(org=org, period=period, status=state, created_at=datetime.datetime(2026, 9, 1))
        for position, (code, status, amount) in enumerate(answers, 1):
            Entry.create(report=report, position=position, status=status, amount=amount, **items[code])


def year_cells(response) -> dict:
    """Each row's title → its twelve cells as (colour class, what the cell says when tapped)."""
    rows = re.findall(r'<th class="item">([^<]+)(.*?)</tr>', response.get_data(as_text=True), re.S)
    cell = re.compile(r'<td class="s-(\w+)" title="([^"]*)">')
    return {title: found for title, cells in rows if (found := cell.findall(cells))}


def test_the_year_page_colours_each_month_as_the_excel_export_writes_it(client, people, tmp_path):
    seed_lists("2026-10")
    seed_year(people["org"])
    sign_in(client, "sec01")
    page = client.get("/h5/year")
    shown, cells = text(page), year_cells(page)
    assert "2026年度一览" in shown and "哲学学院" in shown and "全年 2/2 次" in shown
    colours = {title: {n: kind for n, (kind, _) in enumerate(row, 1) if kind != "blank"}
               for title, row in cells.items()}
    assert colours == {"讲授党课": {9: "in_progress", 10: "done"},
                       "中心组集体学习": {9: "done", 10: "not_applicable", 11: "open"},
                       "安全检查": {9: "deferred", 10: "missing"}, "报送主题教育总结": {10: "not_done"},
                       "毕业生就业帮扶": {10: "done"}}
    exports.year(2026, tmp_path / "year.xlsx", "ORG01")
    sheet = openpyxl.load_workbook(tmp_path / "year.xlsx")["ORG01"]
    written = {row[1]: [value or "" for value in row[2:14]] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert written == {title: [said.partition("：")[2] for _, said in row] for title, row in cells.items()}
    assert "没有这一年的年度一览。" in text(client.get("/h5/year/2025"))


def test_the_month_page_shows_the_orgs_score_to_its_secretary_and_to_admins(app, client, month):
    import settings
    from models.demo import demo_rows
    from models.lists_io import import_rows

    sign_in(client, "sec01")
    assert "本月得分" not in text(client.get(f"/h5/report/{PERIOD}"))          # no indicators yet
    assert import_rows("indicators", list(enumerate(demo_rows(PERIOD)["indicators"], 2)),
                       settings.DirectorySection()).ok
    shown = text(client.get(f"/h5/report/{PERIOD}"))
    assert ("本月得分 哲学学院2026年11月得分 18/40 1 日常工作 18/40 · 1.1 完成率 0/20 扣 4 分：第 1 项未完成" in shown
            and "等 5 项" not in shown and "· 1.2 按时提交 10/10 · 1.3 整改按期销号 5/5 · 1.4 点评 3/5 "
            "基础 3 分，每条表扬加 1 分、问题扣 1 分" in shown)
    office = app.test_client()
    sign_in(office, "dangwei01")
    assert "本月得分 哲学学院（ORG01）2026年11月得分 18/40" in text(office.get(f"/h5/orgs/ORG01/{PERIOD}"))
