"""Every reason an import refuses a row: row number as Excel shows it, column, reason; and the
database is left as it was."""
from __future__ import annotations

import pytest

import settings
from models import Action, Person
from models.lists_io import KINDS, export_rows, import_rows

DIRECTORY = settings.DirectorySection()

BASE = {
    "departments": [{"名称": "组织部", "联络人账号": "dept-zzb", "联络人姓名": "王芳"}],
    "orgs": [
        {"编号": "XY01", "名称": "岭南学院", "类型": "学院", "片区": "南校园", "书记账号": "sec-xy01",
         "书记姓名": "王建华", "联络员账号": "pq-nan", "联络员姓名": "黄丽华"},
        {"编号": "XY02", "名称": "集成电路学院", "类型": "学院", "标签": "无毕业年级", "片区": "东校园"},
    ],
}


def org(code="XY05", **cells):
    return {"编号": code, "名称": f"学院{code}", "类型": "学院", **cells}


def person(userid="u1", **cells):
    return {"账号": userid, "姓名": "赵敏", "角色": "代填人", "所属组织编号": "XY01", **cells}


def action(code="A01", **cells):
    return {"编号": code, "类别": "加强理论学习", "名称": "讲党课", "频次": "每年", **cells}


def task(code="T01", **cells):
    return {"月份": "2026-11", "编号": code, "标题": "报送计划", **cells}


def rows(*cells):
    return list(enumerate(cells, start=2))


CASES = [
    ("orgs", [org(code="")], [(2, "编号", "必填项为空")]),
    ("orgs", [org(名称="")], [(2, "名称", "必填项为空")]),
    ("orgs", [org(类型="学校")], [(2, "类型", "未知类型“学校”")]),
    ("orgs", [org(规模="大队")], [(2, "规模", "未知规模“大队”")]),
    ("orgs", [org("X" * 33)], [(2, "编号", "不能超过 32 个字")]),
    ("orgs", [org(), org()], [(3, "编号", "与第 2 行重复")]),
    ("orgs", [org(书记账号="sec-a", 书记姓名="甲"), org("XY06", 书记账号="sec-a", 书记姓名="甲")],
     [(3, "书记账号", "该账号已是第 2 行“XY05”的书记")]),
    ("orgs", [org(书记账号="sec-xy01", 书记姓名="王建华")], [(2, "书记账号", "该账号已是“XY01”的书记")]),
    ("orgs", [org(书记账号="sec-a")], [(2, "书记姓名", "必填项为空")]),
    ("orgs", [org(书记姓名="甲")], [(2, "书记账号", "必填项为空")]),
    ("orgs", [org(书记账号="sec-a", 书记姓名="甲"), org("XY06", 片区="东校园", 联络员账号="sec-a", 联络员姓名="乙")],
     [(3, "联络员账号", "账号 sec-a 的姓名与第 2 行不一致")]),
    ("orgs", [org(联络员账号="pq-a", 联络员姓名="甲")], [(2, "片区", "填写联络员时片区必填")]),
    ("orgs", [org(片区="东校园", 联络员账号="pq-a", 联络员姓名="甲"),
              org("XY06", 片区="东校园", 联络员账号="pq-b", 联络员姓名="乙")],
     [(3, "联络员账号", "“东校园”的片区联络员与第 2 行不一致")]),
    ("orgs", [org(片区="东校园", 联络员账号="pq-nan", 联络员姓名="黄丽华")],
     [(2, "联络员账号", "该账号已是“南校园”的片区联络员")]),
    ("departments", [{"名称": "宣传部", "联络人账号": "a、b", "联络人姓名": "甲"}],
     [(2, "联络人姓名", "联络人账号有 2 个,姓名有 1 个")]),
    ("departments", [{"名称": "宣传部", "联络人账号": "dept-zzb", "联络人姓名": "王芳"}],
     [(2, "联络人账号", "该账号已是“组织部”的联络人")]),
    ("departments", [{"名称": "宣传部"}, {"名称": "宣传部"}], [(3, "名称", "与第 2 行重复")]),
    ("departments", [{"名称": ""}], [(2, "名称", "必填项为空")]),
    ("people", [person(角色="组长")], [(2, "角色", "未知角色“组长”")]),
    ("people", [person(所属组织编号="XY99")], [(2, "所属组织编号", "未知组织编号“XY99”")]),
    ("people", [person(角色="联络人", 所属组织编号="", 所属部门="财务处")], [(2, "所属部门", "未知部门“财务处”")]),
    ("people", [person(角色="联络人", 所属组织编号="", 片区="北极")], [(2, "片区", "未知片区“北极”")]),
    ("people", [person(角色="书记", 所属组织编号="")], [(2, "所属组织编号", "书记和代填人须填所属组织编号")]),
    ("people", [person(角色="书记")], [(2, "所属组织编号", "已有书记 sec-xy01,每处只能一位")]),
    ("people", [person(角色="联络人", 片区="南校园")], [(2, "片区", "已有片区联络员 pq-nan,每处只能一位")]),
    ("people", [person(所属部门="组织部")], [(2, "所属部门", "只有联络人填写此项")]),
    ("people", [person(角色="联络人")], [(2, "角色", "联络人须填所属部门或片区")]),
    ("people", [person(), person()], [(3, "账号", "与第 2 行重复")]),
    ("people", [person(姓名="")], [(2, "姓名", "必填项为空")]),
    ("people", [person(手机="138-1234")], [(2, "手机", "手机号“138-1234”无法识别,请写成 13812341234")]),
    ("people", [person(手机="23812341234")], [(2, "手机", "手机号“23812341234”无法识别")]),
    ("people", [person(短信="不要")], [(2, "短信", "未知取值“不要”,可选:是、否")]),
    ("actions", [action(类别="组织建设")], [(2, "类别", "未知类别“组织建设”")]),
    ("actions", [action(频次="每周")], [(2, "频次", "未知频次“每周”,可选:每月、每季度、每半年、每年")]),
    ("actions", [action(目标="两次")], [(2, "目标", "应为正整数,不是“两次”")]),
    ("actions", [action(目标="0")], [(2, "目标", "应为正整数,不是“0”")]),
    ("actions", [action(适用类型="学院、中学")], [(2, "适用类型", "未知类型或标签“中学”")]),
    ("actions", [action(适用类型="非新建院系")], [(2, "适用类型", "未知类型或标签“非新建院系”")]),
    ("actions", [action(), action()], [(3, "编号", "与第 2 行重复")]),
    ("actions", [action(名称="")], [(2, "名称", "必填项为空")]),
    ("tasks", [task(月份="2026-13")], [(2, "月份", "月份“2026-13”无法识别")]),
    ("tasks", [task(月份="十一月")], [(2, "月份", "月份“十一月”无法识别")]),
    ("tasks", [task(月份="")], [(2, "月份", "必填项为空")]),
    ("tasks", [task(截止日期="11月20日")], [(2, "截止日期", "日期“11月20日”无法识别")]),
    ("tasks", [task(截止日期="2026-02-30")], [(2, "截止日期", "日期“2026-02-30”无法识别")]),
    ("tasks", [task(来源部门="财务处")], [(2, "来源部门", "未知部门“财务处”")]),
    ("tasks", [task(适用类型="机关")], [(2, "适用类型", "未知类型或标签“机关”")]),
    ("tasks", [task(), task(月份="2026年11月")], [(3, "编号", "与第 2 行重复")]),
    ("tasks", [task(标题="")], [(2, "标题", "必填项为空")]),
]


@pytest.fixture
def base(db):
    for kind, cells in BASE.items():
        assert import_rows(kind, rows(*cells), DIRECTORY).ok


def snapshot():
    return {kind: export_rows(kind) for kind in KINDS}


@pytest.mark.parametrize("kind, cells, expected", CASES)
def test_bad_rows_are_reported_and_nothing_changes(base, kind, cells, expected):
    before = snapshot()
    result = import_rows(kind, rows(*cells), DIRECTORY)
    assert [(error.row, error.column) for error in result.errors] == [
        (row, column) for row, column, _ in expected]
    for error, (_, _, reason) in zip(result.errors, expected, strict=True):
        assert reason in error.reason
    assert snapshot() == before


def test_every_bad_row_is_reported_in_row_order(base):
    result = import_rows("orgs", rows(org(类型="学校"), org("XY06"), org("", 规模="大队")), DIRECTORY)
    assert [str(error) for error in result.errors] == [
        "第 2 行「类型」:未知类型“学校”,可选:学院、直属系、附属医院、机关部门、直属单位",
        "第 4 行「编号」:必填项为空",
        "第 4 行「规模」:未知规模“大队”,可选:党委、党总支、党支部",
    ]


def test_a_secretary_may_move_to_an_org_whose_old_secretary_is_replaced(base):
    result = import_rows("orgs", rows(org("XY01", 书记账号="sec-new", 书记姓名="孙新"),
                                      org(书记账号="sec-xy01", 书记姓名="王建华")), DIRECTORY)
    assert result.ok
    moved = Person.get(Person.userid == "sec-xy01")
    assert (moved.org.code, moved.roles) == ("XY05", ["secretary"])
    assert Person.get(Person.userid == "sec-new").org.code == "XY01"


def test_same_task_code_in_another_month_is_fine(base):
    assert import_rows("tasks", rows(task(), task(月份="2026-12")), DIRECTORY).ok


def test_exclusions_name_known_tags(base):
    assert import_rows("actions", rows(action(适用类型="学院,非无毕业年级")), DIRECTORY).ok
    assert (Action.get().applies_to, Action.get().excludes) == (["学院"], ["无毕业年级"])
