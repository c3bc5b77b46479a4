"""POST /api/tickets/: an operator receives a ticket through the workflow; an upstream 12345
platform's login receives with its own id, idempotently (201 the first time, 200 after)."""

import pytest
from rest_framework.test import APIClient

from hotline.models import Message, Resident, Ticket, TicketEvent
from tests.fake_upstream import make_platform

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_operator_receives_a_phone_ticket_and_the_resident_is_found_by_phone(people, village):
    response = client_for(people["operator"]).post(
        "/api/tickets/",
        {"kind": "help", "title": "路灯不亮", "description": "村口路灯坏了", "phone": "138 0013 8000",
         "resident_name": "张三", "village": village.pk, "place": "村口"},
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert (ticket.channel, ticket.status, ticket.created_by) == ("phone", "new", people["operator"])
    assert ticket.resident == Resident.objects.get(phone="+8613800138000")
    assert body["resident"]["phone"] == "+8613800138000" and body["village"]["id"] == village.pk
    assert [e["action"] for e in body["events"]] == ["receive"]
    assert Message.objects.filter(ticket=ticket, template="received").exists()  # the acknowledgement SMS
    # the same phone again is the same resident
    again = client_for(people["supervisor"]).post(
        "/api/tickets/", {"kind": "complaint", "channel": "walk_in", "title": "噪音", "phone": "+86 13800138000"},
        format="json",
    )
    assert again.status_code == 201 and again.json()["resident"]["id"] == body["resident"]["id"]
    assert again.json()["channel"] == "walk_in"


def test_a_report_is_confidential_and_names_the_unit_it_is_about(people, units):
    response = client_for(people["operator"]).post(
        "/api/tickets/", {"kind": "report", "title": "乱收费", "reported_unit": units["water"].pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["confidential"] is True and response.json()["reported_unit"]["id"] == units["water"].pk


def test_units_and_other_logins_cannot_receive(people):
    for role in ("liaison", "editor"):
        response = client_for(people[role]).post("/api/tickets/", {"kind": "help", "title": "x"}, format="json")
        assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_only_an_upstream_platform_may_give_an_external_id(people):
    response = client_for(people["operator"]).post(
        "/api/tickets/", {"kind": "help", "title": "停水", "external_id": "SZ-1"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["external_id"]
    assert not Ticket.objects.exists()


def test_an_upstream_platform_gets_one_ticket_per_external_id(people):
    city = make_platform("city")
    client = client_for(city.user)
    body = {"kind": "help", "title": "自来水停了", "phone": "13800138000", "external_id": "SZ-2026-0001",
            "upstream_reply_by": "2026-12-01T17:00:00+08:00"}

    first = client.post("/api/tickets/", body, format="json")
    assert first.status_code == 201, first.content.decode()
    again = client.post("/api/tickets/", {**body, "title": "重复推送"}, format="json")
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"] and again.json()["title"] == "自来水停了"

    ticket = Ticket.objects.get()
    assert (ticket.source_system, ticket.external_id, ticket.channel) == (city, "SZ-2026-0001", "upstream")
    assert ticket.upstream_reply_by.isoformat() == "2026-12-01T09:00:00+00:00"
    assert first.json()["source_system"] == "city" and first.json()["external_id"] == "SZ-2026-0001"
    assert TicketEvent.objects.filter(ticket=ticket, action="receive").count() == 1


def test_an_upstream_platform_must_give_its_id_and_a_stopped_one_is_refused(people):
    city = make_platform("city")
    missing = client_for(city.user).post("/api/tickets/", {"kind": "help", "title": "停水"}, format="json")
    assert missing.status_code == 400 and list(missing.json()["error"]["fields"]) == ["external_id"]
    city.is_active = False
    city.save()
    stopped = client_for(city.user).post(
        "/api/tickets/", {"kind": "help", "title": "停水", "external_id": "SZ-9"}, format="json"
    )
    assert stopped.status_code == 403 and stopped.json()["error"]["code"] == "permission_denied"
    assert not Ticket.objects.exists()
