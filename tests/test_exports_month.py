"""The month's Excel file read back: besides the answers, part three (who wrote what, where it went,
what came back), every org's progress, and 统计's figures over the month or a window."""
from __future__ import annotations

import datetime

import openpyxl
import pytest

import settings
from app import create_app
from jobs import exports
from models import Department, Entry, Feedback, Org, Person, Report
from models.clock import Clock

AT = datetime.datetime(2026, 12, 6, 2, 0)


@pytest.fixture
def december(db):
    """Two orgs in 2026-11 and 2026-12: XY01 reported and wrote part three, XY02 did nothing."""
    organisation = Department.create(name="组织部")
    first = Org.create(code="XY01", name="岭南学院", type="学院", area="南校园")
    second = Org.create(code="XY02", name="哲学学院", type="学院", area="南校园")
    writer = Person.create(userid="sec-xy01", name="张书记", roles=["secretary"], org=first)
    answerer = Person.create(userid="dept-zzb", name="李部长", roles=["liaison"], department=organisation)
    for period in ("2026-11", "2026-12"):
        for org in (first, second):
            report = Report.create(org=org, period=period, created_at=AT,
                                   status="submitted" if org == first else "open")
            Entry.create(report=report, position=1, status="done" if org == first else None,
                         note="已开展" if org == first else "")
    report = Report.get(Report.org == first, Report.period == "2026-12")
    Feedback.create(report=report, kind="highlight", text="主题党日走进社区", created_by=writer, created_at=AT)
    Feedback.create(report=report, kind="difficulty", text="活动经费不足", department=organisation,
                    created_by=writer, created_at=AT, answer="已协调", answered_by=answerer,
                    answered_at=AT + datetime.timedelta(days=1))
    Feedback.create(report=report, kind="suggestion", text="简化报表", created_by=writer, created_at=AT,
                    acknowledged_at=AT + datetime.timedelta(days=2))
    return report


def sheet_rows(path, name: str) -> list[list]:
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(path)[name].iter_rows()]


def test_part_three_progress_and_the_summary_are_in_the_month_file(december, tmp_path):
    path = tmp_path / "m.xlsx"
    assert exports.month("2026-12", path, local=Clock("Asia/Shanghai").local) == 2
    assert openpyxl.load_workbook(path).sheetnames[-3:] == ["亮点困难建议", "进度", "统计"]
    assert sheet_rows(path, "亮点困难建议") == [
        ["组织编号", "组织", "类别", "内容", "部门", "填写人", "填写时间", "回复", "回复人", "回复时间"],
        ["XY01", "岭南学院", "亮点", "主题党日走进社区", "", "张书记", "2026-12-06 10:00", "", "", ""],
        ["XY01", "岭南学院", "困难", "活动经费不足", "组织部", "张书记", "2026-12-06 10:00", "已协调", "李部长",
         "2026-12-07 10:00"],
        ["XY01", "岭南学院", "建议", "简化报表", "", "张书记", "2026-12-06 10:00", "已知悉", "",
         "2026-12-08 10:00"]]
    assert sheet_rows(path, "进度")[1:] == [["XY01", "岭南学院", "南校园", "学院", "已提交", 1, 1, ""],
                                          ["XY02", "哲学学院", "南校园", "学院", "未开始", 0, 1, ""]]
    summary = [row[0] for row in sheet_rows(path, "统计")]
    assert summary[0] == "2026年12月" and summary[1].startswith("2026年12月：2 个组织，已提交 1")
    assert ("根据2026年12月的月报情况统计，反馈的4项内容中，履职亮点1项，占25.0%；反映困难1项，占25.0%；"
            "意见建议1项，占25.0%。") in summary
    assert "按部门：组织部 已回复 1 · 待回复 0 · 未指定部门 已回复 1 · 待回复 0" in summary


def test_one_orgs_file_holds_only_its_own(december, tmp_path):
    path = tmp_path / "m.xlsx"
    exports.month("2026-12", path, "XY02")
    assert sheet_rows(path, "亮点困难建议")[1:] == [] and [r[0] for r in sheet_rows(path, "进度")[1:]] == ["XY02"]


def test_export_month_reads_its_summary_over_a_window(december, db_url, clock, tmp_path):
    config = settings.load(settings.DEMO_CONFIG, env={}).replace(database={"url": db_url})
    runner = create_app(config, clock).test_cli_runner()
    path = tmp_path / "m.xlsx"
    done = runner.invoke(args=["export-month", "2026-12", str(path), "--window", "近两个月"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"{path}: 2 rows; summary: 2026年11月至12月"
    summary = [row[0] for row in sheet_rows(path, "统计")]
    assert summary[:3] == ["2026年11月至12月", "2026年11月至12月统计（逐月）：",
                           "11月 已提交 1/2（50.0%）· 平均完成率 50.0% · 任务达标 0（共 0 项）"]
    assert ("根据两个月的月报情况统计，反馈的5项内容中，履职亮点1项，占20.0%；反映困难1项，占20.0%；"
            "意见建议1项，占20.0%。") in summary
    wrong = runner.invoke(args=["export-month", "2026-12", str(path), "--window", "2026Q7"])
    assert wrong.exit_code == 2 and "不是月份或时段" in wrong.output
