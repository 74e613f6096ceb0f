"""The pages in a real browser: Debian's Chromium driven by Playwright, against the app served over
HTTP and the WeCom stand-in, on the demo directory with December published. Signing in goes through
WeCom's OAuth2 redirect as in the WeCom client. Every page is photographed at a phone's size
(390 × 844, the whole page's length) into $YUEBAO_SCREENSHOTS, else the test's own folder, and must
fit the phone's width."""
from __future__ import annotations

import datetime
import io
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from app import create_app
from models import Department, Entry, Feedback, Org, Person, Report
from models.checkin import add_feedback
from models.demo import DEMO_SECRETARY
from models.report import EntryStatus, ReportStatus
from tests.chat import Phone
from tests.setups import demo_month, run_worker

pytestmark = pytest.mark.slow
PERIOD = "2026-12"
PHONE = {"width": 390, "height": 844}
# As root, without a sandbox; and none of Chromium's own traffic, which this machine's closed network refuses.
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium():
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("Chromium is not installed (./dev test installs it with apt where it can)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def app(config, redis_client, clock, standin, live_port):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    pages = {"oauth_base_url": f"{standin.url}/connect/oauth2/authorize", "public_url": f"http://127.0.0.1:{live_port}"}
    return create_app(config.replace(pages=pages), clock)


@pytest.fixture
def site(live_app, services, phone):
    demo_month(services, phone, PERIOD)
    return live_app


@pytest.fixture
def browse(chromium, request, tmp_path):
    """open(userid): a new phone-sized browser signed in as `userid` through WeCom's OAuth2 redirect,
    and shoot(page, name): the page photographed, checked to fit the phone's width."""
    folder = Path(os.environ.get("YUEBAO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    contexts, refused = [], []

    def open_as(site: str, userid: str):
        context = chromium.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                       locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda said: refused.append(said.text) if "Content Security Policy" in said.text else None)
        page.goto(site + "/h5/")
        expect(page.get_by_text("以谁的身份打开？")).to_be_visible()
        page.get_by_role("link", name=userid, exact=True).click()
        expect(page).to_have_url(site + "/h5/")
        return page

    def shoot(page, name: str) -> Path:
        path = folder / f"{re.sub(r'[^A-Za-z0-9]+', '-', request.node.name).strip('-')}-{name}.png"
        page.screenshot(path=path, full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} is wider than a phone"
        styled = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
        assert styled == "rgb(198, 47, 47)" and refused == [], name     # the page's <style> applies under its CSP
        with Image.open(path) as image:
            assert image.width == PHONE["width"] and image.height >= PHONE["height"]
        return path

    yield open_as, shoot
    for context in contexts:
        context.close()


def test_a_secretary_answers_submits_in_the_browser_and_the_chat_sees_the_same(site, browse, services, phone):
    open_as, shoot = browse
    page = open_as(site, DEMO_SECRETARY)
    expect(page.locator("main")).to_contain_text("您好，")
    shoot(page, "home")
    page.get_by_role("link", name="我的月报").click()
    expect(page.locator("h1")).to_have_text("2026年12月月报")
    shoot(page, "report")

    answers = [("已完成", EntryStatus.DONE, ""), ("推进中", EntryStatus.IN_PROGRESS, ""),
               ("不涉及", EntryStatus.NOT_APPLICABLE, "本月没有新生入学")]
    for position, (label, _, reason) in enumerate(answers, 1):
        item = page.locator("section.item").nth(position - 1)
        item.locator("summary").click()
        item.get_by_label(label, exact=True).check()
        if item.locator("input[name=amount]").count():
            item.locator("input[name=amount]").fill("1")
        item.locator("textarea[name=reason]").fill(reason)
        item.get_by_role("button", name="保存").click()
        expect(page.locator(".flash")).to_have_text(f"已修改第 {position} 项：{label}。")
    page.get_by_placeholder("本月的履职亮点").fill("组织师生赴红色教育基地开展主题党日，参与 120 人")
    page.get_by_role("button", name="添加").click()
    expect(page.locator(".flash")).to_have_text("已记录。")

    page.get_by_role("button", name="提交月报").click()
    report = Report.get(Report.org == Org.get(Org.code == "XY01"), Report.period == PERIOD)
    items = Entry.select().where(Entry.report == report).count()
    expect(page.locator("#submit .error")).to_contain_text(f"还有 {items - 3} 项未答")
    shoot(page, "confirm")
    page.get_by_role("button", name="确定提交").click()
    expect(page.locator(".flash")).to_contain_text("✅ 2026年12月月报已提交。")
    shoot(page, "submitted")
    page.get_by_role("link", name="我的年度").click()
    expect(page.locator("main")).to_contain_text("年度")
    shoot(page, "year")

    report = Report.get_by_id(report.id)
    assert (report.status, report.submitted_by.userid) == (ReportStatus.SUBMITTED, DEMO_SECRETARY)
    assert [(e.status, e.reason) for e in Entry.select().where(Entry.report == report, Entry.position <= 3)
            .order_by(Entry.position)] == [(status, reason) for _, status, reason in answers]
    assert [f.text for f in Feedback.select().where(Feedback.report == report)] == [
        "组织师生赴红色教育基地开展主题党日，参与 120 人"]
    chat = Phone(phone, services, DEMO_SECRETARY)
    chat.read()
    assert chat.send("进度")[0].startswith(f"已答 3/{items} 项（已完成 1，推进中 1，不涉及 1）\n未完成 {items - 3} 项")
    assert "已提交" in chat.send("继续")[0]


def test_an_admin_opens_the_desk_and_downloads_the_month(site, browse, services):
    open_as, shoot = browse
    page = open_as(site, "dangwei01")
    shoot(page, "home")
    page.get_by_role("link", name="工作台").click()
    expect(page.locator("main")).to_contain_text("已提交 0/73，填报中 0，未开始 73")
    page.get_by_role("link", name="岭南学院").click()
    expect(page.locator("h2").first).to_have_text("岭南学院 · 未开始")
    assert page.locator("section.item form").count() == 0 and page.locator("section.item").count() > 0    # read,
    assert page.locator("form[action*='/comments']").count() == 1           # not answered; the office comments
    shoot(page, "org")
    page.go_back()
    page.locator("#left li", has_text="岭南学院").get_by_role("button", name="催办").click()
    expect(page.locator(".flash")).to_contain_text("已提醒 1 人")

    page.get_by_role("button", name="导出本月").click()
    expect(page.locator(".flash")).to_contain_text("正在生成2026年12月月报")
    page.get_by_role("button", name="发送统计图").click()
    run_worker(services)
    page.reload()
    chart = page.get_by_role("img", name="2026年12月统计图.png")
    expect(chart).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", chart.element_handle()) > 0
    shoot(page, "desk")
    with page.expect_download() as arrived:
        page.get_by_role("link", name="下载 2026年12月月报.xlsx").click()
    download = arrived.value
    assert download.suggested_filename == "2026年12月月报.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True).worksheets[0]
    assert sheet.max_row == 1 + Entry.select().count()


def test_a_department_liaison_answers_a_difficulty_in_place(site, browse, services, phone, clock):
    open_as, shoot = browse
    secretary = Person.get(Person.userid == DEMO_SECRETARY)
    report = Report.get(Report.org == secretary.org, Report.period == PERIOD)
    add_feedback(report, "difficulty", "活动经费报销流程较慢", secretary, clock.utcnow(),
                 Department.get(Department.name == "组织部"))
    chat = Phone(phone, services, DEMO_SECRETARY)
    chat.read()

    page = open_as(site, "dept-zzb")
    page.get_by_role("link", name="困难和建议").click()
    waiting = page.locator("section", has_text="活动经费报销流程较慢")
    expect(waiting).to_contain_text("岭南学院")
    shoot(page, "inbox")
    waiting.locator("textarea[name=text]").fill("已与财务处沟通，下周起开通绿色通道")
    waiting.get_by_role("button", name="回复").click()
    expect(page.locator(".flash")).to_have_text("已回复，书记会收到。")
    shoot(page, "answered")
    assert any("已与财务处沟通，下周起开通绿色通道" in line for line in chat.read())
