"""import_tickets with an XLSX file (the first sheet): Excel date cells, Chinese headers under a title row,
good and bad rows in one file, a second import adding nothing, and files that are not XLSX."""

import datetime as dt

from hotline.models import Assignment, Ticket, TicketEvent
from hotline.models.choices import Channel, CloseReason, Kind, Outcome, Status
from tests.conftest import at
from tests.import_helpers import GOOD_TITLES, HEADER, HEADER_ZH, MIXED_ROWS, lamps, run_import, write_xlsx  # noqa: F401


def test_it_imports_the_good_rows_and_reports_the_bad_ones_by_row_number(tmp_path, units, village, lamps):
    out, error = run_import(write_xlsx(tmp_path / "old.xlsx", MIXED_ROWS))

    assert error is not None
    assert "已导入：2行" in out and "未能导入：4行" in out
    for number in (3, 4, 5, 6):
        assert f"第{number}行：" in out
    assert set(Ticket.objects.values_list("title", flat=True)) == GOOD_TITLES
    assert Assignment.objects.count() == 2 and TicketEvent.objects.count() == 2

    ticket = Ticket.objects.get(title="石门村路灯不亮")
    assert (ticket.status, ticket.close_reason, ticket.channel) == (Status.CLOSED, CloseReason.IMPORTED, Channel.IMPORT)
    assert ticket.created_at == at(2024, 3, 5, 10, 20) and ticket.lead_unit == units["roads"]
    lead = ticket.assignments.get()
    assert lead.unit == units["roads"] and not lead.is_current and lead.outcome == Outcome.RESOLVED
    assert ticket.events.get().action == TicketEvent.Action.IMPORT


def test_excel_cells_chinese_headers_below_a_title_row(tmp_path, units, village, lamps):
    rows = [
        # an Excel datetime cell, a numeric id
        [dt.datetime(2024, 3, 5, 10, 20), "路灯不亮", "石门村口", "区交通运输局", "城乡建设›道路›路灯", "投诉", "石门村", "已解决", 1001],
        # a date-only cell; 10:19:59.9999 as Excel's day fractions sometimes read back
        [dt.date(2024, 3, 6), "水管爆了", "", "区水务局", "", "", "", "", 1002],
        [dt.datetime(2024, 3, 7, 10, 19, 59, 999900), "停水", "", "区水务局", "", "", "", "", 1003],
        [dt.datetime(2099, 1, 1, 9, 0), "未来的工单", "", "区水务局", "", "", "", "", 1004],  # row 7: future
        [None, None, None, None, None, None, None, None, None],  # a blank row is skipped, not counted
        ["2024-03-08 09:00", "没有的单位", "", "区不存在局", "", "", "", "", 1005],  # row 9
    ]
    path = write_xlsx(
        tmp_path / "2024年工单.xlsx", rows, header=[*HEADER_ZH, "编号"], above=[["2024年热线工单台账"], []]
    )
    out, error = run_import(path)

    assert "已导入：3行" in out and "未能导入：2行" in out, out
    assert "第7行：" in out and "晚于当前时间" in out and "第9行：" in out and "区不存在局" in out
    assert error is not None
    first = Ticket.objects.get(import_key="id:1001")  # 1001, not "1001.0"
    assert first.created_at == at(2024, 3, 5, 10, 20) and first.kind == Kind.COMPLAINT
    assert first.category == lamps and first.village == village
    assert Ticket.objects.get(import_key="id:1002").created_at == at(2024, 3, 6, 0, 0)
    assert Ticket.objects.get(import_key="id:1003").created_at == at(2024, 3, 7, 10, 20)

    before = (Ticket.objects.count(), Assignment.objects.count(), TicketEvent.objects.count())
    out, _error = run_import(path)
    assert "已导入：0行" in out and "此前已导入（跳过）：3行" in out
    assert (Ticket.objects.count(), Assignment.objects.count(), TicketEvent.objects.count()) == before


def test_a_missing_required_column_imports_nothing(tmp_path, units):
    header = ["受理时间", "标题", "承办单位"]  # no 诉求内容
    out, error = run_import(write_xlsx(tmp_path / "x.xlsx", [["2024-03-05 10:20", "路灯不亮", "区水务局"]], header=header))
    assert error is not None and "description" in error and "诉求内容" in error
    assert Ticket.objects.count() == 0


def test_files_that_are_not_xlsx_are_refused(tmp_path, units):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("created_at,title,description,unit\n", encoding="utf-8")
    _out, error = run_import(fake)
    assert error is not None and "不是有效的XLSX文件" in error

    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    _out, error = run_import(old)
    assert error is not None and ".xls" in error and ".xlsx" in error

    renamed = write_xlsx(tmp_path / "renamed.xlsx", MIXED_ROWS[:1], header=HEADER)
    as_csv = tmp_path / "renamed.csv"
    as_csv.write_bytes(renamed.read_bytes())
    _out, error = run_import(as_csv)
    assert error is not None and ".xlsx" in error
    assert Ticket.objects.count() == 0
