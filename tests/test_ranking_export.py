"""The month's ranking exported to XLSX, opened with openpyxl: the ranks, scores, rates and marks."""

import io

import openpyxl
import pytest

from tests.conftest import at


@pytest.fixture
def march(monday, time_machine, make_ticket):
    make_ticket("closed")
    make_ticket("dispatched", lead="water")
    time_machine.move_to(at(2026, 3, 20, 10, 0), tick=False)


def test_the_export_holds_the_ranking_table(client, people, march):
    client.force_login(people["operator"])
    response = client.get("/supervisor/ranking/export.xlsx?month=2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="ranking-2026-03.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "2026-03 承办单位考核排名"
    assert rows[1] == ["排名", "单位", "得分", "受理量", "及时签收率", "按时办结率", "满意率", "解决率", "退单率",
                       "重办率", "红黑榜"]
    assert rows[2] == [1, "区交通运输局", 100.0, 1, 100.0, 100.0, 100.0, 100.0, 0.0, 0.0, "红榜"]
    assert rows[3] == [2, "区水务局", 10.0, 1, 0.0, 0.0, None, None, 0.0, None, "黑榜"]
    assert rows[4] == ["不排名", "青山镇", None, 0, None, None, None, None, None, None, None]


def test_a_bad_month_is_a_400_with_a_message(client, people, db):
    client.force_login(people["supervisor"])
    response = client.get("/supervisor/ranking/export.xlsx?month=2026-13")
    assert response.status_code == 400
    assert "月份格式应为“年-月”，如 2026-10。" in response.content.decode()


def test_unit_users_may_not_export_the_ranking(client, people, db):
    client.force_login(people["liaison"])
    assert client.get("/supervisor/ranking/export.xlsx?month=2026-03").status_code == 403
