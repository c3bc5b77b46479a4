"""A list costs the same number of queries whatever its length (DESIGN.md §5 rule 6):
the same count for 1 row and for 30, for every list of the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hotline import workflow
from hotline.models import Call, Message, Resident, Unit, Village

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


def count(client, path):
    client.get(path)  # warm Django's per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content.decode()
    return len(captured.captured_queries), response.json()


def rows(body):
    return body["results"] if isinstance(body, dict) else body


def _tickets(make_ticket, people, village, n, **kwargs):
    made = []
    for i in range(n):
        ticket = make_ticket("dispatched", confidential=i % 3 == 0, **kwargs)
        if i % 2:
            workflow.request_return(ticket=ticket, by=people["liaison"], reason="不归我们")
        made.append(ticket)
    return made


@pytest.mark.parametrize("role", ["operator", "liaison"])
def test_the_ticket_list_costs_the_same_for_1_and_for_30_tickets(role, people, village, make_ticket):
    client = client_for(people[role])
    path = "/api/tickets/?page_size=50"
    _tickets(make_ticket, people, village, 1)
    one, body = count(client, path)
    assert len(rows(body)) == 1
    _tickets(make_ticket, people, village, 29)
    thirty, body = count(client, path)
    assert len(rows(body)) == 30
    assert thirty == one, (one, thirty)


def test_the_filtered_ticket_list_costs_the_same_for_1_and_for_30_tickets(people, village, make_ticket):
    client = client_for(people["operator"])
    path = "/api/tickets/?page_size=50&status=dispatched&overdue=false&q=路灯&resident_phone=13800138000&queue=open"
    _tickets(make_ticket, people, village, 1)
    one, body = count(client, path)
    _tickets(make_ticket, people, village, 29)
    thirty, body = count(client, path)
    assert len(rows(body)) == 30 and thirty == one, (one, thirty)


def _messages(ticket, n):
    for i in range(n):
        Message.objects.create(
            direction="out", phone="+8613800138000", ticket=ticket, template="received", body=f"短信{i}", status="sent",
        )


def test_a_tickets_messages_cost_the_same_for_1_and_for_30(people, make_ticket):
    ticket = make_ticket("new")
    Message.objects.filter(ticket=ticket).delete()
    client, path = client_for(people["operator"]), f"/api/tickets/{ticket.number}/messages/?page_size=50"
    _messages(ticket, 1)
    one, body = count(client, path)
    _messages(ticket, 29)
    thirty, body = count(client, path)
    assert len(rows(body)) == 30 and thirty == one, (one, thirty)


def _calls(ticket, people, n, start):
    for i in range(start, start + n):
        Call.objects.create(
            provider="twilio", external_id=f"CA{i:032d}", direction=Call.Direction.BRIDGED, phone="+8613800138000",
            ticket=ticket, status="answered", requested_by=people["liaison"], answered_by=people["operator"],
        )


@pytest.mark.parametrize("role", ["operator", "liaison"])
def test_a_tickets_calls_cost_the_same_for_1_and_for_30(role, people, make_ticket):
    ticket = make_ticket("in_progress", confidential=True)
    client, path = client_for(people[role]), f"/api/tickets/{ticket.number}/calls/?page_size=50"
    _calls(ticket, people, 1, 0)
    one, body = count(client, path)
    _calls(ticket, people, 29, 1)
    thirty, body = count(client, path)
    assert len(rows(body)) == 30 and thirty == one, (one, thirty)
    assert all((call["phone"] is None) == (role == "liaison") for call in rows(body))


def test_units_and_villages_cost_the_same_for_1_and_for_30(people):
    client = client_for(people["liaison"])
    Unit.objects.exclude(staff__isnull=False).delete()
    town = Unit.objects.create(name="石桥镇", kind=Unit.Kind.TOWNSHIP)
    Village.objects.create(township=town, name="村0")
    units_one, _ = count(client, "/api/units/")
    villages_one, _ = count(client, "/api/villages/")
    for i in range(30):
        Unit.objects.create(name=f"单位{i}", kind=Unit.Kind.DEPARTMENT)
        Village.objects.create(township=Unit.objects.create(name=f"镇{i}", kind=Unit.Kind.TOWNSHIP), name=f"村{i}")
    units_thirty, body = count(client, "/api/units/")
    assert len(body) > 30 and units_thirty == units_one
    villages_thirty, body = count(client, "/api/villages/")
    assert len(body) == 31 and villages_thirty == villages_one


def test_residents_cost_the_same_for_1_and_for_30(people, village):
    client = client_for(people["operator"])
    Resident.objects.create(phone="+8613800000100", name="李四", village=village)
    one, _ = count(client, "/api/residents/?page_size=50")
    for i in range(29):
        Resident.objects.create(phone=f"+86138000002{i:02d}", village=village)
    thirty, body = count(client, "/api/residents/?page_size=50")
    assert len(rows(body)) == 30 and thirty == one
