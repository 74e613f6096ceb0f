"""通报 as a Word document (python-docx), laid out as the office's bulletins are: the title centred,
the addressee, the opening, the six sections each under its heading, tables where a section has
one, then the signature and the date.

Fonts: a .docx names one face per script and has no fallback list, so faces are chosen that every
Chinese Windows and WPS install has: 黑体 (SimHei) for the title and headings, 仿宋 (FangSong) for the
text. The 公文 standard's 方正小标宋简体 and 仿宋_GB2312 are separate installs: where they are missing
Word would show another face, unlike the one chosen. Each run names its face for both the Latin
(ascii, hAnsi) and the East Asian (w:eastAsia) text, so digits and Chinese look alike.

Every text goes in as a run's text, never as markup; the characters XML 1.0 does not allow (control
characters someone pasted) are dropped, since a document with them would not open.
"""
from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from handlers import messages as m
from handlers.reviews import Bulletin, Section, Table

TITLE_FACE, HEADING_FACE, TEXT_FACE = "黑体", "黑体", "仿宋"
TITLE_SIZE, TEXT_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(12)      # 二号, 三号, 小四
MARKED = RGBColor(0xC0, 0x00, 0x00)                                # the bottom three, as the ranking chart marks them
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """The text without the characters a .docx cannot hold."""
    return NOT_IN_XML.sub("", text)


def write(path: Path, bulletin: Bulletin) -> Path:
    document = Document()
    _page(document)
    _paragraph(document, bulletin.title, TITLE_FACE, TITLE_SIZE, centred=True)
    _paragraph(document, m.BULLETIN_TO, TEXT_FACE, TEXT_SIZE)
    _paragraph(document, m.BULLETIN_OPENING.format(what=bulletin.label), TEXT_FACE, TEXT_SIZE, indent=True)
    for section in bulletin.sections:
        _section(document, section)
    _paragraph(document, m.BULLETIN_SIGNED, TEXT_FACE, TEXT_SIZE, right=True)
    _paragraph(document, bulletin.dated, TEXT_FACE, TEXT_SIZE, right=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _page(document) -> None:
    """A4 with the 公文 margins; the text's face by default."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = TEXT_FACE, TEXT_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), TEXT_FACE)
    _defaults(document)


def _defaults(document) -> None:
    """The template's defaults name the theme's (Latin) faces and English: the text's face and Chinese
    instead, so that no theme face is left for a run to fall back on."""
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if defaults is None:
        return
    fonts, language = defaults.find(qn("w:rFonts")), defaults.find(qn("w:lang"))
    if fonts is not None:
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for script in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(script), TEXT_FACE)
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")


def _section(document, section: Section) -> None:
    _paragraph(document, section.heading, HEADING_FACE, TEXT_SIZE)
    for text in section.paragraphs:
        _paragraph(document, text, TEXT_FACE, TEXT_SIZE, indent=True)
    if section.table is not None and section.table.rows:
        _table(document, section.table)


def _paragraph(document, text: str, face: str, size, centred: bool = False, right: bool = False,
               indent: bool = False):
    paragraph = document.add_paragraph()
    if centred or right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.RIGHT
    if indent:
        paragraph.paragraph_format.first_line_indent = size * 2      # two characters, as Chinese text is set
    _run(paragraph, text, face, size)
    return paragraph


def _run(paragraph, text: str, face: str, size, bold: bool = False, colour: RGBColor | None = None) -> None:
    run = paragraph.add_run(clean(text))
    run.font.name, run.font.size, run.font.bold = face, size, bold
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
    if colour is not None:
        run.font.color.rgb = colour


def _table(document, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        _run(cell.paragraphs[0], header, HEADING_FACE, TABLE_SIZE)
    for number, row in enumerate(table.rows):
        marked = number in table.marked
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            _run(cell.paragraphs[0], value, TEXT_FACE, TABLE_SIZE, bold=marked, colour=MARKED if marked else None)
    document.add_paragraph()
