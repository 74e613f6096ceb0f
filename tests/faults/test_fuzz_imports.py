"""Imports of hostile, oversized and damaged files (issue 12): zip bombs, files over the size limit,
CSV in encodings we do not read, and derandomized mutations of a good .xlsx and of good .csv files.

Every file either imports cleanly or is refused, with one line for the admin (TableError) or with the
rows' errors, and a refused file leaves every table as it was: an import is all or nothing. The
mutations run inside a transaction that is rolled back, so each starts from the same lists.
"""
from __future__ import annotations

import codecs
import csv
import io
import random
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook

from app import create_app
from models import ALL_MODELS, Org, database
from models.lists_io import IMPORT_ORDER, KINDS, TableError, export_file, export_rows, import_file, import_rows
from settings import DEMO_CONFIG, DirectorySection, load

BASE = {
    "departments": [{"名称": "组织部", "联络人账号": "dept-zzb", "联络人姓名": "王芳"}],
    "orgs": [
        {"编号": "XY01", "名称": "岭南学院", "类型": "学院", "规模": "党委", "标签": "", "片区": "南校园",
         "书记账号": "sec-xy01", "书记姓名": "王建华", "联络员账号": "pq-nan", "联络员姓名": "黄丽华"},
        {"编号": "XY02", "名称": "集成电路学院", "类型": "学院", "规模": "党总支", "标签": "无毕业年级",
         "片区": "东校园", "书记账号": "sec-xy02", "书记姓名": "李志强", "联络员账号": "", "联络员姓名": ""},
    ],
    "people": [{"账号": "dep-xy01", "姓名": "赵敏", "角色": "代填人", "所属组织编号": "XY01", "所属部门": "",
                "片区": ""}],
    "actions": [{"编号": "A01", "类别": "加强理论学习", "名称": "讲党课", "要求": "每年不少于 2 次", "频次": "每年",
                 "目标": "2", "单位": "次", "适用类型": "学院、非无毕业年级"}],
    "tasks": [{"月份": "2026-11", "编号": "T01", "标题": "报送党员发展计划", "内容": "报送下一年度计划",
               "来源部门": "组织部", "截止日期": "2026-11-20", "适用类型": ""}],
    "rectifications": [{"编号": "ZG01", "组织编号": "XY01", "来源": "巡察", "问题": "学习制度执行不严",
                        "整改措施": "制定学习计划", "责任人": "王建华", "整改时限": "2099-12-31"}],   # any today
    "indicators": [{"编号": "1", "上级编号": "", "名称": "日常工作", "分值": "40", "周期": "月度", "计算方式": "",
                    "参数": "", "适用类型": ""},
                   {"编号": "1.1", "上级编号": "1", "名称": "完成率", "分值": "40", "周期": "月度",
                    "计算方式": "完成率", "参数": "", "适用类型": "学院"}],
}
ROOT = Path(__file__).resolve().parents[2]
COUNT_ROWS = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{m._meta.table_name}")' for m in ALL_MODELS)

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
BOMB_BYTES = 256 * 2**20     # past the 100 MB limit, and quick to build; a real bomb unpacks to far more
BOMBS = {       # the part, and what it unpacks to: head + unit repeated to BOMB_BYTES + tail
    "cells": (SHEET, b"<worksheet " + MAIN + b'><sheetData><row r="1">', b"<c><v>1</v></c>",
              b"</row></sheetData></worksheet>"),
    "one shared string": (SHARED_STRINGS, b"<sst " + MAIN + b"><si><t>", b"A", b"</t></si></sst>"),
}
UNREADABLE_XLSX = "orgs.xlsx:不是有效的 Excel 文件,请用 Excel 另存为 .xlsx"
UNKNOWN_ENCODING = "orgs.csv:无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 CSV"


def csv_text(kind: str, rows: list[dict] | None = None) -> str:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(KINDS[kind].HEADERS)
    writer.writerows([row[header] for header in KINDS[kind].HEADERS] for row in rows or BASE[kind])
    return stream.getvalue()


def excel_file() -> bytes:
    """The orgs as Excel writes them: shared strings, styles, and a column of dates of its own."""
    stream = io.BytesIO()
    workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
    sheet, day = workbook.add_worksheet(), workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [*KINDS["orgs"].HEADERS, "更新日期"])
    for number, row in enumerate(BASE["orgs"], start=1):
        sheet.write_row(number, 0, [row[header] for header in KINDS["orgs"].HEADERS])
        sheet.write_number(number, len(KINDS["orgs"].HEADERS), 46000 + number, day)
    workbook.close()
    return stream.getvalue()


SEED_XLSX = excel_file()
with zipfile.ZipFile(io.BytesIO(SEED_XLSX)) as seed:
    SEED_PARTS = {item.filename: seed.read(item.filename) for item in seed.infolist()}
SEED_CSV = {kind: csv_text(kind).encode("gbk") for kind in KINDS}     # Excel on Chinese Windows


def zipped(parts: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return stream.getvalue()


def with_part(path, name: str, chunks, declared: int | None = None, compression=zipfile.ZIP_DEFLATED):
    """The good .xlsx with part `name` replaced by the chunks, packed as they come (the test never
    holds more than one); `declared` writes another unpacked size into the zip's directory."""
    with zipfile.ZipFile(path, "w", compression, compresslevel=9) as archive:
        for part, data in SEED_PARTS.items():
            if part != name:
                archive.writestr(part, data)
        with archive.open(name, "w", force_zip64=True) as stream:
            for chunk in chunks:
                stream.write(chunk)
        if declared is not None:
            archive.getinfo(name).file_size = declared
    return path


def repeated(head: bytes, unit: bytes, tail: bytes, total: int):
    block = unit * (2**20 // len(unit))
    yield head
    for _ in range(total // len(block)):
        yield block
    yield tail


def row_counts() -> tuple[int, ...]:
    return database.execute_sql(COUNT_ROWS).fetchone()


def state():
    """Every table's row count and every list as exported: what a refused import must not change."""
    return row_counts(), {kind: export_rows(kind) for kind in KINDS}


@pytest.fixture
def directory():
    return DirectorySection()


@pytest.fixture
def lists(db, directory):
    """One of each list in the database, imported the admins' way."""
    for kind in IMPORT_ORDER:
        result = import_rows(kind, list(enumerate(BASE[kind], start=2)), directory)
        assert result.ok, [str(error) for error in result.errors]


@pytest.fixture
def refused(lists, db_url, clock):
    """Run `flask import` on a file that must be refused: what the admin reads (exit status 1),
    after checking that the database is as it was."""
    config = load(DEMO_CONFIG, env={}).replace(database={"url": db_url})
    runner = create_app(config, clock).test_cli_runner()

    def run(path, kind: str = "orgs") -> list[str]:
        before = state()
        result = runner.invoke(args=["import", kind, str(path)])
        assert result.exit_code == 1, result.output
        assert state() == before
        return result.stderr.splitlines()
    return run


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """The zip bombs, each built on first use (that takes seconds) and kept for the other database."""
    built = {}

    def bomb(kind: str, declared: int | None = None):
        if (kind, declared) not in built:
            name, head, unit, tail = BOMBS[kind]
            path = tmp_path_factory.mktemp("bomb") / "orgs.xlsx"
            built[kind, declared] = with_part(path, name, repeated(head, unit, tail, BOMB_BYTES), declared)
        return built[kind, declared]
    return bomb


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_a_zip_bomb_is_refused_before_anything_is_unpacked(refused, bombs, kind):
    path = bombs(kind)
    assert path.stat().st_size < 5 * 2**20
    assert refused(path) == ["orgs.xlsx:解压后超过 100 MB,请检查是否选错了文件"]


@pytest.mark.slow
def test_a_part_is_never_unpacked_beyond_the_size_it_declares(refused, bombs):
    """256 MB that claim 4 KB: zipfile stops at 4 KB, where the CRC cannot match."""
    assert refused(bombs("cells", declared=4096)) == [UNREADABLE_XLSX]


@pytest.mark.slow
def test_a_small_file_that_would_take_gigabytes_is_refused_at_the_readers_memory_cap(tmp_path):
    """A quarter of a million empty cell formats: 1.3 MB unpacked, under every size limit, yet openpyxl
    builds hundreds of MB from them (2.6 GB from 19 MB). The reader, a forked child, stops at its cap.
    Run as `flask import` runs it, from a fresh process (a long-lived one may have freed heap that its
    fork reuses without growing), with the cap lowered to keep the test short."""
    count = 250_000
    path = with_part(tmp_path / "orgs.xlsx", "xl/styles.xml", [
        b"<styleSheet " + MAIN + b'><cellXfs count="%d">' % count, b"<xf/>" * count, b"</cellXfs></styleSheet>"])
    assert path.stat().st_size < 100_000
    script = ("import sys\nfrom models.lists_io import tables\ntables.READER_MEMORY_BYTES = 80 * 2**20\n"
              "try:\n    tables.read_table(sys.argv[1])\nexcept tables.TableError as refusal:\n    print(refusal)")
    shown = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert shown.stdout.strip() == "orgs.xlsx:读取时超过内存上限,文件内容异常,请用 Excel 另存为 .xlsx 后再试"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_50_mb_file_is_refused_before_it_is_read(refused, tmp_path, suffix):
    path = tmp_path / f"orgs{suffix}"
    if suffix == ".xlsx":       # a good list with a 50 MB picture in it
        with_part(path, "xl/media/image1.png", [bytes(50 * 2**20)], compression=zipfile.ZIP_STORED)
    else:
        header, rows = SEED_CSV["orgs"].split(b"\n", 1)
        path.write_bytes(header + b"\n" + rows * (50 * 2**20 // len(rows)))
    assert path.stat().st_size > 50 * 10**6
    assert refused(path) == [f"orgs{suffix}:文件超过 20 MB,请检查是否选错了文件"]


@pytest.mark.parametrize("suffix, length", [(".csv", 40_000), (".csv", 200_000), (".xlsx", 40_000)])
def test_a_cell_longer_than_excel_allows_is_refused(refused, tmp_path, suffix, length):
    """200,000 characters are over the csv module's field limit as well."""
    path = tmp_path / f"orgs{suffix}"
    rows = [BASE["orgs"][0], {**BASE["orgs"][1], "名称": "院" * length}]
    if suffix == ".xlsx":     # Excel itself cuts a cell at 32,767; other tools do not
        sheet = "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{escape(text)}</t></is></c>' for text in row)
                        + "</row>" for row in csv.reader(io.StringIO(csv_text("orgs", rows))))
        with_part(path, SHEET, [b"<worksheet " + MAIN + b"><sheetData>", sheet.encode(), b"</sheetData></worksheet>"])
    else:
        path.write_text(csv_text("orgs", rows), encoding="utf-8")
    assert refused(path) == [f"orgs{suffix}:第 3 行有超过 32767 个字的单元格,请检查是否选错了文件"]


TEXT = csv_text("orgs")
HEADER, ROWS = TEXT.split("\n", 1)


@pytest.mark.parametrize("content", [
    pytest.param(TEXT.encode("utf-16"), id="UTF-16 with BOM"),
    pytest.param(TEXT.encode("utf-16-le"), id="UTF-16 LE without BOM"),
    pytest.param(TEXT.encode("utf-16-be"), id="UTF-16 BE without BOM"),
    pytest.param(TEXT.encode("utf-32"), id="UTF-32"),
    pytest.param("Nom,Prénom,Société\r\nÉcole,Noël,Ça\r\n".encode("latin-1"), id="Latin-1"),
    pytest.param(random.Random(12).randbytes(4096), id="random bytes"),
    pytest.param(bytes(4096), id="NUL bytes"),
    pytest.param(f"{HEADER}\n".encode() + ROWS.encode("gbk"), id="UTF-8 header over GBK rows"),
    pytest.param(codecs.BOM_UTF8 + TEXT.encode("gbk"), id="UTF-8 BOM over GBK"),
])
def test_csv_in_another_encoding_is_refused_naming_the_ones_read(refused, tmp_path, content):
    path = tmp_path / "orgs.csv"
    path.write_bytes(content)
    assert refused(path) == [UNKNOWN_ENCODING]


def test_gb18030_names_outside_gbk_are_stored_as_written(lists, tmp_path, directory):
    path = tmp_path / "orgs.csv"
    path.write_bytes(TEXT.replace("集成电路学院", "𪚥电路学院").encode("gb18030"))
    assert import_file("orgs", path, directory, progress=False).ok
    assert [org.name for org in Org.select().order_by(Org.code)] == ["岭南学院", "𪚥电路学院"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_formula_behind_a_tab_is_exported_as_text(lists, tmp_path, directory, suffix):
    """Every way into the database strips a cell, so this name can only be put there by hand;
    exported, it must still not run, and it imports back without the tab."""
    Org.update(name="\t=1+1").where(Org.code == "XY01").execute()
    path = tmp_path / f"orgs{suffix}"
    export_file("orgs", path)
    if suffix == ".xlsx":
        cell = load_workbook(path).worksheets[0]["B2"]
        assert (cell.value, cell.data_type) == ("\t=1+1", "s")
    else:
        assert path.read_text(encoding="utf-8-sig").splitlines()[1].startswith("XY01,'\t=1+1,")
    assert import_file("orgs", path, directory, progress=False).ok
    assert Org.get(Org.code == "XY01").name == "=1+1"


def fuzz(examples: int):
    """Derandomized: a failure shows the same case on every run. The fixtures' lists stay as they
    are between examples (each runs in a rolled-back transaction)."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


SOME_BYTES = st.binary(min_size=1, max_size=32)


def damaged(seed: bytes, inserted=SOME_BYTES):
    """The seed with a few bytes changed, cut short, or with bytes put in (`inserted`: which)."""
    def change(edits):
        data = bytearray(seed)
        for position, value in edits:
            data[position] = value
        return bytes(data)
    changed = st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 255)), min_size=1, max_size=4)
    cut = st.integers(0, len(seed) - 1).map(lambda end: seed[:end])
    put = st.tuples(st.integers(0, len(seed)), inserted).map(lambda at: seed[:at[0]] + at[1] + seed[at[0]:])
    return st.one_of(changed.map(change), cut, put)


# What an XML part is made of, to reach the parser's corners rather than its first check.
XML_BITS = [b"<", b">", b"/", b'"', b"=", b"&", b";", b"<c>", b"</c>", b"<row>", b"</row>", b'r="A1"',
            b'r="XFD1"', b'r="A1048577"', b't="s"', b't="n"', b't="d"', b"<v>", b"</v>", b"99999999999",
            b"-1", b"1E+308", b'xml:space="preserve"', b"<!ENTITY e 'x'>", b"&e;", b"\xff", b"\x00"]
XML_SNIPPETS = st.lists(st.one_of(st.sampled_from(XML_BITS), st.binary(min_size=1, max_size=4)),
                        min_size=1, max_size=6).map(b"".join)


@st.composite
def damaged_part(draw) -> bytes:
    """The good .xlsx, packed well, with one part damaged."""
    name = draw(st.sampled_from(sorted(SEED_PARTS)))
    return zipped({**SEED_PARTS, name: draw(damaged(SEED_PARTS[name], XML_SNIPPETS))})


COLUMNS = [(kind, header) for kind in sorted(KINDS) for header in KINDS[kind].HEADERS]
# Text that trips parsers of numbers, dates, lists and names: "²" is a digit to isdigit() but not
# to int(), 11 digits overflow the database's integer, int() refuses 4,300 digits.
TRICKY = ["²", "１２", "٣", "0", "-1", "99999999999", "1" * 5000, "2026-02-30", "2026年13月", "0000-01-01",
          "、", "非", "非非学院", "'", "'=1+1", "\x00", "\u3000", "\U0010ffff", "a\nb", "学院" * 40]


def with_cell(kind: str, header: str, text: str) -> bytes:
    """A good list, as our export writes it, with one cell of its first row holding `text`."""
    rows = [{**BASE[kind][0], header: text}, *BASE[kind][1:]]
    return csv_text(kind, rows).encode("utf-8-sig")


def imports_whole_or_not_at_all(path, content: bytes, kind: str, directory) -> None:
    """Import `content`: either refused (in one line naming the file, or row by row) and nothing
    changed, or imported whole. Rolled back afterwards, so that examples do not build on each other."""
    path.write_bytes(content)
    with database.atomic() as transaction:
        before = state()
        try:
            result = import_file(kind, path, directory, progress=False)
        except TableError as refusal:
            message = str(refusal)
            assert message.startswith(f"{path.name}:") and "\n" not in message, message
            assert state() == before
        else:
            if result.ok:       # all of it is in: importing it again changes nothing
                again = import_file(kind, path, directory, progress=False)
                assert again.ok and not again.changed, (again.summary(), again.errors)
            else:
                assert result.summary().endswith("未做任何更改")
                assert state() == before
        transaction.rollback()


@pytest.mark.slow
@fuzz(100)
@given(content=damaged(SEED_XLSX))
def test_a_damaged_xlsx_imports_or_is_refused_whole(lists, tmp_path, directory, content):
    imports_whole_or_not_at_all(tmp_path / "orgs.xlsx", content, "orgs", directory)


@pytest.mark.slow
@fuzz(100)
@given(content=damaged_part())
def test_an_xlsx_with_a_damaged_part_imports_or_is_refused_whole(lists, tmp_path, directory, content):
    imports_whole_or_not_at_all(tmp_path / "orgs.xlsx", content, "orgs", directory)


@pytest.mark.slow
@fuzz(200)
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_a_damaged_csv_imports_or_is_refused_whole(lists, tmp_path, directory, kind, data):
    content = data.draw(damaged(SEED_CSV[kind]))
    imports_whole_or_not_at_all(tmp_path / f"{kind}.csv", content, kind, directory)


@pytest.mark.slow
@pytest.mark.parametrize("kind, header", COLUMNS)
def test_tricky_text_in_a_cell_imports_or_is_refused_whole(lists, tmp_path, directory, kind, header):
    for text in TRICKY:
        imports_whole_or_not_at_all(tmp_path / f"{kind}.csv", with_cell(kind, header, text), kind, directory)


@pytest.mark.slow
@fuzz(200)
@given(column=st.sampled_from(COLUMNS), text=st.text(max_size=80))
def test_any_text_in_a_cell_imports_or_is_refused_whole(lists, tmp_path, directory, column, text):
    kind, header = column
    imports_whole_or_not_at_all(tmp_path / f"{kind}.csv", with_cell(kind, header, text), kind, directory)
