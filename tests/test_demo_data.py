"""The demo data set: realistic, idempotent, and the same as the example files admins see."""
from __future__ import annotations

import datetime
from collections import Counter

import pytest
from docx import Document

import settings
from handlers import reviews
from handlers.router import Context
from jobs import bulletins
from models import Action, Comment, Department, Indicator, Org, Person, Task
from models.demo import DemoDataError, add_demo_judging, demo_rows, load_demo_data
from models.directory import CATEGORIES, ROLE_ADMIN, ROLE_DEPUTY, ROLE_SECRETARY, next_task_code
from models.items import items_for
from models.lists_io import IMPORT_ORDER, KINDS, export_rows, import_file
from models.lists_io.tables import cell_text, read_table
from models.rankings import ranking
from models.schedule import Schedule
from models.scores import scores, shown
from tests.browser import pages_app, sign_in, text
from tests.setups import demo_month


@pytest.fixture
def examples(root):
    return root / "examples"


@pytest.fixture
def examples_period(examples):
    _, rows = read_table(examples / "tasks.xlsx")
    return rows[0][1]["月份"]


def test_demo_data_is_modelled_on_the_source(db):
    load_demo_data("2026-11")
    assert Org.select().count() == 73
    assert {org.type for org in Org.select()} >= {"学院", "直属系", "附属医院"}
    new_colleges = [org for org in Org.select() if "无毕业年级" in org.tags]
    assert 3 <= len(new_colleges) <= 8 and all(org.type == "学院" for org in new_colleges)
    assert [department.name for department in Department.select().order_by(Department.id)] == [
        "组织部", "宣传部", "统战部", "学工部", "工会", "团委", "保卫处", "离退休处"]
    assert all(department.liaisons.count() == 1 for department in Department.select())
    assert {action.category for action in Action.select()} == set(CATEGORIES)
    assert Action.select().where(Action.target.is_null(False)).count() >= 5
    assert Task.select().where(Task.period == "2026-11").count() == 12
    assert Task.select().where(Task.applies_to != "[]").count() >= 2


def test_people_follow_the_account_scheme(db):
    load_demo_data("2026-11")
    assert all(Person.get(Person.userid == userid).has_role(ROLE_ADMIN) for userid in ("dangwei01", "dangwei02"))
    for org in Org.select():
        secretaries = [person.userid for person in org.people if person.has_role(ROLE_SECRETARY)]
        assert secretaries == [f"sec-{org.code.lower()}"]
    deputies = [person for person in Person.select() if person.has_role(ROLE_DEPUTY)]
    assert 10 <= len(deputies) < 73
    assert all(deputy.userid == f"dep-{deputy.org.code.lower()}" for deputy in deputies)


def test_new_colleges_and_hospitals_get_fewer_tasks(db):
    load_demo_data("2026-11")

    def task_count(org):
        return sum(item.kind == "task" for item in items_for(org, "2026-11"))

    assert task_count(Org.get(Org.name == "岭南学院")) == 12
    assert task_count(Org.get(Org.name == "集成电路学院")) == 10
    assert task_count(Org.get(Org.name == "附属第一医院")) == 8


def test_loading_twice_changes_nothing(db):
    load_demo_data("2026-11")
    again = load_demo_data("2026-11")
    assert not any(result.changed for result in again.values())
    assert load_demo_data("2026-12")["tasks"].counts["月度任务"].created == 12


def test_demo_data_needs_its_org_types(db):
    with pytest.raises(DemoDataError, match="未知类型“附属医院”"):
        load_demo_data("2026-11", settings.DirectorySection(org_types=["学院", "直属系"]))
    assert Org.select().count() == 0


def test_example_files_are_the_exported_demo_data(db, examples, examples_period):
    load_demo_data(examples_period)
    for kind in KINDS:
        _, rows = read_table(examples / f"{kind}.xlsx")
        expected = [[cell_text(value) for value in row] for row in export_rows(kind)]
        assert [list(cells.values()) for _, cells in rows] == expected, (
            f"examples/{kind}.xlsx is stale: .venv/bin/python -m models.demo examples {examples_period}")


def test_importing_the_examples_reproduces_the_demo_data(db, examples, examples_period):
    directory = settings.DirectorySection()
    for kind in IMPORT_ORDER:
        assert import_file(kind, examples / f"{kind}.xlsx", directory, progress=False).ok
    before = {kind: export_rows(kind) for kind in KINDS}
    assert not any(result.changed for result in load_demo_data(examples_period).values())
    assert {kind: export_rows(kind) for kind in KINDS} == before


def test_every_demo_task_is_due_by_its_months_deadline():
    schedule = Schedule(settings.load(settings.DEMO_CONFIG, env={}).schedule, "Asia/Shanghai")
    for period in (f"{year}-{month:02d}" for year in range(2026, 2031) for month in range(1, 13)):
        deadline = schedule.deadline(period).isoformat()
        late = [(row["编号"], row["截止日期"]) for row in demo_rows(period)["tasks"] if row["截止日期"] > deadline]
        assert late == [], (period, deadline)


def test_task_codes_are_generated_in_one_format_and_stored_ones_still_count(db):
    load_demo_data("2026-11")
    assert {task.code for task in Task.select()} == {f"T{n:02d}" for n in range(1, 13)}
    assert next_task_code("2026-11") == "T13" and next_task_code("2026-12") == "T01"
    Task.create(period="2027-01", code="T1", title="旧格式的任务")
    Task.create(period="2027-01", code="T99", title="第九十九项")
    assert next_task_code("2027-01") == "T100"
    Task.delete().where(Task.code == "T99").execute()
    assert next_task_code("2027-01") == "T02"


@pytest.fixture
def app(config, redis_client, clock, standin):
    """The app, its pages signing in through the stand-in."""
    return pages_app(config, clock, standin)


def test_the_published_demo_month_has_comments_a_shared_report_scores_and_a_bulletin_from_them(
        client, services, phone, clock, tmp_path):
    clock.set(datetime.datetime(2026, 12, 8, 10, 0))
    demo_month(services, phone, "2026-12")
    made = add_demo_judging("2026-12", clock.utcnow())
    assert add_demo_judging("2026-12", clock.utcnow()) == []            # again: nothing more
    assert Counter(comment.kind for comment in Comment.select()) == {"praise": 3, "problem": 3, "reminder": 1}
    assert [(share.code, share.report.org.code, share.feedback_id is not None, share.anonymous, share.audience)
            for share, _ in made] == [("FX1", "XY02", False, False, "type"), ("FX2", "XY02", True, True, "all")]
    assert len(made[0][1].recipients) == Org.select().where(Org.type == "学院").count() - 1
    codes = dict(Org.select(Org.id, Org.code).tuples())
    found = scores("2026-12", clock.today())
    assert {codes[org]: shown(score.values["1.4"]) for org, score in found.items()
            if codes[org] in ("XY01", "XY02", "XY03", "XY04", "ZS01")} == {
        "XY01": "4", "XY02": "5", "XY03": "3", "XY04": "1", "ZS01": "2"}     # 基础 3, +1 per 表扬, −1 per 问题
    first = ranking("2026-12", clock.today())[0]
    assert (first.org.code, first.place, shown(first.score.total)) == ("XY02", 1, "40")
    sign_in(client, "sec-xy03")
    page = text(client.get("/h5/shared/2"))
    assert "用外语讲好中国故事" in page and "外国语学院" not in page          # the highlight, anonymously
    assert "外国语学院" in text(client.get("/h5/shared/1"))
    bulletin = bulletins.write(tmp_path / "demo.docx", reviews.bulletin("2026H2", Context(clock=clock)))
    said = [p.text for p in Document(str(bulletin)).paragraphs]
    assert "（一）点评指出的问题共 3 条，涉及 2 个组织：" in said
    assert "某学院（2026年12月）：结合外语专业开展“用外语讲好中国故事”主题党日，30 名党员参加。" in said
    ranked = Document(str(bulletin)).tables[1]
    assert [cell.text for cell in ranked.rows[1].cells][:3] == ["1", "外国语学院", "40/40"]


def test_the_demo_tree_weighs_daily_work_40_of_100_with_the_offices_comments_in_it(db):
    load_demo_data("2026-11")
    points = {i.code: (i.name, i.points, i.computation, i.params) for i in Indicator.select()}
    assert (points["1"][1], points["2"][1]) == (40, 60)                                         # seed 004
    assert points["1.4"] == ("点评", 5, "comments", "基础 3 每次 1")
    assert sum(i.points for i in Indicator.select().where(Indicator.parent == "1")) == 40
