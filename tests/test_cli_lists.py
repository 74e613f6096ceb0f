"""The list commands as an admin runs them: flask import / export / demo-data."""
from __future__ import annotations

import datetime

import pytest

import settings
from app import create_app
from models import Org, Rectification, Task
from models.lists_io.tables import read_table


@pytest.fixture
def cli(db_url, clock):
    config = settings.load(settings.DEMO_CONFIG, env={}).replace(database={"url": db_url})
    runner = create_app(config, clock).test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_demo_data_loads_once_and_reports_what_changed(cli):
    first = cli("demo-data", "--period", "2026-11")
    assert first.exit_code == 0, first.output
    assert "组织:新增 73,更新 0,未变 0" in first.stdout
    again = cli("demo-data", "--period", "2026-11")
    assert "组织:新增 0,更新 0,未变 73" in again.stdout
    assert "演示数据已就绪,月度任务月份 2026-11" in again.stdout


def test_demo_data_defaults_to_this_month_in_china(cli, clock):
    clock.set(datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC))      # 04:00 on New Year's Day there
    assert cli("demo-data").exit_code == 0
    assert {task.period for task in Task.select()} == {"2027-01"}


def test_demo_data_refuses_a_bad_period(cli):
    result = cli("demo-data", "--period", "2026-13")
    assert result.exit_code == 2
    assert "应为 2026-11 这样的月份" in result.output


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_round_trip(cli, tmp_path, suffix):
    cli("demo-data", "--period", "2026-11")
    path = tmp_path / f"orgs{suffix}"
    exported = cli("export", "orgs", str(path))
    assert exported.exit_code == 0
    assert exported.stdout.strip() == f"已导出组织 73 行到 {path}"
    imported = cli("import", "orgs", str(path))
    assert imported.exit_code == 0
    assert imported.stdout.strip() == "组织:新增 0,更新 0,未变 73;人员:新增 0,更新 0,未变 78"


def test_import_prints_every_error_and_exits_non_zero(cli, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("编号,名称,类型,规模,标签,片区,书记账号,书记姓名,联络员账号,联络员姓名\n"
                    "XY01,岭南学院,学院,,,,,,,\nXY02,新学院,学校,,,,,,,\nXY01,重复,学院,,,,,,,\n",
                    encoding="gbk")
    result = cli("import", "orgs", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "第 3 行「类型」:未知类型“学校”,可选:学院、直属系、附属医院、机关部门、直属单位",
        "第 4 行「编号」:与第 2 行重复",
        "组织:3 行中发现 2 处错误,未做任何更改",
    ]
    assert Org.select().count() == 0


def test_a_file_of_bad_rows_shows_the_first_fifty_errors(cli, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("编号,名称,类型,规模,标签,片区,书记账号,书记姓名,联络员账号,联络员姓名\n"
                    + "".join(f"X{n},学院{n},学校,,,,,,,\n" for n in range(300)), encoding="utf-8")
    lines = cli("import", "orgs", str(path)).stderr.splitlines()
    assert len(lines) == 52 and lines[0].startswith("第 2 行「类型」:未知类型“学校”")
    assert lines[-2:] == ["……另有 250 处错误未列出", "组织:300 行中发现 300 处错误,未做任何更改"]


def test_import_of_an_unreadable_file_exits_non_zero(cli, tmp_path):
    path = tmp_path / "orgs.xls"
    path.write_bytes(b"old excel")
    result = cli("import", "orgs", str(path))
    assert (result.exit_code, result.stderr.strip()) == (1, "orgs.xls:只支持 .xlsx 和 .csv 文件")


def test_unknown_kind_is_a_usage_error(cli, tmp_path):
    assert cli("import", "branches", str(tmp_path / "x.csv")).exit_code == 2


def test_a_task_due_after_the_months_deadline_is_imported_with_a_warning(cli, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_text("月份,编号,标题,内容,来源部门,截止日期,适用类型\n"
                    "2026-12,T01,年终总结,,,2026-12-30,\n2026-12,T02,安全检查,,,2026-12-25,\n", encoding="utf-8")
    result = cli("import", "tasks", str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "提醒：第 2 行「截止日期」:12-30 晚于该月月报截止日 12-25，月报只能报告届时的进展",
        "月度任务:新增 2,更新 0,未变 0"]
    assert [task.code for task in Task.select().order_by(Task.code)] == ["T01", "T02"]


def test_rectifications_import_all_or_nothing_and_export_with_their_state(cli, tmp_path, clock):
    clock.set(datetime.datetime(2026, 11, 10, 9, 0))
    cli("demo-data", "--period", "2026-11")
    path = tmp_path / "rectifications.csv"
    head = "编号,组织编号,来源,问题,整改措施,责任人,整改时限\n"
    path.write_text(head + "ZG20,XY01,巡察,问题一,措施,张三,2026-12-31\n"
                    "ZG21,ZZ99,检查,问题二,措施,张三,12月20日\nZG22,XY02,自查,问题三,措施,张三,2026-11-09\n",
                    encoding="utf-8")
    result = cli("import", "rectifications", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "第 3 行「组织编号」:未知组织“ZZ99”",
        "第 3 行「来源」:未知来源“检查”,可选:巡视、巡察、督查、述职评议、点评、自查",
        "第 3 行「整改时限」:日期“12月20日”无法识别,请写成 2026-11-20",
        "第 4 行「整改时限」:2026-11-09 早于发现问题的日期 2026-11-10", "整改清单:3 行中发现 4 处错误,未做任何更改"]
    assert not Rectification.select().where(Rectification.code == "ZG20").exists()
    path.write_text(head + "ZG20,XY01,巡察,问题一,措施,张三,2026-12-31\n", encoding="utf-8")
    assert cli("import", "rectifications", str(path)).stdout.strip() == "整改清单:新增 1,更新 0,未变 0"
    listed = Rectification.get(Rectification.code == "ZG20")
    assert (listed.found_on, listed.state, [e.by for e in listed.events]) == (datetime.date(2026, 11, 10), "open",
                                                                              ["import"])
    exported = tmp_path / "out.xlsx"
    assert cli("export", "rectifications", str(exported)).exit_code == 0
    headers, rows = read_table(exported)
    assert headers == ["编号", "组织编号", "来源", "问题", "整改措施", "责任人", "整改时限", "状态", "销号日期",
                       "发现日期"]
    by_code = {cells["编号"]: cells for _, cells in rows}
    assert (by_code["ZG07"]["状态"], by_code["ZG07"]["销号日期"]) == ("已销号", "2026-11-01")
    assert (by_code["ZG05"]["状态"], by_code["ZG20"]["状态"], by_code["ZG20"]["销号日期"]) == ("待验收", "整改中", "")
    again = cli("import", "rectifications", str(exported))
    assert again.stdout.strip() == "整改清单:新增 0,更新 0,未变 13"
    assert Rectification.get(Rectification.code == "ZG07").state == "closed"


def test_indicators_import_as_one_document_and_export_back(cli, tmp_path):
    cli("demo-data", "--period", "2026-11")
    path = tmp_path / "indicators.csv"
    head = "编号,上级编号,名称,分值,周期,计算方式,参数,适用类型\n"
    path.write_text(head + "1,,日常工作,40,月度,,,\n1.1,1,完成率,30,月度,完成率,,\n1.2,1,按时提交,5,月度,按时,,\n",
                    encoding="utf-8")
    result = cli("import", "indicators", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "第 2 行「分值」:下级分值之和 35 不等于 40",
        "第 4 行「计算方式」:未知计算方式“按时”,可选:完成率、按时提交、整改按期销号、手工评分、点评",
        "考评指标:3 行中发现 2 处错误,未做任何更改"]
    path.write_text(head + "1,,日常工作,40,月度,,,\n1.1,1,完成率,30,月度,完成率,,\n1.2,1,按时提交,10,月度,按时提交,,\n",
                    encoding="utf-8")
    assert cli("import", "indicators", str(path)).stdout.strip() == "考评指标:整体替换:新增 0,更新 1,未变 2,删除 5"
    exported = tmp_path / "out.xlsx"
    assert cli("export", "indicators", str(exported)).stdout.strip() == f"已导出考评指标 3 行到 {exported}"
    assert cli("import", "indicators", str(exported)).stdout.strip() == "考评指标:整体替换:新增 0,更新 0,未变 3,删除 0"
