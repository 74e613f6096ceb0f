"""The statistics on a hand-built month, the chart (its Chinese font checked), and the Excel files
read back with openpyxl."""
import datetime
import json

import openpyxl
import pytest
from matplotlib import font_manager
from peewee import JOIN

from handlers import stats_views
from jobs import charts, exports
from models import Action, Department, Entry, Feedback, Org, Period, Report, Task
from models.checkin import create_reports
from models.clock import Clock
from models.directory import PeriodStatus
from models.items import items_for_orgs
from models.report import ReportStatus
from models.stats import feedback_figures, month_figures, window_figures

AT = datetime.datetime(2026, 11, 5, 1, 0)


@pytest.fixture
def month(db):
    """The seed's month: 73 orgs, 12 monthly tasks and 2 baseline actions; 55 orgs did 9 tasks or more."""
    organisation = Department.create(name="组织部")
    Action.create(code="A1", category="加强理论学习", title="中心组集体学习", frequency="monthly")
    Action.create(code="A2", category="落实主体责任", title="书记讲党课", frequency="yearly", target=2, unit="次")
    for n in range(1, 13):
        Task.create(period="2026-11", code=f"T{n}", title=f"任务{n}", department=organisation)
    orgs = [Org.create(code=f"O{n:02d}", name=f"组织{n}", type="学院", area="南校园" if n % 2 else "北校园")
            for n in range(73)]
    Period.create(key="2026-11", status=PeriodStatus.PUBLISHED, remind_on=datetime.date(2026, 11, 25))
    create_reports("2026-11", items_for_orgs(orgs, "2026-11"), AT)
    answered = []
    for number, org in enumerate(orgs):
        report = Report.get(Report.org == org)
        tasks_done = 9 + number % 4 if number < 55 else number % 9        # 55 orgs: 9-12 done; 18: 0-8
        for entry in (Entry.select(Entry, Task, Action).join(Task, JOIN.LEFT_OUTER).switch(Entry)
                      .join(Action, JOIN.LEFT_OUTER).where(Entry.report == report)):
            if entry.task_id:
                entry.status = "done" if int(entry.task.code[1:]) <= tasks_done else "deferred"
            elif entry.action.code == "A1":
                entry.status = "not_applicable" if number % 10 == 0 else "done"
            else:
                entry.status, entry.amount = ("done", 2) if number < 30 else ("in_progress", 1)
            answered.append(entry)
        report.status, report.late = (ReportStatus.SUBMITTED, number % 20 == 0) if number < 70 else ("open", False)
        report.save()
    Entry.bulk_update(answered, fields=[Entry.status, Entry.amount], batch_size=100)
    for number in range(8):
        Feedback.create(report=Report.get(Report.org == orgs[number]), created_at=AT,
                        kind=("highlight", "difficulty", "suggestion", "difficulty")[number % 4], text=f"反馈{number}",
                        department=organisation if number % 4 else None, answer="已办" if number == 1 else "")
    return orgs


def test_the_seeds_sentence_comes_out_exactly(month):
    figures = month_figures("2026-11")
    assert stats_views.task_sentence(figures) == "73 个组织中，55 个完成了 12 项月度任务中的 9 项以上，占 75.3%。"
    assert (figures.orgs, figures.submitted, figures.late, figures.missing) == (73, 70, 4, 3)


def test_the_month_in_figures(month):
    text = stats_views.month_text(month_figures("2026-11"), feedback_figures(["2026-11"])).splitlines()
    assert text[0] == "2026年11月：73 个组织，已提交 70（95.9%，其中逾期 4），未提交 3。"
    assert text[1] == "查看情况：未查看 3 · 已查看未提交 0 · 已提交 70。"       # no cards went out here
    assert text[4] == "按类别完成率：主体责任 41.1% · 理论学习 100.0% · 月度任务 74.0%"
    assert text[5].startswith("最常顺延或未完成：任务12 ")
    assert text[6] == "书记讲党课：30/73 个组织已达目标 2"
    assert text[7] == ("根据2026年11月的月报情况统计，反馈的8项内容中，履职亮点2项，占25.0%；反映困难4项，占50.0%；"
                       "意见建议2项，占25.0%。")
    assert text[8] == "困难和建议：部门已回复 1，待回复 5。"
    assert text[9] == "按部门：组织部 已回复 1 · 待回复 5"


def test_the_year_by_month(month):
    months = window_figures("2026-01", "2026-12")
    text = stats_views.window_text(stats_views.window("2026", "2026-11"), months,
                                   feedback_figures(["2026-11"])).splitlines()
    assert text[:2] == ["2026年统计（逐月）：",
                        "11月 已提交 70/73（95.9%）· 平均完成率 73.3% · 任务达标 55（共 12 项）"]


def test_the_chart_is_drawn_in_a_chinese_font(tmp_path):
    family = charts.cjk_family()
    resolved = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert resolved.endswith("NotoSansCJKsc-Regular.otf") and "DejaVu" not in resolved
    path = charts.bars_and_line(tmp_path / "c.png", "2026年11月 各片区提交与完成率", ["南校园", "北校园"],
                                [37, 36], [35, 35], [0.8, 0.7])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_the_month_export_reads_back(month, tmp_path):
    Org.update(name='=HYPERLINK("http://evil","点我")').where(Org.code == "O00").execute()
    path = tmp_path / "m.xlsx"
    rows = exports.month("2026-11", path, local=Clock().local)
    assert rows == 73 * 14
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "全部" and "理论学习" in book.sheetnames and "月度任务" in book.sheetnames
    sheet = book["全部"]
    assert [c.value for c in sheet[1]][:8] == ["组织编号", "组织", "片区", "类型", "序号", "类别", "事项", "状态"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:N")
    first = [c.value for c in sheet[2]]
    assert first[:2] == ["O00", '=HYPERLINK("http://evil","点我")'] and sheet["B2"].data_type == "s"
    assert sheet["H2"].value == "已完成" and sheet["H2"].fill.fgColor.rgb.endswith("C6EFCE")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert book["月度任务"].max_row == 73 * 12 + 1


def test_the_year_overview_reads_back(month, tmp_path):
    Entry.update(note="已在支部大会上传达").where(Entry.task.is_null(False)).execute()
    path = tmp_path / "y.xlsx"
    assert exports.year(2026, path) == 73
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["汇总", "O00"] and len(book.sheetnames) == 74
    summary = book["汇总"]
    assert [c.value for c in summary[1]][:5] == ["组织编号", "组织", "片区", "类型", "1月"]
    assert summary["O2"].value == "⏰" and summary["O3"].value == "✅"        # O00 late, O01 on time (11月)
    sheet = book["O00"]
    titles = [sheet.cell(row, 2).value for row in range(2, sheet.max_row + 1)]
    assert titles[:2] == ["书记讲党课", "中心组集体学习"] and titles[2:] == [f"任务{n}" for n in range(1, 13)]
    lecture = sheet.cell(2, 13)                                              # 11月
    assert lecture.value == "已完成 2" and lecture.fill.fgColor.rgb.endswith("C6EFCE")
    assert sheet.cell(2, 15).value == "2/2 次"
    assert sheet.cell(4, 16).value == "11月：已在支部大会上传达" and sheet.cell(4, 13).comment is None   # 备注
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert json.dumps([c.value for c in sheet[1]], ensure_ascii=False).count("月") == 12
