"""A small document model for the written reports (工作总结, 热线专报): headings, paragraphs of runs
and tables, rendered as an HTML page (templates/dashboards/reports/_document.html) and as DOCX
(python-docx) from the same structure, so the page and the download always say the same.

A run is either text or a gap for a person to fill in (`ToFill`): the system never invents a
figure it does not hold; the gap is shown as 【待填写：…】, highlighted in yellow in the DOCX.
"""

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ToFill:
    """A figure the system does not hold: a person fills it in."""

    key: str
    label: str

    def __str__(self):
        return _("【待填写：%(label)s】") % {"label": self.label}


@dataclass(frozen=True)
class Run:
    text: str
    fill: bool = False  # a to-fill marker


@dataclass
class Paragraph:
    runs: list
    kind = "paragraph"  # what the page template switches on


@dataclass
class Subheading:
    text: str
    kind = "subheading"


@dataclass
class Table:
    caption: str
    headers: list
    rows: list  # lists of cells: str, number or ToFill
    empty: str = ""
    kind = "table"

    @property
    def cell_rows(self):
        return [[cell(value) for value in row] for row in self.rows]


@dataclass
class Section:
    heading: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str = ""
    sections: list = field(default_factory=list)
    intro: list = field(default_factory=list)  # paragraphs before the first heading


def show(value):
    """A figure as the report writes it: 1,234; 95.3%% for a rate; — where nothing was counted."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def rate(value):
    """A Decimal percent 0–100 (hotline.kpis) as text: 95.3%; — when nothing was counted."""
    if value is None:
        return "—"
    return f"{Decimal(value):.1f}%"


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def fill(template, **values):
    """A paragraph from a translated sentence with %(name)s placeholders; a ToFill value becomes a marker run."""
    runs, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            runs.append(Run(template[position:match.start()].replace("%%", "%")))
        value = values[match.group(1)]
        runs.append(Run(str(value), fill=True) if isinstance(value, ToFill) else Run(show(value)))
        position = match.end()
    if position < len(template):
        runs.append(Run(template[position:].replace("%%", "%")))
    return Paragraph(_merge(runs))


def _merge(runs):
    merged = []
    for run in runs:
        if merged and not run.fill and not merged[-1].fill:
            merged[-1] = Run(merged[-1].text + run.text)
        else:
            merged.append(run)
    return merged


def cell(value):
    """A table cell as a run."""
    if isinstance(value, ToFill):
        return Run(str(value), fill=True)
    return Run(show(value))


def to_docx(document):
    """The document as DOCX bytes: a title, numbered headings, paragraphs and grid tables."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Docx()
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = "SimSun"
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), "宋体" if name == "Normal" else "黑体")
    doc.styles["Normal"].font.size = Pt(12)

    def add_runs(paragraph, runs):
        for run in runs:
            written = paragraph.add_run(run.text)
            if run.fill:
                written.font.highlight_color = WD_COLOR_INDEX.YELLOW
                written.bold = True

    title = doc.add_heading(document.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.subtitle:
        subtitle = doc.add_paragraph(document.subtitle)
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.intro:
        add_runs(doc.add_paragraph(), block.runs)
    for section in document.sections:
        doc.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                add_runs(doc.add_paragraph(), block.runs)
                continue
            if isinstance(block, Subheading):
                doc.add_heading(block.text, level=2)
                continue
            if block.caption:
                caption = doc.add_paragraph()
                caption.add_run(block.caption).bold = True
            if not block.rows and block.empty:
                doc.add_paragraph(block.empty)
                continue
            table = doc.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for header_cell, header in zip(table.rows[0].cells, block.headers):
                header_cell.text = ""
                header_cell.paragraphs[0].add_run(str(header)).bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for target, value in zip(cells, row):
                    add_runs(target.paragraphs[0], [cell(value)])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
