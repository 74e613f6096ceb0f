"""The admins' spreadsheets: .xlsx (first sheet) and .csv in UTF-8, UTF-8 with BOM or GBK.

Excel in China saves CSV as GBK; we read GBK through its superset GB18030 and write CSV as UTF-8
with a BOM, which Excel opens correctly. Cells come back as stripped text, whatever Excel made
of them (numbers, dates), without control characters such as NUL.

Nothing exported runs as a formula: in .xlsx text is written as text even when it starts with "=";
in .csv a cell starting with = + - @ (or with the quote itself) gets a leading ' that spreadsheet
programs show as text, and that reading a .csv removes again, so an export imports back unchanged.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

SUFFIXES = (".xlsx", ".csv")
MAX_FILE_BYTES = 20 * 2**20      # a list of 5,000 organisations is well under 1 MB
MAX_ROWS = 50_000                # 5,000 organisations with their people fit many times over
MAX_COLUMN_WIDTH = 60

Row = tuple[int, dict[str, str]]     # (row number as Excel shows it, header → cell text)
FORMULA_START = ("=", "+", "-", "@")    # what spreadsheet programs may take for a formula
QUOTE = "'"
CONTROL = dict.fromkeys([*(c for c in range(32) if chr(c) not in "\t\n\r"), 127])    # NUL and the like: dropped


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
    return str(value).translate(CONTROL).strip()


def read_table(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the non-blank data rows of a .xlsx or .csv file."""
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
    headers = [cell_text(value) for value in raw[0]]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = [cell_text(value) for value in values]
        if any(cells):
            rows.append((number, dict(zip(headers, cells))))
    return headers, rows


def _read_xlsx(path: Path) -> list[tuple]:
    unreadable = TableError(f"{path.name}:不是有效的 Excel 文件,请用 Excel 另存为 .xlsx")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise unreadable from None                  # XML that does not parse raises a SyntaxError
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()    # some tools record a wrong sheet size; read every row there is
        return list(itertools.islice(sheet.iter_rows(values_only=True), MAX_ROWS + 2))
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError):
        raise unreadable from None
    finally:
        workbook.close()


def decode(data: bytes) -> str:
    """Text of a CSV file saved as UTF-8 (with or without BOM) or GBK."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError("无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 CSV") from None


def _read_csv(path: Path) -> list[list[str]]:
    text = decode(path.read_bytes())
    rows = itertools.islice(csv.reader(io.StringIO(text, newline="")), MAX_ROWS + 2)
    return [[cell.removeprefix(QUOTE) for cell in row] for row in rows]


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


def _text_cell(sheet, value: str) -> WriteOnlyCell:
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
