"""`suggested_units` on the API's ticket detail: best first, hotline staff only, fixed query count."""

import pytest

from hotline import workflow
from hotline.models import RoutingRule, Unit
from hotline.routing import training
from tests.routing_helpers import bulk_history
from tests.test_api_query_counts import client_for, count

pytestmark = pytest.mark.django_db


def _new_ticket(people, village):
    return workflow.receive(
        by=people["operator"], kind="help", channel="phone", title="自来水管爆裂", description="停水两天", village=village
    )


def test_an_operator_sees_the_ranked_suggestions_with_reasons(people, units, village):
    RoutingRule.objects.create(unit=units["water"], keywords="停水")
    bulk_history(units, per_unit=80)
    training.train()
    ticket = _new_ticket(people, village)

    body = client_for(people["operator"]).get(f"/api/tickets/{ticket.number}/").json()

    got = body["suggested_units"]
    assert got[0]["unit"] == units["water"].pk and got[0]["name"] == "区水务局"
    assert "关键词：停水" in got[0]["reason"] and "模型v1" in got[0]["reason"]
    assert {s["unit"] for s in got} >= {units["water"].pk, units["town"].pk}
    assert all(0 <= s["score"] <= 1 for s in got)
    assert [s["score"] for s in got] == sorted((s["score"] for s in got), reverse=True)
    assert set(got[0]) == {"unit", "name", "score", "reason"}


def test_a_unit_gets_none(people, units, village):
    ticket = _new_ticket(people, village)
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    assert client_for(people["operator"]).get(f"/api/tickets/{ticket.number}/").json()["suggested_units"]
    assert client_for(people["liaison"]).get(f"/api/tickets/{ticket.number}/").json()["suggested_units"] == []


def test_the_detail_costs_the_same_with_3_units_and_rules_as_with_30(people, units, village):
    ticket = _new_ticket(people, village)
    client = client_for(people["operator"])
    RoutingRule.objects.create(unit=units["water"], keywords="停水")
    few, body = count(client, f"/api/tickets/{ticket.number}/")
    for i in range(27):
        unit = Unit.objects.create(name=f"单位{i}", kind=Unit.Kind.DEPARTMENT)
        RoutingRule.objects.create(unit=unit, keywords=f"停水{i}、水管{i}")
    many, body = count(client, f"/api/tickets/{ticket.number}/")
    assert many == few, (few, many)
