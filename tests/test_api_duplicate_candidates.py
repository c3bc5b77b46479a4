"""`duplicate_candidates` on the API's ticket detail (issue 8): the open tickets flagged as possibly the
same matter, for hotline staff only — a unit always gets [] — in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hotline import workflow
from hotline.models import DuplicateFlag

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


def detail(client, ticket):
    response = client.get(f"/api/tickets/{ticket.number}/")
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_an_operator_sees_the_candidates_best_first(people, make_ticket):
    first = make_ticket("dispatched")
    second = make_ticket("new")
    flag = DuplicateFlag.objects.get(ticket=second)
    for role in ("operator", "supervisor"):
        body = detail(client_for(people[role]), second)
        assert body["duplicate_candidates"] == [{
            "id": flag.pk, "number": first.number, "title": first.title, "status": "dispatched",
            "score": flag.score, "reason": flag.reason,
        }]
        assert body["duplicate_candidates"][0]["reason"].startswith("同一来电人")


def test_a_unit_user_gets_an_empty_list(people, make_ticket):
    make_ticket("dispatched")
    second = make_ticket("dispatched", confidential=True)
    assert DuplicateFlag.objects.filter(ticket=second).exists()
    for role in ("liaison", "head"):
        body = detail(client_for(people[role]), second)
        assert body["duplicate_candidates"] == []
        assert "同一来电人" not in str(body)


def test_dismissed_flags_closed_candidates_and_merged_tickets_show_nothing(people, make_ticket):
    first = make_ticket("new")
    second = make_ticket("new")
    third = make_ticket("new")  # flagged against first and second
    client = client_for(people["operator"])
    assert {c["number"] for c in detail(client, third)["duplicate_candidates"]} == {first.number, second.number}
    DuplicateFlag.objects.filter(ticket=third, candidate=second).update(dismissed_at=first.created_at)
    workflow.mark_invalid(ticket=first, by=people["operator"], reason="重复来电")
    assert detail(client, third)["duplicate_candidates"] == []
    # merged through the API action: the merged ticket lists no candidates any more
    response = client.post(f"/api/tickets/{second.number}/merge/", {"into": make_ticket("new").number}, format="json")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "closed" and response.json()["duplicate_candidates"] == []


def _count(client, ticket):
    client.get(f"/api/tickets/{ticket.number}/")  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        body = detail(client, ticket)
    return len(captured.captured_queries), body


@pytest.mark.parametrize("role", ["operator", "liaison"])
def test_the_detail_costs_the_same_with_1_or_5_candidates(role, people, make_ticket):
    client = client_for(people[role])
    older = [make_ticket("dispatched") for _ in range(5)]
    ticket = make_ticket("dispatched")
    flags = DuplicateFlag.objects.filter(ticket=ticket)
    assert flags.count() == 5
    keep = flags.order_by("-score", "pk").first()
    flags.exclude(pk=keep.pk).update(dismissed_at=ticket.created_at)
    one, body = _count(client, ticket)
    assert len(body["duplicate_candidates"]) == (1 if role == "operator" else 0)
    flags.update(dismissed_at=None)
    five, body = _count(client, ticket)
    assert len(body["duplicate_candidates"]) == (5 if role == "operator" else 0)
    if role == "operator":
        assert {c["number"] for c in body["duplicate_candidates"]} == {t.number for t in older}
    assert five == one, (one, five)


def test_the_schema_documents_the_field(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schemas = response.json()["components"]["schemas"]
    field = schemas["TicketDetail"]["properties"]["duplicate_candidates"]
    assert field["type"] == "array" and field["items"] == {"$ref": "#/components/schemas/DuplicateCandidate"}
    assert set(schemas["DuplicateCandidate"]["properties"]) == {"id", "number", "title", "status", "score", "reason"}
