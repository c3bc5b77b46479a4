"""The ticket list: the filters, cursor pages, and residents hidden from units that may not see them."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from api.pagination import TicketCursor
from hotline import workflow
from hotline.models import Ticket

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def numbers(response):
    assert response.status_code == 200, response.content.decode()
    return {row["number"] for row in response.json()["results"]}


def test_each_filter_narrows_the_list(people, units, make_ticket, monday, time_machine):
    new = make_ticket("new", kind="consultation")
    roads = make_ticket("dispatched")
    water = make_ticket("dispatched", lead="water")
    time_machine.move_to(monday + dt.timedelta(days=10), tick=False)  # both dispatched ones are now overdue
    sms = workflow.receive(by=people["operator"], kind="complaint", channel="sms", title="噪音扰民", phone="13900001111")
    op = client_for(people["operator"])
    get = lambda query: numbers(op.get("/api/tickets/?" + query))  # noqa: E731

    assert get("") == {new.number, roads.number, water.number, sms.number}
    assert get("status=dispatched") == {roads.number, water.number}
    assert get("status=new&status=dispatched") == {new.number, roads.number, water.number, sms.number}
    assert get("kind=consultation") == {new.number}
    assert get("channel=sms") == {sms.number}
    assert get(f"unit={units['water'].pk}") == {water.number}
    assert get("overdue=true") == {roads.number, water.number}
    assert get("overdue=false") == {new.number, sms.number}
    later = (monday + dt.timedelta(days=5)).isoformat()
    assert get(f"created_after={later.replace('+', '%2B')}") == {sms.number}
    assert get(f"created_before={later.replace('+', '%2B')}") == {new.number, roads.number, water.number}
    assert get(f"updated_after={later.replace('+', '%2B')}") == {sms.number}
    assert get(f"updated_before={later.replace('+', '%2B')}") == {new.number, roads.number, water.number}
    assert get("resident_phone=139 0000 1111") == {sms.number}
    assert get(f"q={roads.number}") == {roads.number}
    assert get("q=噪音") == {sms.number}
    assert get("q=1111") == {sms.number}  # the end of a phone number: hotline staff only
    assert get("queue=new") == {new.number, sms.number}


def test_bad_filter_values_are_400_with_the_field(people):
    op = client_for(people["operator"])
    for query, field in (
        ("status=lost", "status"), ("unit=abc", "unit"), ("created_after=yesterday", "created_after"),
        ("resident_phone=12", "resident_phone"), ("created_after=1900-01-01T00:00:00Z", "created_after"),
    ):
        response = op.get("/api/tickets/?" + query)
        assert response.status_code == 400, query
        assert field in response.json()["error"]["fields"], response.json()


def test_units_may_not_filter_by_phone_nor_find_tickets_by_it(people, make_ticket):
    ticket = make_ticket("dispatched")
    liaison = client_for(people["liaison"])
    refused = liaison.get("/api/tickets/?resident_phone=13800138000")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"resident_phone": ["只有话务员和督办可以按群众电话查询。"]}
    assert numbers(liaison.get("/api/tickets/?q=8000")) == set()  # no phone search for units
    assert numbers(liaison.get(f"/api/tickets/?q={ticket.number}")) == {ticket.number}


def test_units_see_their_own_tickets_only(people, units, make_ticket):
    roads, water, new = make_ticket("dispatched"), make_ticket("dispatched", lead="water"), make_ticket("new")
    report = make_ticket("dispatched", kind="report", reported_unit=units["water"])  # about water, held by roads
    assert numbers(client_for(people["liaison"]).get("/api/tickets/")) == {roads.number, report.number}
    assert numbers(client_for(people["other_liaison"]).get("/api/tickets/")) == {water.number}
    assert new.number not in numbers(client_for(people["other_liaison"]).get("/api/tickets/"))
    # a colleague sees only what was handed to them
    assert numbers(client_for(people["member"]).get("/api/tickets/")) == set()
    workflow.hand_over(ticket=roads, by=people["liaison"], to_user=people["member"])
    assert numbers(client_for(people["member"]).get("/api/tickets/")) == {roads.number}


def test_a_unit_never_gets_a_hidden_residents_name_or_phone(people, resident, make_ticket):
    open_ticket = make_ticket("dispatched")
    confidential = make_ticket("dispatched", confidential=True)
    report = make_ticket("dispatched", kind="report")
    liaison = client_for(people["liaison"])
    listed = {row["number"]: row for row in liaison.get("/api/tickets/").json()["results"]}
    assert listed[open_ticket.number]["resident"] == {"id": resident.pk, "name": "张三", "phone": "+8613800138000"}
    for hidden in (confidential, report):
        assert listed[hidden.number]["resident"] is None and listed[hidden.number]["resident_hidden"] is True
        detail = liaison.get(f"/api/tickets/{hidden.number}/")
        assert detail.status_code == 200
        text = detail.content.decode()
        assert "13800138000" not in text and "张三" not in text
    # the hotline sees everyone
    staff = {row["number"]: row for row in client_for(people["operator"]).get("/api/tickets/").json()["results"]}
    assert staff[report.number]["resident"]["phone"] == "+8613800138000"


def test_pages_follow_a_cursor_newest_first_with_a_capped_page_size(people, make_ticket, monday, time_machine, monkeypatch):
    made = []
    for minute in range(5):
        time_machine.move_to(monday + dt.timedelta(minutes=minute), tick=False)
        made.append(make_ticket("new").number)
    op = client_for(people["operator"])
    first = op.get("/api/tickets/?page_size=2").json()
    assert [r["number"] for r in first["results"]] == made[::-1][:2] and first["previous"] is None
    second = op.get(first["next"]).json()
    assert [r["number"] for r in second["results"]] == made[::-1][2:4]
    third = op.get(second["next"]).json()
    assert [r["number"] for r in third["results"]] == made[::-1][4:] and third["next"] is None
    # a ticket received meanwhile does not shift the pages already handed out
    time_machine.move_to(monday + dt.timedelta(minutes=9), tick=False)
    make_ticket("new")
    assert [r["number"] for r in op.get(second["next"]).json()["results"]] == made[::-1][4:]
    assert len(op.get("/api/tickets/?page_size=1000").json()["results"]) == 6  # at most 100: here all 6
    monkeypatch.setattr(TicketCursor, "max_page_size", 3)
    assert len(op.get("/api/tickets/?page_size=1000").json()["results"]) == 3
    assert op.get("/api/tickets/?cursor=bogus").status_code == 404


def test_the_detail_shows_timeline_assignments_replies_and_pending_requests(people, units, make_ticket):
    ticket = make_ticket("in_progress")
    workflow.request_extension(
        ticket=ticket, by=people["liaison"], reason="等材料", new_reply_by=ticket.reply_by + dt.timedelta(days=2)
    )
    body = client_for(people["supervisor"]).get(f"/api/tickets/{ticket.number}/").json()
    assert [e["action"] for e in body["events"]] == ["receive", "dispatch", "sign", "extension_request"]
    assert [(a["unit"]["name"], a["role"]) for a in body["assignments"]] == [("区交通运输局", "lead")]
    assert body["pending_extension"]["reason"] == "等材料" and body["pending_return"] is None
    assert "extension-decision" in body["actions"]
    assert body["replies"] == []
    assert Ticket.objects.get(number=ticket.number).status == body["status"] == "in_progress"
