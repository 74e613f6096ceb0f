"""工作台: an admin's month on one page, on the demo directory (73 orgs, admins dangwei01/02, area
liaisons pq-*, department liaisons dept-*), December published on the 8th. Its buttons run the
group's own commands (催办, 导出, 统计): the same answer, the same messages and background jobs, the
same audit (place "h5")."""
from __future__ import annotations

import datetime
import io
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from redis.exceptions import ConnectionError as RedisDown
from rq import Queue

from handlers import messages as m
from models import AuditEntry, Entry, Org, OutboxMessage, Report
from tests.browser import pages_app, post, sign_in, text
from tests.chat import show
from tests.setups import demo_month, run_worker

PERIOD = "2026-12"
REMIND, EXPORT, CHART = "/h5/desk/remind", f"/h5/desk/{PERIOD}/export", f"/h5/desk/{PERIOD}/chart"


@pytest.fixture
def app(config, redis_client, clock, standin):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    return pages_app(config, clock, standin)


@pytest.fixture
def published(client, services, phone):
    demo_month(services, phone, PERIOD)


def follow(client, response) -> str:
    """A button that went through: the desk again, with the command's answer as its notice."""
    assert response.status_code == 303 and response.headers["Location"] == f"/h5/desk/{PERIOD}#notice"
    return text(client.get(response.headers["Location"]))


def admin_jobs(services) -> list[tuple[str, dict]]:
    jobs = [services.queue.fetch_job(job_id) for job_id in services.queue.job_ids]
    return [(job.func_name, job.kwargs) for job in jobs if job.func_name.startswith("jobs.admin.")]


def test_an_admin_sees_the_month_by_area_and_type_and_its_statistics(client, published):
    sign_in(client, "dangwei01")
    assert "工作台" in text(client.get("/h5/"))
    shown = text(client.get("/h5/desk"))
    assert "2026年12月工作台" in shown and "已提交 0/73，填报中 0，未开始 73" in shown
    by_area = shown[shown.index("按片区"):shown.index("按类型")]
    for area, orgs in Counter(org.area or m.NO_AREA for org in Org.select()).items():
        assert f"{area} 0 0 {orgs} 0 {orgs}" in by_area
    by_type = shown[shown.index("按类型"):shown.index("未提交的组织")]
    for type_, orgs in Counter(org.type for org in Org.select()).items():
        assert f"{type_} 0 0 {orgs} 0 {orgs}" in by_type
    assert "未提交的组织（73）" in shown and "岭南学院 （XY01）· 未开始 · 0/" in shown
    assert "短信：已发 77 · 失败 0 · 待发 0 · 跳过 11（退订 1，无手机号 10，超上限 0）" in shown     # with the cards
    assert shown.count("催办") == 73
    assert "2026年12月：73 个组织，已提交 0（0.0%，其中逾期 0），未提交 73。" in shown
    assert "完成后由月报助手私聊发给您，刷新本页也可下载" in shown and "导出本月" in shown and "导出全年" in shown
    assert "下载 " not in shown


def test_remind_one_org_from_the_desk_as_the_group_does(client, services, phone, published):
    sign_in(client, "dangwei01")
    before = len(phone.messages(userid="sec-xy01"))
    shown = follow(client, post(client, REMIND, org="XY01"))
    assert "已提醒 1 人（1 个组织）；今天已提醒过的 0 人不再重复。" in shown
    audit = AuditEntry.get(AuditEntry.command == "催办")
    assert (audit.userid, audit.place, audit.text, audit.outcome) == ("dangwei01", "h5", "催办 XY01", "ok")
    assert "陈静 · 工作台 · 催办 XY01 · 完成" in shown
    assert OutboxMessage.select().where(OutboxMessage.key == "remind-now:2026-12:20261208:sec-xy01").count() == 1
    run_worker(services)
    received = [show(message) for message in phone.messages(userid="sec-xy01")[before:]]
    assert len(received) == 1 and "提醒" in received[0] and received[0].endswith("| [继续填报]")
    again = follow(client, post(client, REMIND, org="XY01"))
    assert "XY01 今天已提醒过，明天可再催办。" in again                 # a no-op says why
    assert post(client, REMIND, org="NOPE").status_code == 400
    assert post(client, REMIND, org="").status_code == 400
    assert AuditEntry.select().count() == 2


def test_export_queues_the_groups_job_and_the_file_reaches_the_admins_chat(client, services, phone, published):
    sign_in(client, "dangwei01")
    shown = follow(client, post(client, EXPORT, what="month"))
    assert "正在生成2026年12月月报，完成后私聊发给您。" in shown
    assert admin_jobs(services) == [("jobs.admin.export_month", {"period": PERIOD, "org": None, "to": "dangwei01"})]
    audit = AuditEntry.get(AuditEntry.command == "导出")
    assert (audit.place, audit.text, audit.outcome) == ("h5", f"导出 {PERIOD}", "ok")
    run_worker(services)
    received = phone.messages(userid="dangwei01")
    assert [(m_["msgtype"], m_["media"]["filename"]) for m_ in received if m_["media"]] == [
        ("file", "2026年12月月报.xlsx")]
    assert "2026年12月月报.xlsx 已生成（" in "\n".join(show(message) for message in received)


def test_the_files_made_are_offered_on_the_desk(client, services, published):
    sign_in(client, "dangwei01")
    for kind in ("month", "year", "chart"):
        missing = client.get(f"/h5/desk/{PERIOD}/files/{kind}")
        assert missing.status_code == 404 and "这个文件还没有生成" in text(missing)
    post(client, EXPORT, what="month"), post(client, EXPORT, what="year"), post(client, CHART)
    run_worker(services)
    shown = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "下载 2026年12月月报.xlsx" in shown and "下载 2026年度工作一览表.xlsx" in shown
    assert shown.count(" 生成") == 3
    month = client.get(f"/h5/desk/{PERIOD}/files/month")
    assert month.status_code == 200 and month.headers["Cache-Control"] == "no-store"
    assert "attachment" in month.headers["Content-Disposition"] and "2026%E5%B9%B412%E6%9C%88" in month.headers[
        "Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(month.data), read_only=True).worksheets[0]
    assert sheet.max_row == 1 + Entry.select().count()
    chart = client.get(f"/h5/desk/{PERIOD}/files/chart")
    assert chart.status_code == 200 and chart.mimetype == "image/png" and chart.data.startswith(b"\x89PNG")
    assert client.get(f"/h5/desk/{PERIOD}/files/secrets").status_code == 404
    assert client.get(f"/h5/desk/{PERIOD}/files/..%2Fconfig").status_code == 404
    assert not list(Path(services.config.app.files_dir).glob(".*"))        # no half-written file left behind


def test_the_half_years_bulletin_and_the_years_review_are_made_sent_and_offered(client, services, published, phone):
    sign_in(client, "dangwei01")
    for what, said in (("bulletin", "正在生成2026年下半年通报（Word），完成后私聊发给您。"),
                       ("review", "正在生成2026年述职评议表，完成后私聊发给您。")):
        assert said in follow(client, post(client, EXPORT, what=what))
    run_worker(services)
    received = phone.messages(userid="dangwei01")
    assert [(m["msgtype"], m["media"]["filename"]) for m in received if m["media"]] == [
        ("file", "2026年下半年党建月报工作情况通报.docx"), ("file", "2026年述职评议表.xlsx")]
    shown = text(client.get(f"/h5/desk/{PERIOD}"))
    assert "下载 2026年下半年党建月报工作情况通报.docx" in shown and "下载 2026年述职评议表.xlsx" in shown
    bulletin = Document(io.BytesIO(client.get(f"/h5/desk/{PERIOD}/files/bulletin").data))
    assert [p.text for p in bulletin.paragraphs[:4]] == [
        "关于2026年下半年党建月报工作情况的通报", "各二级党组织：", "现将2026年下半年党建月报工作情况通报如下。",
        "一、总体情况"]
    review = openpyxl.load_workbook(io.BytesIO(client.get(f"/h5/desk/{PERIOD}/files/review").data), read_only=True)
    assert review.sheetnames[:2] == ["汇总", "DW01 图书馆"] and len(review.sheetnames) == 1 + Org.select().count()


def test_the_year_and_the_chart_are_queued_as_the_group_queues_them(client, services, published):
    sign_in(client, "dangwei01")
    assert "正在生成2026年度工作一览表，完成后私聊发给您。" in follow(client, post(client, EXPORT, what="year"))
    shown = follow(client, post(client, CHART))
    assert "图表稍后完成后私聊发给您。" in shown
    assert admin_jobs(services) == [("jobs.admin.export_year", {"year": 2026, "org": None, "to": "dangwei01"}),
                                    ("jobs.admin.chart", {"period": PERIOD, "to": "dangwei01"})]
    assert [(a.place, a.text) for a in AuditEntry.select().order_by(AuditEntry.id)] == [
        ("h5", "导出 2026"), ("h5", f"统计 {PERIOD}")]


def test_without_redis_the_admin_is_told_the_export_did_not_start(client, services, published, monkeypatch):
    sign_in(client, "dangwei01")

    def refuse(*args, **kwargs):
        raise RedisDown("down")

    monkeypatch.setattr(Queue, "enqueue_many", refuse)
    shown = follow(client, post(client, EXPORT, what="month"))
    assert m.JOB_NOT_STARTED in shown and "正在生成" not in shown


@pytest.mark.parametrize("who", ["sec-xy01", "pq-gznan", "dept-zzb"])
def test_only_admins_open_the_desk(client, services, published, who):
    sign_in(client, who)
    assert "工作台" not in text(client.get("/h5/"))
    outbox = OutboxMessage.select().count()
    for response in (client.get("/h5/desk"), client.get(f"/h5/desk/{PERIOD}"), post(client, REMIND, org="XY01"),
                     post(client, EXPORT, what="month"), post(client, CHART),
                     client.get(f"/h5/desk/{PERIOD}/files/month")):
        assert response.status_code == 403 and "此页面不对您开放" in text(response)
    assert AuditEntry.select().count() == 0 and admin_jobs(services) == []
    assert OutboxMessage.select().count() == outbox


def test_without_the_csrf_token_nothing_is_done(client, services, published):
    sign_in(client, "dangwei01")
    outbox = OutboxMessage.select().count()
    for path, form in ((REMIND, {"org": "XY01"}), (EXPORT, {"what": "month"}), (CHART, {})):
        response = client.post(path, data=form)
        assert response.status_code == 400 and "页面已过期" in text(response)
    assert AuditEntry.select().count() == 0 and admin_jobs(services) == []
    assert OutboxMessage.select().count() == outbox


def test_a_month_not_published_says_so(client, published):
    sign_in(client, "dangwei01")
    shown = text(client.get("/h5/desk/2026-10"))
    assert "2026年10月尚未发布，没有进度可看。" in shown and "未提交的组织" not in shown
    assert client.get("/h5/desk/2026-13").status_code == 404


def test_an_admin_reads_an_orgs_month_from_the_desk(client, services, published):
    sign_in(client, "dangwei01")
    secretary = client.application.test_client()
    sign_in(secretary, "sec-xy01")
    report = Report.get(Report.org == Org.get(Org.code == "XY01"), Report.period == PERIOD)
    second = Entry.get(Entry.report == report, Entry.position == 2)
    assert post(secretary, f"/h5/report/{PERIOD}/answer", entry=second.id, status="in_progress",
                note="已制定学习计划").status_code == 303
    desk = client.get(f"/h5/desk/{PERIOD}").get_data(as_text=True)
    assert f'href="/h5/orgs/XY01/{PERIOD}">岭南学院</a>' in desk
    shown = client.get(f"/h5/orgs/XY01/{PERIOD}")
    page = text(shown)
    assert shown.status_code == 200 and "岭南学院 · 填报中" in page and "已答 1/" in page
    assert "推进中" in page and "备注：已制定学习计划" in page
    assert "保存" not in page and "提交月报" not in page and "添加" not in page and "工作台" in page
    for missing in (f"/h5/orgs/NOPE/{PERIOD}", "/h5/orgs/XY01/2026-10", "/h5/orgs/XY01/2026-13"):
        refused = client.get(missing)
        assert refused.status_code == 404 and "没有这个月的月报。" in text(refused)


def test_the_statistics_over_the_windows_of_the_group_command(client, published):
    Entry.update(note="已开展").where(Entry.position == 1).execute()
    sign_in(client, "dangwei01")
    month = text(client.get("/h5/desk"))
    assert "本月 · 近三个月 · 本季度 · 本半年 · 全年" in month
    assert "根据2026年12月的月报情况统计，反馈的73项内容中，履职亮点0项，占0.0%；" in month
    quarter = text(client.get(f"/h5/desk/{PERIOD}?stats=近三个月"))
    assert "2026年第四季度统计（逐月）：" in quarter and "12月 已提交 0/73（0.0%）" in quarter
    assert "2026年下半年统计（逐月）：" in text(client.get(f"/h5/desk/{PERIOD}?stats=2026H2"))
    assert "2026年统计（逐月）：" in text(client.get(f"/h5/desk/{PERIOD}?stats=2026"))
    wrong = client.get(f"/h5/desk/{PERIOD}?stats=2026Q9")
    assert wrong.status_code == 404 and "不是月份或时段" in text(wrong)
