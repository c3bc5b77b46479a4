"""The public ranking in the API (no login): the published months, and a month's table as published."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from hotline import ranking
from tests.conftest import at


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def march(monday, time_machine, make_ticket):
    make_ticket("closed")
    make_ticket("dispatched", lead="water")
    time_machine.move_to(at(2026, 4, 10, 10, 0), tick=False)


def test_only_published_months_are_served(api, people, march):
    assert api.get("/api/public/ranking/").json() == []
    response = api.get("/api/public/ranking/2026-03/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    months = api.get("/api/public/ranking/").json()
    assert [m["month"] for m in months] == ["2026-03"]
    table = api.get("/api/public/ranking/2026-03/").json()
    assert table["month"] == "2026-03"
    roads, water, town = table["rows"]
    assert roads == {
        "unit": "区交通运输局", "unit_kind": "department", "rank": 1, "mark": "red", "score": "100.00", "received": 1,
        "signed_on_time_rate": "100.0", "replied_on_time_rate": "100.0", "satisfaction_rate": "100.0",
        "resolution_rate": "100.0", "return_rate": "0.0", "reopen_rate": "0.0",
    }
    assert (water["rank"], water["mark"], water["score"], water["satisfaction_rate"]) == (2, "black", "10.00", None)
    assert (town["rank"], town["mark"], town["score"]) == (None, "", None)

    ranking.withdraw(month=dt.date(2026, 3, 1), by=people["supervisor"])
    assert api.get("/api/public/ranking/").json() == []
    assert api.get("/api/public/ranking/2026-03/").status_code == 404


@pytest.mark.parametrize("month", ["2026-3", "x", "2026-00", "９９９９-０１"])
def test_malformed_months_are_a_json_404(api, db, month):
    response = api.get(f"/api/public/ranking/{month}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_schema_documents_both_operations(api, db):
    document = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    detail = document["paths"]["/api/public/ranking/{month}/"]["get"]
    assert detail["operationId"] == "public_ranking_retrieve" and "快照" in detail["description"]
    assert {} in document["paths"]["/api/public/ranking/"]["get"]["security"]  # no login needed
