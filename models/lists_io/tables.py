"""The admins' spreadsheets: .xlsx (first sheet) and .csv in UTF-8, UTF-8 with BOM or GBK.

Excel in China saves CSV as GBK; we read GBK through its superset GB18030 and write CSV as UTF-8
with a BOM, which Excel opens correctly. Cells come back as stripped text, whatever Excel made
of them (numbers, dates), without control characters such as NUL nor invisible ones (models.fields.typed).

Files come from anywhere, so reading is bounded: the file's size and, before anything is unpacked,
the sizes the parts of an .xlsx declare (zipfile never unpacks a part beyond its declared size, a
longer one fails its CRC check); then rows, columns and characters in a cell. A small .xlsx can
still make openpyxl build gigabytes (a styles part of a million empty formats), so it is read in a
child process whose memory is capped. Whatever else is wrong with a file is one TableError for the
admin, never a traceback.

Nothing exported runs as a formula: in .xlsx text is written as text even when it starts with "=";
in .csv a cell starting with = + - @, a tab or a carriage return (or with the quote itself) gets a
leading ' that spreadsheet programs show as text, and that reading a .csv removes again, so an export
imports back unchanged.
"""
from __future__ import annotations

import csv
import datetime
import io
import itertools
import multiprocessing
import os
import resource
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from models.fields import typed

SUFFIXES = (".xlsx", ".csv")
MAX_FILE_BYTES = 20 * 2**20      # a list of 5,000 organisations is well under 1 MB
MAX_UNPACKED_BYTES = 100 * 2**20  # the parts of an .xlsx together; 50,000 rows of ten columns take about 30 MB
MAX_ROWS = 50_000                # 5,000 organisations with their people fit many times over
MAX_COLUMNS = 100                # the widest list has ten; cells further right are not read
MAX_CELL_CHARS = 32_767          # as many as Excel allows in a cell
MAX_COLUMN_WIDTH = 60
READER_MEMORY_BYTES = 2**30       # what the .xlsx reader may add to its memory; 50,000 rows take about 200 MB

Row = tuple[int, dict[str, str]]     # (row number as Excel shows it, header → cell text)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")    # what spreadsheet programs may take for a formula
QUOTE = "'"


class TableError(Exception):
    """The file cannot be read as a table at all; the message is for the admin."""


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return typed(str(value))


def read_table(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the non-blank data rows of a .xlsx or .csv file; cells right of the last
    header are not read."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise TableError(f"{path.name}:只支持 .xlsx 和 .csv 文件")
    if not path.is_file():
        raise TableError(f"{path}:文件不存在")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise TableError(f"{path.name}:文件超过 {MAX_FILE_BYTES // 2**20} MB,请检查是否选错了文件")
    raw = _read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    if not raw:
        raise TableError(f"{path.name}:文件是空的")
    if len(raw) > MAX_ROWS + 1:
        raise TableError(f"{path.name}:超过 {MAX_ROWS} 行,请拆分后分批导入")
    headers = _texts(path, 1, raw[0])
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = _texts(path, number, values[:len(headers)])
        if any(cells):
            rows.append((number, dict(zip(headers, cells, strict=False))))   # a short row: its last cells empty
    return headers, rows


def _texts(path: Path, number: int, values) -> list[str]:
    cells = [cell_text(value) for value in values]
    if any(len(cell) > MAX_CELL_CHARS for cell in cells):
        raise TableError(_too_long(path, number))
    return cells


def _too_long(path: Path, number: int) -> str:
    return f"{path.name}:第 {number} 行有超过 {MAX_CELL_CHARS} 个字的单元格,请检查是否选错了文件"


def _read_xlsx(path: Path) -> list[tuple]:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked <= MAX_UNPACKED_BYTES:
            return _read_capped(path)
    except (MemoryError, BrokenProcessPool):
        raise TableError(f"{path.name}:读取时超过内存上限,文件内容异常,请用 Excel 另存为 .xlsx 后再试") from None
    except Exception:
        # A damaged file makes zipfile and openpyxl raise nearly anything: BadZipFile, zlib.error,
        # EOFError, NotImplementedError, KeyError, IndexError, TypeError, LookupError, SyntaxError …
        raise TableError(f"{path.name}:不是有效的 Excel 文件,请用 Excel 另存为 .xlsx") from None
    raise TableError(f"{path.name}:解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB,请检查是否选错了文件")


def _read_capped(path: Path) -> list[tuple]:
    """The rows, read by a forked child process under the cap (forked: a fresh interpreter would
    import the caller's __main__ again, and cost a second where a fork costs milliseconds)."""
    import openpyxl  # noqa: F401  (a second of imports, done once here: every forked reader inherits them)

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_cap_memory) as reader:
        return reader.submit(_xlsx_rows, path).result()


def _cap_memory() -> None:
    """Cap the child's address space at what the fork left it with, plus READER_MEMORY_BYTES. What
    openpyxl or a dying child would print goes nowhere: the parent turns it into one TableError."""
    sys.stderr = sys.stdout = open(os.devnull, "w", encoding="utf-8")
    with open("/proc/self/statm", encoding="ascii") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + READER_MEMORY_BYTES, resource.RLIM_INFINITY))


def _xlsx_rows(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()    # some tools record a wrong sheet size; read every row there is
        # openpyxl pads a row up to its last cell: without max_col, one cell in column XFD makes 16,384
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        return list(itertools.islice(rows, MAX_ROWS + 2))
    finally:
        workbook.close()


def decode(data: bytes, name: str) -> str:
    """Text of a CSV file saved as UTF-8 (with or without BOM) or GBK.

    A Chinese header in UTF-8 means UTF-8 throughout: GBK rows under it were pasted in from another
    file. UTF-16 is refused, with or without a BOM: its header line has NUL characters in any
    decoding, which a header in UTF-8 or GBK never has."""
    header = data.partition(b"\n")[0]
    text = _decoded(data, "utf-8-sig")
    if text is None and (header.isascii() or _decoded(header, "utf-8") is None):
        text = _decoded(data, "gb18030")
    if text is None or "\0" in text.partition("\n")[0]:
        raise TableError(f"{name}:无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 CSV")
    return text


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _read_csv(path: Path) -> list[list[str]]:
    reader = csv.reader(io.StringIO(decode(path.read_bytes(), path.name), newline=""))
    rows = []
    try:
        for row in itertools.islice(reader, MAX_ROWS + 2):
            rows.append([cell.removeprefix(QUOTE) for cell in row[:MAX_COLUMNS]])
    except csv.Error:       # the only one the default dialect raises: a cell over csv.field_size_limit()
        raise TableError(_too_long(path, len(rows) + 1)) from None
    return rows


def write_table(path: Path, headers: tuple[str, ...], rows: list[list]) -> None:
    """Write .xlsx or .csv (UTF-8 with BOM) with these headers."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise TableError(f"{path.name}:只支持 .xlsx 和 .csv 文件")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(headers)
            writer.writerows([_csv_cell(value) for value in row] for row in rows)
        return
    _write_xlsx(path, headers, rows)


def _write_xlsx(path: Path, headers: tuple[str, ...], rows: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for index, header in enumerate(headers):
        width = max([_width(header)] + [_width(row[index]) for row in rows[:200]])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_text_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value
                      for value in row])
    workbook.save(path)


def _text_cell(sheet, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"                # openpyxl takes a leading "=" for a formula
    return cell


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith((*FORMULA_START, QUOTE)):
        return QUOTE + value
    return value


def _width(value) -> int:
    """Display width: CJK characters take two columns."""
    text = cell_text(value)
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
