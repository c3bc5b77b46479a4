"""The ranking page, its export and the public ranking cost the same number of queries for 3 units as
for 12 (each with tickets), whatever the number of tickets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline import ranking, workflow
from hotline.models import Unit
from tests.conftest import at


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_units(people, n):
    for i in range(n):
        unit = Unit.objects.create(name=f"第{i}乡", kind=Unit.Kind.TOWNSHIP)
        for _ in range(2):
            ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="诉求", resident=None)
            workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=unit)


URLS = ["/supervisor/ranking/?month=2026-03", "/supervisor/ranking/export.xlsx?month=2026-03",
        "/public/ranking/2026-03/", "/public/ranking/", "/api/public/ranking/", "/api/public/ranking/2026-03/"]


@pytest.mark.parametrize("url", URLS)
def test_3_units_and_12_units_cost_the_same_queries(client, people, make_ticket, monday, time_machine, url,
                                                    django_assert_max_num_queries):
    make_ticket("closed")
    make_ticket("dispatched", lead="water")
    time_machine.move_to(at(2026, 4, 10, 10, 0), tick=False)
    client.force_login(people["supervisor"])
    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    few = queries(client, url)
    time_machine.move_to(at(2026, 3, 10, 10, 0), tick=False)
    add_units(people, 9)
    time_machine.move_to(at(2026, 4, 10, 10, 0), tick=False)
    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    assert Unit.objects.count() == 12
    assert queries(client, url) == few
    with django_assert_max_num_queries(30):  # 6 months of kpis.unit_table (2 each), volume (4), the rest
        client.get(url)
