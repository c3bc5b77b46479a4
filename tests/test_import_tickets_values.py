"""How import_tickets reads the values of a row: times, kinds, outcomes, categories and villages by name or
path, and every problem of a row reported together."""

import datetime as dt

import pytest

from hotline.models import Category, Unit, Village
from hotline.routing import importer
from tests.conftest import at
from tests.import_helpers import HEADER, lamps, run_import, write_csv  # noqa: F401

NOW = at(2026, 3, 2, 10, 0)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05 10:20", "2024-03-05 10:20:00", "2024/3/5 10:20", "2024/03/05 10:20:00", "2024.3.5 10:20",
        "2024年3月5日 10:20", "2024年3月5日10:20", "2024年3月5日10时20分", "２０２４－０３－０５　１０：２０",
        "2024-03-05T10:20:00+08:00", "2024-03-05T02:20:00Z", "2024-03-05 02:20:00+00:00",
    ],
)
def test_times_are_read_in_the_usual_ways_as_shanghai_time(text):
    assert importer.parse_time(text, now=NOW) == at(2024, 3, 5, 10, 20)


def test_dates_excel_cells_and_seconds():
    assert importer.parse_time("2024-03-05", now=NOW) == at(2024, 3, 5, 0, 0)
    assert importer.parse_time("2024年3月5日", now=NOW) == at(2024, 3, 5, 0, 0)
    assert importer.parse_time("2024年3月5日10时20分30秒", now=NOW) == at(2024, 3, 5, 10, 20, 30)
    assert importer.parse_time(dt.datetime(2024, 3, 5, 10, 20), now=NOW) == at(2024, 3, 5, 10, 20)
    assert importer.parse_time(dt.date(2024, 3, 5), now=NOW) == at(2024, 3, 5, 0, 0)
    assert importer.parse_time(45356.4305556, now=NOW) == at(2024, 3, 5, 10, 20)  # a serial without a date format


@pytest.mark.parametrize("text", ["", "昨天", "2024-02-30 10:00", "2024-03-05 25:00", "3/5/2024", "2024", "1000"])
def test_unreadable_times_are_row_errors(text):
    with pytest.raises(importer.RowError):
        importer.parse_time(text, now=NOW)


def test_a_time_in_the_future_is_a_row_error():
    with pytest.raises(importer.RowError, match="晚于当前时间"):
        importer.parse_time("2026-03-02 10:01", now=NOW)
    assert importer.parse_time("2026-03-02 10:00", now=NOW) == NOW


def test_kinds_and_outcomes_by_code_or_chinese_label():
    assert importer.parse_kind("") == "help"
    assert importer.parse_kind("举报") == "report" and importer.parse_kind(" Complaint ") == "complaint"
    assert importer.parse_outcome("") == "" and importer.parse_outcome("无法解决") == "not_resolvable"
    assert importer.parse_outcome("partly") == "partly"
    with pytest.raises(importer.RowError, match="咨询"):
        importer.parse_kind("来电")
    with pytest.raises(importer.RowError, match="已解决"):
        importer.parse_outcome("办好了")


def test_categories_by_unique_name_or_path(db, lamps):
    other = Category.objects.create(name="路灯", parent=Category.objects.create(name="农村公路"))
    lookups = importer.Lookups()
    assert lookups.category("城乡建设/道路/路灯") == lamps
    assert lookups.category("道路 › 路灯") == lamps and lookups.category("道路＞路灯") == lamps
    assert lookups.category("农村公路/路灯") == other
    assert lookups.category("道路") == lamps.parent
    with pytest.raises(importer.RowError, match="不唯一"):
        lookups.category("路灯")
    with pytest.raises(importer.RowError, match="不存在"):
        lookups.category("城乡建设/路灯/道路")


def test_villages_by_unique_name_or_township_and_village(units, village):
    other_town = Unit.objects.create(name="龙潭镇", kind=Unit.Kind.TOWNSHIP)
    twin = Village.objects.create(township=other_town, name="新村")
    Village.objects.create(township=units["town"], name="新村")
    lookups = importer.Lookups()
    assert lookups.village("石门村") == village and lookups.village("青山镇/石门村") == village
    assert lookups.village("青山镇石门村") == village
    assert lookups.village("龙潭镇 / 新村") == twin and lookups.village("龙潭镇新村") == twin
    with pytest.raises(importer.RowError, match="乡镇/村"):
        lookups.village("新村")
    with pytest.raises(importer.RowError, match="不存在"):
        lookups.village("龙潭镇/石门村")


def test_units_by_exact_name_short_name_inactive_ones_too(units):
    closed = Unit.objects.create(name="区林业局", short_name="林业局", kind=Unit.Kind.DEPARTMENT, is_active=False)
    lookups = importer.Lookups()
    assert lookups.unit(" 区 水务局 ") == units["water"] and lookups.unit("林业局") == closed
    with pytest.raises(importer.RowError, match="区水务局"):
        lookups.unit("水务局")


def test_every_problem_of_a_row_is_reported_together(tmp_path, units):
    rows = [["明天", "", "", "区水利局", "不存在的分类", "来电", "不存在的村", "办好了"]]
    out, error = run_import(write_csv(tmp_path / "bad.csv", rows))
    (line,) = [line for line in out.splitlines() if line.startswith("第2行：")]
    for part in ("明天", "标题为空", "区水利局", "不存在的分类", "来电", "不存在的村", "办好了"):
        assert part in line
    assert error is not None


def test_a_title_over_200_characters_is_refused_not_cut(tmp_path, units):
    rows = [["2024-03-05 10:20", "长" * 201, "", "区水务局"], ["2024-03-05 10:20", "长" * 200, "", "区水务局"]]
    out, error = run_import(write_csv(tmp_path / "long.csv", rows, header=HEADER[:4]))
    assert "第2行：" in out and "201" in out and "已导入：1行" in out and "第3行" not in out
