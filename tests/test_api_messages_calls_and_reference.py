"""A ticket's SMS (hotline staff only) and calls (units: their masked calls, never a number);
units, villages, SLA policies for everyone who works tickets; residents for the hotline only."""

import pytest
from rest_framework.test import APIClient

from hotline.models import Call, Message, Resident

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_hotline_staff_read_a_tickets_sms_and_units_may_not(people, make_ticket):
    ticket = make_ticket("dispatched")
    body = client_for(people["operator"]).get(f"/api/tickets/{ticket.number}/messages/").json()
    templates = [m["template"] for m in body["results"]]
    assert "received" in templates and "dispatched" in templates
    assert Message.objects.filter(ticket=ticket).count() == len(body["results"])
    refused = client_for(people["liaison"]).get(f"/api/tickets/{ticket.number}/messages/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"


def test_units_see_only_their_masked_calls_and_never_a_number(people, resident, make_ticket):
    ticket = make_ticket("in_progress", confidential=True)
    inbound = Call.objects.create(provider="twilio", external_id="CA-in", direction="in", phone=resident.phone, ticket=ticket)
    bridged = Call.objects.create(
        provider="twilio", external_id="CA-br", direction="bridged", phone=resident.phone, ticket=ticket,
        status="answered", requested_by=people["liaison"],
    )
    staff = client_for(people["operator"]).get(f"/api/tickets/{ticket.number}/calls/").json()["results"]
    assert {(c["id"], c["phone"]) for c in staff} == {(inbound.pk, resident.phone), (bridged.pk, resident.phone)}
    unit = client_for(people["liaison"]).get(f"/api/tickets/{ticket.number}/calls/")
    assert [(c["id"], c["phone"], c["requested_by"]) for c in unit.json()["results"]] == [(bridged.pk, None, "liaison")]
    assert resident.phone[3:] not in unit.content.decode()


def test_units_villages_and_sla_policies_are_listed_for_anyone_who_works_tickets(people, units, village):
    liaison = client_for(people["liaison"])
    listed = liaison.get("/api/units/").json()
    assert {u["name"] for u in listed} >= {"区交通运输局", "区水务局", "青山镇"}
    assert [u["name"] for u in liaison.get("/api/units/?kind=township").json()] == ["青山镇"]
    villages = liaison.get(f"/api/villages/?township={units['town'].pk}").json()
    assert villages == [{"id": village.pk, "name": "石门村", "township": {"id": units["town"].pk, "name": "青山镇"}}]
    policies = liaison.get("/api/sla-policies/").json()
    assert {(p["kind"], p["priority"]) for p in policies} >= {("help", "normal"), ("help", "urgent")}


def test_residents_are_for_the_hotline_only(people, resident, make_ticket, village):
    ticket = make_ticket("dispatched")
    Resident.objects.create(phone="+8613900001111", name="李四", village=village)
    operator = client_for(people["operator"])
    found = operator.get("/api/residents/?phone=138-0013-8000").json()["results"]
    assert [(r["id"], r["name"], r["phone"]) for r in found] == [(resident.pk, "张三", "+8613800138000")]
    assert [r["name"] for r in operator.get("/api/residents/?q=李").json()["results"]] == ["李四"]
    assert [r["name"] for r in operator.get("/api/residents/?q=1111").json()["results"]] == ["李四"]
    assert operator.get("/api/residents/?phone=12").status_code == 400
    detail = operator.get(f"/api/residents/{resident.pk}/").json()
    assert [t["number"] for t in detail["tickets"]] == [ticket.number]
    assert operator.get("/api/residents/999999/").status_code == 404
    assert operator.get(f"/api/residents/{10**30}/").status_code == 404
    for role in ("liaison", "editor"):
        assert client_for(people[role]).get("/api/residents/").status_code == 403
        assert client_for(people[role]).get(f"/api/residents/{resident.pk}/").status_code == 403


def test_a_media_editor_works_no_tickets(people, make_ticket):
    editor = client_for(people["editor"])
    assert editor.get("/api/tickets/").status_code == 403
    assert editor.get(f"/api/tickets/{make_ticket('new').number}/").status_code == 403
