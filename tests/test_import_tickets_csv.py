"""import_tickets with a CSV file: good rows become closed tickets, bad rows are listed by row number and
leave nothing behind, a second import adds nothing, and an unreadable file imports nothing."""

from hotline.models import Assignment, Reply, Ticket, TicketEvent
from hotline.models.choices import Channel, CloseReason, Kind, Outcome, Status
from tests.conftest import at
from tests.import_helpers import GOOD_TITLES, HEADER, HEADER_ZH, MIXED_ROWS, lamps, run_import, write_csv  # noqa: F401


def _counts():
    return {
        "tickets": Ticket.objects.count(),
        "assignments": Assignment.objects.count(),
        "events": TicketEvent.objects.count(),
        "history": Ticket.history.count() + Assignment.history.count(),
    }


def test_it_imports_the_good_rows_and_reports_the_bad_ones_by_row_number(tmp_path, units, village, lamps):
    out, error = run_import(write_csv(tmp_path / "old.csv", MIXED_ROWS))

    assert error is not None and "4" in error  # non-zero exit, after importing the good rows
    assert "已导入：2行" in out and "此前已导入（跳过）：0行" in out and "未能导入：4行" in out
    lines = out.splitlines()
    (unit_line,) = [line for line in lines if line.startswith("第3行：")]
    assert "区交通局" in unit_line and "区交通运输局" in unit_line  # the closest known name is suggested
    (date_line,) = [line for line in lines if line.startswith("第4行：")]
    assert "2024-13-45" in date_line
    (title_line,) = [line for line in lines if line.startswith("第5行：")]
    assert "标题为空" in title_line
    (category_line,) = [line for line in lines if line.startswith("第6行：")]
    assert "环境保护/垃圾" in category_line
    assert not [line for line in lines if line.startswith(("第1行", "第2行", "第7行"))]

    # nothing of the bad rows was written
    assert set(Ticket.objects.values_list("title", flat=True)) == GOOD_TITLES
    assert _counts()["assignments"] == 2 and _counts()["events"] == 2

    ticket = Ticket.objects.get(title="石门村路灯不亮")
    assert ticket.status == Status.CLOSED and ticket.close_reason == CloseReason.IMPORTED
    assert ticket.channel == Channel.IMPORT and ticket.kind == Kind.COMPLAINT
    assert ticket.created_at == at(2024, 3, 5, 10, 20) and ticket.closed_at == ticket.created_at
    assert ticket.description == "村口三盏路灯坏了一周"
    assert ticket.lead_unit == units["roads"] and ticket.category == lamps and ticket.village == village
    assert ticket.import_key.startswith("row:") and ticket.resident is None
    (lead,) = ticket.assignments.all()
    assert lead.unit == units["roads"] and lead.role == Assignment.Role.LEAD and lead.round == 1
    assert lead.is_current is False and lead.outcome == Outcome.RESOLVED
    moment = at(2024, 3, 5, 10, 20)
    assert lead.dispatched_at == lead.signed_at == lead.replied_at == lead.ended_at == moment
    assert lead.sign_by == lead.reply_by == moment and lead.returned_at is None
    assert not Reply.objects.filter(ticket=ticket).exists()
    (event,) = ticket.events.all()
    assert event.action == TicketEvent.Action.IMPORT and "区交通运输局" in event.note and "已解决" in event.note
    assert ticket.history.count() == 1 and ticket.history.first().history_user.username == "hotline-system"

    blank = Ticket.objects.get(title="停水没有通知")
    assert blank.kind == Kind.HELP  # the documented default for a blank kind
    assert blank.created_at == at(2024, 3, 9, 8, 5) and blank.category is None and blank.village is None
    assert blank.assignments.get().outcome == ""


def test_importing_the_same_file_again_adds_nothing(tmp_path, units, village, lamps):
    path = write_csv(tmp_path / "old.csv", MIXED_ROWS)
    run_import(path)
    before = _counts()

    out, error = run_import(path)

    assert _counts() == before
    assert "已导入：0行" in out and "此前已导入（跳过）：2行" in out and "未能导入：4行" in out
    assert error is not None  # the bad rows are still bad

    good_only = write_csv(tmp_path / "good.csv", [MIXED_ROWS[0], MIXED_ROWS[-1]])
    out, error = run_import(good_only)
    assert error is None and "此前已导入（跳过）：2行" in out and _counts() == before


def test_the_same_row_twice_in_a_file_is_taken_once(tmp_path, units, village, lamps):
    row = ["2024-03-05 10:20", "路灯不亮", "村口", "区交通运输局", "", "", "", ""]
    same_written_otherwise = ["2024/3/5 10:20:00", " 路灯不亮 ", "村口", " 区交通运输局", "", "", "", ""]
    out, error = run_import(write_csv(tmp_path / "twice.csv", [row, same_written_otherwise]))
    assert error is None
    assert "已导入：1行" in out and "此前已导入（跳过）：1行" in out
    assert Ticket.objects.count() == 1


def test_an_id_column_keys_the_rows_by_the_old_systems_id(tmp_path, units):
    header = ["id", *HEADER[:4]]
    rows = [
        ["GD-2024-001", "2024-03-05 10:20", "路灯不亮", "村口", "区交通运输局"],
        ["GD-2024-002", "2024-03-05 10:20", "路灯不亮", "村口", "区交通运输局"],  # same content, other id: taken
        ["GD-2024-001", "2024-03-06 10:20", "别的事", "别的内容", "区水务局"],  # same id, other content: refused
    ]
    out, error = run_import(write_csv(tmp_path / "ids.csv", rows, header=header))
    assert "已导入：2行" in out and "第4行：" in out and "GD-2024-001" in out and "第2行" in out
    assert error is not None
    assert set(Ticket.objects.values_list("import_key", flat=True)) == {"id:GD-2024-001", "id:GD-2024-002"}

    corrected = [["GD-2024-002", "2024-03-05 10:20", "路灯不亮（更正）", "村口", "区水务局"]]
    out, error = run_import(write_csv(tmp_path / "again.csv", corrected, header=header))
    assert error is None and "此前已导入（跳过）：1行" in out  # an import never updates what it took
    assert Ticket.objects.get(import_key="id:GD-2024-002").title == "路灯不亮"


def test_chinese_headers_a_bom_and_chinese_dates(tmp_path, units, village, lamps):
    rows = [
        ["2024年3月5日 10:20", "路灯不亮", "石门村口", "区交通运输局", "路灯", "咨询", "青山镇/石门村", "部分解决", "A-1"],
        ["2024/3/6", "水管爆了", "", "区水务局", "道路>路灯", "help", "青山镇石门村", "not_resolvable", "A-2"],
    ]
    path = write_csv(tmp_path / "旧工单.csv", rows, header=[*HEADER_ZH, "编号"], encoding="utf-8-sig")
    out, error = run_import(path)

    assert error is None, out
    assert "已导入：2行" in out
    first = Ticket.objects.get(import_key="id:A-1")
    assert first.created_at == at(2024, 3, 5, 10, 20) and first.kind == Kind.CONSULTATION
    assert first.category == lamps and first.village == village
    assert first.assignments.get().outcome == Outcome.PARTLY
    second = Ticket.objects.get(import_key="id:A-2")
    assert second.created_at == at(2024, 3, 6, 0, 0) and second.lead_unit == units["water"]
    assert second.category == lamps and second.village == village
    assert second.assignments.get().outcome == Outcome.NOT_RESOLVABLE


def test_unknown_columns_are_ignored_and_listed_once(tmp_path, units):
    header = [*HEADER[:4], "来电人", "备注"]
    rows = [["2024-03-05 10:20", f"事项{i}", "", "区水务局", "张三", "无"] for i in range(3)]
    out, error = run_import(write_csv(tmp_path / "extra.csv", rows, header=header))
    assert error is None
    assert out.count("已忽略的列：来电人、备注") == 1
    assert Ticket.objects.count() == 3


def test_a_missing_required_column_imports_nothing(tmp_path, units):
    header = ["created_at", "title", "description"]  # no unit
    rows = [["2024-03-05 10:20", "路灯不亮", "村口"]]
    out, error = run_import(write_csv(tmp_path / "nounit.csv", rows, header=header))
    assert error is not None and "unit" in error and "承办单位" in error
    assert Ticket.objects.count() == 0 and out == ""


def test_a_gbk_encoded_csv_is_refused_with_a_clear_error(tmp_path, units):
    path = write_csv(tmp_path / "gbk.csv", [MIXED_ROWS[0]], header=HEADER_ZH, encoding="gbk")
    out, error = run_import(path)
    assert error is not None
    assert "UTF-8" in error and "GBK" in error and "另存为" in error
    assert Ticket.objects.count() == 0


def test_a_dry_run_checks_everything_and_writes_nothing(tmp_path, units, village, lamps):
    out, error = run_import(write_csv(tmp_path / "old.csv", MIXED_ROWS), "--dry-run")
    assert "试运行" in out and "可导入：2行" in out and "第3行：" in out and "第6行：" in out
    assert error is not None
    assert _counts() == {"tickets": 0, "assignments": 0, "events": 0, "history": 0}


def test_only_a_supervisor_or_the_system_may_import(tmp_path, units, people):
    path = write_csv(tmp_path / "one.csv", [["2024-03-05 10:20", "路灯不亮", "", "区水务局"]], header=HEADER[:4])
    out, error = run_import(path, "--user", "operator")
    assert error is not None and "无权" in error and Ticket.objects.count() == 0
    out, error = run_import(path, "--user", "nobody")
    assert error is not None and "nobody" in error

    out, error = run_import(path, "--user", "supervisor")
    assert error is None
    ticket = Ticket.objects.get()
    assert ticket.created_by == people["supervisor"]
    assert ticket.history.get().history_user == people["supervisor"]
