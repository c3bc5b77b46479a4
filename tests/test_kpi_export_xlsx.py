"""The KPI table as an Excel workbook: opened with openpyxl and checked against the figures."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from hotline import kpis
from tests.kpi_helpers import Flow


@pytest.fixture
def march(time_machine, people, units):
    flow = Flow(time_machine, people, units)
    flow.at(2026, 3, 2, 10, 0)
    done, late = flow.dispatch(), flow.dispatch()
    flow.dispatch(lead="water")
    flow.at(2026, 3, 2, 11, 0)
    flow.sign(done)
    flow.at(2026, 3, 2, 15, 0)
    flow.reply(done)
    flow.rate(done, "basically")
    flow.at(2026, 3, 3, 11, 0)
    flow.sign(late)
    flow.at(2026, 3, 10, 10, 0)
    return flow


def workbook(client, query):
    response = client.get(f"/supervisor/kpis/export.xlsx?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response, load_workbook(io.BytesIO(response.content))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "operator"])
def test_the_export_holds_the_units_the_overall_row_and_the_definitions(client, people, march, who):
    client.force_login(people[who])
    response, book = workbook(client, "month=2026-03")
    assert 'filename="kpis-2026-03.xlsx"' in response["Content-Disposition"]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "承办单位考核统计（2026-03）"
    labels = [str(d.label) for d in kpis.DEFINITIONS.values()]
    assert list(rows[1]) == ["单位", "类型", *labels]
    by_unit = {row[0]: dict(zip(kpis.DEFINITIONS, row[2:])) for row in rows[2:]}
    assert list(by_unit) == ["区交通运输局", "区水务局", "青山镇", "全部单位"]
    roads = by_unit["区交通运输局"]
    assert roads["received"] == 2 and isinstance(roads["received"], int)
    assert roads["signed_on_time_rate"] == 50.0  # a number, not the text "50.0%"
    assert roads["replied_on_time_rate"] == 50.0  # one on time, one missed
    assert roads["satisfaction_rate"] == 100.0 and roads["resolution_rate"] == 100.0
    assert roads["return_rate"] == 0.0 and roads["reopen_rate"] == 0.0
    assert roads["avg_sign_hours"] == 4.5  # (1 + 8) / 2
    assert roads["avg_reply_hours"] == 3.0  # 10:00 → 15:00 less the lunch break
    assert by_unit["青山镇"]["signed_on_time_rate"] is None  # nothing counted: an empty cell
    total = by_unit["全部单位"]
    assert total["received"] == 3 and total["signed_on_time_rate"] == 33.3
    # every row of the table agrees with hotline.kpis
    start, end = kpis.month_bounds(dt.date(2026, 3, 1))
    for row in kpis.unit_table(start=start, end=end):
        for key in kpis.DEFINITIONS:
            expected = row[key] if row[key] is None else float(row[key])
            assert by_unit[row["unit"].name][key] == expected, (row["unit"].name, key)
    percent_column = 3 + list(kpis.DEFINITIONS).index("satisfaction_rate")
    assert sheet.cell(row=3, column=percent_column).number_format == "0.0"
    definitions = list(book.worksheets[1].iter_rows(values_only=True))
    assert book.worksheets[1].title == "指标定义"
    assert definitions[0] == ("指标", "定义")
    assert [d[0] for d in definitions[1:]] == labels
    assert definitions[1 + list(kpis.DEFINITIONS).index("satisfaction_rate")][1].startswith("期内评价的")


@pytest.mark.django_db
def test_the_export_of_a_year_or_custom_days(client, people, march):
    client.force_login(people["supervisor"])
    response, book = workbook(client, "year=2026")
    assert 'filename="kpis-2026.xlsx"' in response["Content-Disposition"]
    assert book.worksheets[0]["A1"].value == "承办单位考核统计（2026年）"
    response, book = workbook(client, "start=2026-03-03&end=2026-03-31")
    assert 'filename="kpis-2026-03-03-2026-03-31.xlsx"' in response["Content-Disposition"]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "承办单位考核统计（2026-03-03 至 2026-03-31）"
    assert rows[-1][:3] == ("全部单位", None, 0)
