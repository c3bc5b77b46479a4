"""Spreadsheets of past work orders for the import_tickets tests (tests/test_import_tickets_*.py)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from hotline.models import Category

HEADER = ["created_at", "title", "description", "unit", "category", "kind", "village", "outcome"]
HEADER_ZH = ["受理时间", "标题", "诉求内容", "承办单位", "事项分类", "诉求类型", "村/社区", "办理结果"]

# good and bad rows in one file; the row number as the file shows it is the index + 2 (the header is row 1)
MIXED_ROWS = [
    ["2024-03-05 10:20", "石门村路灯不亮", "村口三盏路灯坏了一周", "区交通运输局", "城乡建设/道路/路灯", "投诉", "石门村", "已解决"],  # 2
    ["2024-03-06 09:00", "自来水浑浊", "水龙头流出黄水", "区交通局", "", "", "", ""],  # 3: unknown unit
    ["2024-13-45 09:00", "道路塌陷", "桥头路面塌了", "区交通运输局", "", "", "", ""],  # 4: bad date
    ["2024-03-07 11:00", "", "没有标题的一行", "区水务局", "", "", "", ""],  # 5: missing title
    ["2024-03-08 15:30", "河道垃圾", "河里有垃圾", "区水务局", "环境保护/垃圾", "", "", ""],  # 6: unknown category
    ["2024/3/9 8:05", "停水没有通知", "", "区水务局", "", "", "", ""],  # 7: good, blanks
]
GOOD_TITLES = {"石门村路灯不亮", "停水没有通知"}


@pytest.fixture
def lamps(db):
    """The category tree 城乡建设 › 道路 › 路灯."""
    return Category.objects.create(
        name="路灯", parent=Category.objects.create(name="道路", parent=Category.objects.create(name="城乡建设"))
    )


def write_csv(path, rows, *, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows, *, header=HEADER, above=()):
    """An XLSX file; `above`: rows before the header (a title row, as Chinese spreadsheets often have)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "工单"
    for row in above:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.create_sheet("说明").append(["这张表不会被读取"])
    book.save(path)
    return path


def run_import(path, *args):
    """Run the command; returns (stdout, the CommandError's message or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_tickets", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None
