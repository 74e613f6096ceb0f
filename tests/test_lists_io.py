"""Import and export of the lists: every kind, encodings, round trips, idempotence, all-or-nothing."""
from __future__ import annotations

import datetime
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

import settings
from models import Action, Department, Org, Person, Task
from models.directory import ROLE_LIAISON, ROLE_SECRETARY
from models.lists_io import IMPORT_ORDER, KINDS, TableError, export_file, export_rows, import_file, tables
from models.lists_io.cells import RowError

DEPARTMENTS = [{"名称": "组织部", "联络人账号": "dept-zzb", "联络人姓名": "王芳"},
               {"名称": "学工部", "联络人账号": "dept-xgb、dept-xgb2", "联络人姓名": "周婷、陈晨"}]
ORGS = [
    {"编号": "XY01", "名称": "岭南学院", "类型": "学院", "规模": "党委", "标签": "", "片区": "南校园",
     "书记账号": "sec-xy01", "书记姓名": "王建华", "联络员账号": "pq-nan", "联络员姓名": "黄丽华"},
    {"编号": "XY02", "名称": "集成电路学院", "类型": "学院", "规模": "党总支", "标签": "新建院系、无毕业年级",
     "片区": "深圳校区", "书记账号": "sec-xy02", "书记姓名": "李志强"},
    {"编号": "YY01", "名称": "附属第一医院", "类型": "附属医院", "规模": "", "片区": "南校园"},
]
PEOPLE = [{"账号": "dangwei01", "姓名": "陈静", "角色": "管理员"},
          {"账号": "dep-xy01", "姓名": "赵敏", "角色": "副书记", "所属组织编号": "XY01"},
          {"账号": "pq-sz", "姓名": "郑雅琴", "角色": "联络人", "片区": "深圳校区"}]
ACTIONS = [
    {"编号": "A01", "类别": "加强理论学习", "名称": "讲党课", "要求": "每年不少于 2 次", "频次": "每年",
     "目标": 2, "单位": "次", "适用类型": ""},
    {"编号": "A02", "类别": "基层组织建设", "名称": "专题研究学生党建", "频次": "每半年",
     "适用类型": "学院,直属系, 非无毕业年级"},
]
TASKS = [
    {"月份": "2026-11", "编号": "T01", "标题": "报送党员发展计划", "内容": "报送下一年度计划", "来源部门": "组织部",
     "截止日期": "2026-11-15", "适用类型": ""},
    {"月份": datetime.datetime(2026, 11, 1), "编号": "T02", "标题": "推进毕业生就业", "来源部门": "学工部",
     "截止日期": datetime.datetime(2026, 11, 25), "适用类型": "学院、非无毕业年级"},
]
RECTIFICATIONS = [
    {"编号": "ZG01", "组织编号": "XY01", "来源": "巡察", "问题": "学习制度执行不严", "整改措施": "制定学习计划",
     "责任人": "王建华", "整改时限": "2026-12-31", "发现日期": "2026-10-20"},
    {"编号": "zg02", "组织编号": "YY01", "来源": "督查", "问题": "台账不全", "责任人": "党委副书记",
     "整改时限": datetime.datetime(2027, 1, 15), "发现日期": "2026-11-02"},
]
INDICATORS = [
    {"编号": "1", "上级编号": "", "名称": "日常工作", "分值": 40, "周期": "月度", "计算方式": "", "参数": "",
     "适用类型": ""},
    {"编号": "1.1", "上级编号": "1", "名称": "完成率", "分值": 37.5, "周期": "月度", "计算方式": "完成率", "参数": "",
     "适用类型": ""},
    {"编号": "1.2", "上级编号": "1", "名称": "述职", "分值": "2.5", "周期": "年度", "计算方式": "手工评分", "参数": "",
     "适用类型": "学院、附属医院"},
]
BASE = {"departments": DEPARTMENTS, "orgs": ORGS, "people": PEOPLE, "actions": ACTIONS, "tasks": TASKS,
        "rectifications": RECTIFICATIONS, "indicators": INDICATORS}


@pytest.fixture
def directory():
    return settings.DirectorySection()


def write(path, kind, rows, encoding="utf-8"):
    """Write rows the way an admin's Excel would: every header, cells as typed."""
    headers = getattr(KINDS[kind], "EXPORT_HEADERS", KINDS[kind].HEADERS)
    if path.suffix == ".xlsx":
        workbook = Workbook()
        workbook.active.append(headers)
        for row in rows:
            workbook.active.append([row.get(header) for header in headers])
        workbook.save(path)
    else:
        lines = [",".join(headers)]
        lines += [",".join(_csv_cell(row.get(header)) for header in headers) for row in rows]
        path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def _csv_cell(value) -> str:
    text = value.strftime("%Y/%m/%d") if isinstance(value, datetime.datetime) else str(value or "")
    return f'"{text}"' if "," in text else text


def load(tmp_path, directory, kind, rows, suffix=".xlsx", encoding="utf-8"):
    path = write(tmp_path / f"{kind}{suffix}", kind, rows, encoding)
    return import_file(kind, path, directory, progress=False)


@pytest.fixture
def base(db, tmp_path, directory):
    """Every list imported from CSV files: quicker to write and read than .xlsx, which the round trips cover."""
    for kind in IMPORT_ORDER:
        result = load(tmp_path, directory, kind, BASE[kind], suffix=".csv")
        assert result.ok, [str(error) for error in result.errors]


def snapshot():
    return {kind: export_rows(kind) for kind in KINDS}


@pytest.mark.parametrize("typed", ["新建院系，无毕业年级", "新建院系,无毕业年级", "新建院系；无毕业年级",
                                   "新建院系 ; 无毕业年级", "新建院系\n无毕业年级"])
def test_a_list_in_a_cell_is_split_at_any_separator_a_keyboard_gives(db, tmp_path, directory, typed):
    orgs = [{**org, "标签": typed} if org["编号"] == "XY02" else org for org in ORGS]
    for kind in ("departments", "orgs"):
        assert load(tmp_path, directory, kind, orgs if kind == "orgs" else DEPARTMENTS).ok
    assert Org.get(Org.code == "XY02").tags == ["新建院系", "无毕业年级"]
    assert export_rows("orgs")[1][4] == "新建院系、无毕业年级"


def test_every_kind_lands_in_the_model(base):
    lingnan = Org.get(Org.code == "XY01")
    assert (lingnan.type, lingnan.area, Org.get(Org.code == "YY01").size_class) == ("学院", "南校园", "党委")
    assert Org.get(Org.code == "XY02").tags == ["新建院系", "无毕业年级"]
    secretary = Person.get(Person.userid == "sec-xy01")
    assert (secretary.roles, secretary.org_id, secretary.name) == ([ROLE_SECRETARY], lingnan.id, "王建华")
    liaison = Person.get(Person.userid == "pq-nan")
    assert (liaison.roles, liaison.area) == ([ROLE_LIAISON], "南校园")
    assert Person.get(Person.userid == "dep-xy01").roles == ["deputy"]
    assert sorted(p.userid for p in Department.get(Department.name == "学工部").liaisons) == [
        "dept-xgb", "dept-xgb2"]
    lecture, students = Action.get(Action.code == "A01"), Action.get(Action.code == "A02")
    assert (lecture.frequency, lecture.target, lecture.unit) == ("yearly", 2, "次")
    assert (students.applies_to, students.excludes, students.target) == (["学院", "直属系"], ["无毕业年级"], None)
    employment = Task.get(Task.code == "T02")
    assert (employment.period, employment.due_date, employment.department.name) == (
        "2026-11", datetime.date(2026, 11, 25), "学工部")


@pytest.mark.parametrize("suffix, encoding", [
    (".csv", "utf-8"), (".csv", "utf-8-sig"), (".csv", "gbk"), (".xlsx", None)])
def test_csv_in_every_encoding_excel_writes(db, tmp_path, directory, suffix, encoding):
    load(tmp_path, directory, "departments", DEPARTMENTS)
    result = load(tmp_path, directory, "orgs", ORGS, suffix, encoding)
    assert result.ok and result.counts["组织"].created == 3
    assert Org.get(Org.code == "XY02").name == "集成电路学院"
    result = load(tmp_path, directory, "tasks", TASKS, suffix, encoding)
    assert result.ok and Task.get(Task.code == "T02").due_date == datetime.date(2026, 11, 25)


def test_reimport_is_idempotent(base, tmp_path, directory):
    before = snapshot()
    for kind in IMPORT_ORDER:
        result = load(tmp_path, directory, kind, BASE[kind], suffix=".csv")
        assert result.ok and not result.changed, result.summary()
    assert snapshot() == before
    assert Org.select().count() == 3 and Task.select().count() == 2


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_changes_nothing(base, tmp_path, directory, suffix):
    before = snapshot()
    for kind in IMPORT_ORDER:
        path = tmp_path / f"export-{kind}{suffix}"
        assert export_file(kind, path) == len(before[kind])
        result = import_file(kind, path, directory, progress=False)
        assert result.ok and not result.changed, (kind, result.summary(), result.errors)
    assert snapshot() == before


FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
            "'引号开头"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_exported_names_never_run_as_formulas_and_import_back(base, tmp_path, directory, suffix):
    for code, name in zip(("XY01", "XY02", "YY01"), FORMULAS, strict=False):      # three orgs, the first formulas
        Org.update(name=name).where(Org.code == code).execute()
    Department.update(name=FORMULAS[4]).where(Department.name == "学工部").execute()
    Person.update(name=FORMULAS[5]).where(Person.userid == "sec-xy01").execute()
    before = snapshot()
    for kind in IMPORT_ORDER:
        path = tmp_path / f"export-{kind}{suffix}"
        export_file(kind, path)
        if suffix == ".xlsx":
            cells = [cell for row in load_workbook(path).worksheets[0].iter_rows() for cell in row]
            assert all(cell.data_type != "f" for cell in cells), kind
        else:
            assert not any(line.startswith(("=", "+", "-", "@")) or any(f",{c}" in line for c in "=+-@")
                           for line in path.read_text(encoding="utf-8-sig").splitlines()), kind
        result = import_file(kind, path, directory, progress=False)
        assert result.ok and not result.changed, (kind, result.summary(), result.errors)
    assert snapshot() == before
    assert Org.get(Org.code == "XY01").name == FORMULAS[0]


def test_nul_and_control_characters_are_not_stored(db, tmp_path, directory):
    load(tmp_path, directory, "departments", DEPARTMENTS)
    orgs = [{**row, "名称": "集成\x00电路\x07学院"} if row["编号"] == "XY02" else row for row in ORGS]
    assert load(tmp_path, directory, "orgs", orgs, ".csv").ok
    assert Org.get(Org.code == "XY02").name == "集成电路学院"


def test_reimport_updates_in_place(base, tmp_path, directory):
    orgs = [dict(ORGS[0], 名称="岭南学院(新)", 书记账号="sec-new", 书记姓名="孙新"), *ORGS[1:]]
    result = load(tmp_path, directory, "orgs", orgs)
    assert (result.counts["组织"].updated, result.counts["组织"].created) == (1, 0)
    assert Org.get(Org.code == "XY01").name == "岭南学院(新)"
    assert Person.get(Person.userid == "sec-new").roles == [ROLE_SECRETARY]
    assert Person.get(Person.userid == "sec-xy01").roles == []
    actions = [dict(ACTIONS[0], 目标="", 频次="每季度"), dict(ACTIONS[1], 目标="3", 适用类型="")]
    assert load(tmp_path, directory, "actions", actions).counts["基础动作"].updated == 2
    lecture, students = Action.get(Action.code == "A01"), Action.get(Action.code == "A02")
    assert (lecture.target, lecture.frequency, students.target, students.excludes) == (
        None, "quarterly", 3, [])
    tasks = [dict(TASKS[0], 来源部门="", 截止日期=""), dict(TASKS[1], 来源部门="组织部")]
    assert load(tmp_path, directory, "tasks", tasks).counts["月度任务"].updated == 2
    assert (Task.get(Task.code == "T01").department, Task.get(Task.code == "T01").due_date) == (None, None)


def test_department_liaisons_are_replaced(base, tmp_path, directory):
    departments = [dict(DEPARTMENTS[1], 联络人账号="dept-xgb", 联络人姓名="周婷")]
    assert load(tmp_path, directory, "departments", departments).ok
    assert Person.get(Person.userid == "dept-xgb2").department is None
    assert Person.get(Person.userid == "dept-xgb2").roles == []
    assert Person.get(Person.userid == "dept-zzb").department.name == "组织部"


def test_imports_leave_active_alone_and_exports_skip_inactive(base, tmp_path, directory):
    Org.update(active=False).where(Org.code == "YY01").execute()
    assert [row[0] for row in export_rows("orgs")] == ["XY01", "XY02"]
    assert load(tmp_path, directory, "orgs", ORGS).ok
    assert not Org.get(Org.code == "YY01").active


def test_a_file_with_one_bad_row_changes_nothing(base, tmp_path, directory):
    before = snapshot()
    orgs = [dict(ORGS[0], 名称="改了"), {"编号": "XY09", "名称": "新学院", "类型": "学院"},
            {"编号": "XY10", "名称": "坏行", "类型": "学校"}]
    result = load(tmp_path, directory, "orgs", orgs)
    assert result.errors == [RowError(4, "类型", "未知类型“学校”,可选:学院、直属系、附属医院、机关部门、直属单位")]
    assert result.summary() == "组织:3 行中发现 1 处错误,未做任何更改"
    assert snapshot() == before and Org.select().count() == 3


def test_blank_rows_are_skipped_and_row_numbers_stay_as_excel_shows(db, tmp_path, directory):
    path = tmp_path / "orgs.csv"
    path.write_text("编号,名称,类型,备注\nXY01,岭南学院,学院,多余的列\n,,,\n\nXY02,新学院,学校,\n", encoding="gbk")
    result = import_file("orgs", path, directory)
    assert result.errors == [RowError(1, header, "缺少此列") for header in KINDS["orgs"].HEADERS[3:]]
    path.write_text("编号,名称,类型,规模,标签,片区,书记账号,书记姓名,联络员账号,联络员姓名\n"
                    "XY01,岭南学院,学院,,,,,,,\n,,,,,,,,,\n\nXY02,新学院,学校,,,,,,,\n", encoding="gbk")
    assert [error.row for error in import_file("orgs", path, directory).errors] == [5]


@pytest.mark.parametrize("name, content, message", [
    ("orgs.txt", b"x", "只支持 .xlsx 和 .csv 文件"),
    ("orgs.xlsx", b"not a zip", "不是有效的 Excel 文件"),
    ("orgs.csv", b"", "文件是空的"),
    ("orgs.csv", "编号".encode("utf-16"), "无法识别文件编码"),
])
def test_unreadable_files(db, tmp_path, directory, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TableError, match=message):
        import_file("orgs", path, directory)


def test_five_hundred_orgs_with_progress_disabled(db, tmp_path, directory):
    rows = [{"编号": f"X{n:04d}", "名称": f"学院{n}", "类型": "学院", "片区": f"片区{n % 7}",
             "书记账号": f"s{n}", "书记姓名": f"书记{n}", "联络员账号": f"pq{n % 7}", "联络员姓名": f"联络{n % 7}"}
            for n in range(500)]
    result = load(tmp_path, directory, "orgs", rows, ".csv")
    assert str(result.counts["组织"]) == "新增 500,更新 0,未变 0"
    assert result.counts["人员"].created == 507
    assert Person.select().where(Person.area == "片区3").count() == 1


def broken_sheet(tmp_path, sheet_xml: bytes):
    """A real .xlsx whose sheet XML is replaced."""
    good = write(tmp_path / "good.xlsx", "orgs", ORGS)
    path = tmp_path / "orgs.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else data)
    return path


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.mark.parametrize("sheet_xml", [
    SHEET + b'<sheetData><row r="1"><c r="A1" t="inl',                                # truncated
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'                          # an external entity
    + SHEET + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>',
])
def test_a_damaged_sheet_is_one_clear_error(db, tmp_path, directory, sheet_xml):
    with pytest.raises(TableError, match="不是有效的 Excel 文件"):
        import_file("orgs", broken_sheet(tmp_path, sheet_xml), directory)
    assert Org.select().count() == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_too_many_rows_or_bytes_are_refused_before_reading_on(db, tmp_path, directory, monkeypatch, suffix):
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    with pytest.raises(TableError, match="超过 2 行"):
        load(tmp_path, directory, "orgs", ORGS, suffix)
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", 100)
    with pytest.raises(TableError, match="文件超过 0 MB"):
        load(tmp_path, directory, "orgs", ORGS, suffix)
    assert Org.select().count() == 0
