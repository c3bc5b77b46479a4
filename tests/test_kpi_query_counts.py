"""The KPIs cost a fixed number of queries whatever the number of units and tickets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline import appeals, kpis
from hotline.models import Assignment, Category, Unit
from tests.kpi_helpers import Flow, month

PAGES = (
    "/supervisor/kpis/?month=2026-03",
    "/supervisor/kpis/?year=2026&sort=received",
    "/supervisor/kpis/export.xlsx?month=2026-03",
    "/supervisor/kpis/appeals/",
)


def busy_month(flow, units, village):
    """Two tickets for each of `units` (keys of flow.units), one of them signed late."""
    category = Category.objects.get_or_create(name="道路", parent=Category.objects.get_or_create(name="城乡建设")[0])[0]
    flow.at(2026, 3, 2, 10, 0)
    leads = []
    for key in units:
        done = flow.dispatch(lead=key, village=village, category=category)
        flow.dispatch(lead=key, channel="sms")
        leads.append(Assignment.objects.get(ticket=done))
    flow.at(2026, 3, 3, 11, 0)
    for key, lead in zip(units, leads):
        flow.sign(lead.ticket, key)
    return leads


def measure(client, user, urls):
    client.force_login(user)
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def calls():
    got = {}
    for name, call in {
        "unit_table": lambda: kpis.unit_table(**month(2026, 3)),
        "overall": lambda: kpis.overall(**month(2026, 3)),
        "breakdown": lambda: [kpis.breakdown(**month(2026, 3), by=by) for by in kpis.BREAKDOWNS],
    }.items():
        with CaptureQueriesContext(connection) as queries:
            call()
        got[name] = len(queries)
    return got


@pytest.mark.django_db
def test_3_or_20_units_cost_the_same_queries(client, time_machine, people, units, village):
    flow = Flow(time_machine, people, units)
    busy_month(flow, ["roads", "water"], village)
    small = calls()
    assert small == {"unit_table": 2, "overall": 2, "breakdown": 6}  # village and category labels: 1 each
    pages = measure(client, people["supervisor"], PAGES)
    unit_page = measure(client, people["liaison"], ["/unit/kpis/?month=2026-03"])

    flow.at(2026, 3, 2, 10, 0)
    for n in range(17):
        flow.units[f"u{n}"] = Unit.objects.create(name=f"第{n}单位", kind=Unit.Kind.TOWNSHIP)
        flow.dispatch(lead=f"u{n}", village=village)
        flow.dispatch(lead=f"u{n}", channel="sms", kind="complaint")
    flow.at(2026, 3, 10, 10, 0)
    assert Unit.objects.filter(is_active=True).count() == 20

    assert calls() == small
    assert measure(client, people["supervisor"], PAGES) == pages
    assert measure(client, people["liaison"], ["/unit/kpis/?month=2026-03"]) == unit_page
    assert max(pages.values()) <= 20


@pytest.mark.django_db
def test_the_unit_page_and_appeals_list_cost_the_same_with_more_appeals(client, time_machine, people, units, village):
    flow = Flow(time_machine, people, units)
    flow.at(2026, 3, 2, 10, 0)
    tickets = [flow.dispatch() for _ in range(2)]
    flow.at(2026, 3, 10, 10, 0)
    url = "/unit/kpis/?month=2026-03"
    leads = [Assignment.objects.get(ticket=ticket) for ticket in tickets]
    appeals.request(assignment=leads[0], metric="signed_on_time", reason="x", by=people["liaison"])
    before = measure(client, people["liaison"], [url])
    supervisor_before = measure(client, people["supervisor"], ["/supervisor/kpis/appeals/"])
    appeals.request(assignment=leads[0], metric="replied_on_time", reason="y", by=people["liaison"])
    for lead in leads[1:]:
        appeals.request(assignment=lead, metric="signed_on_time", reason="x", by=people["liaison"])
        decided = appeals.request(assignment=lead, metric="replied_on_time", reason="y", by=people["liaison"])
        appeals.decide(appeal=decided, approve=False, note="不属实", by=people["supervisor"])
    for _ in range(6):
        flow.at(2026, 3, 2, 10, 0)
        flow.dispatch()
    flow.at(2026, 3, 10, 10, 0)
    assert measure(client, people["liaison"], [url]) == before
    assert measure(client, people["supervisor"], ["/supervisor/kpis/appeals/"]) == supervisor_before
