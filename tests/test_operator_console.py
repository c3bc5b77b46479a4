"""The operator console: queues of what needs doing, the call screen-pop, intake with lookup and suggestions."""

import pytest

from hotline.models import Call, Resident, Ticket
from hotline.models.choices import Status


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["operator"])
    return client


def test_a_new_sms_ticket_appears_in_the_new_queue(operator_client, sms):
    sms.send("石门村路灯坏了三天")
    ticket = Ticket.objects.get()
    body = operator_client.get("/console/").content.decode()
    assert f'data-ticket-number="{ticket.number}"' in body
    fragment = operator_client.get("/console/queue/new/").content.decode()
    assert f'data-ticket-number="{ticket.number}"' in fragment and 'hx-trigger="hotline:ticket from:body, every 30s"' in fragment


def test_replies_awaiting_review_are_queued_for_the_operator(operator_client, make_ticket):
    ticket = make_ticket("replied")
    fragment = operator_client.get("/console/queue/review/").content.decode()
    assert f'data-ticket-number="{ticket.number}"' in fragment
    assert f'data-ticket-number="{ticket.number}"' not in operator_client.get("/console/queue/new/").content.decode()


def test_unit_users_cannot_open_the_console(client, people):
    for role in ("liaison", "member", "editor"):
        client.force_login(people[role])
        assert client.get("/console/").status_code == 403
        assert client.get("/console/queue/new/").status_code == 403
        assert client.get("/residents/lookup/?phone=13800138000").status_code == 403


def test_an_unknown_queue_is_404(operator_client):
    assert operator_client.get("/console/queue/everything/").status_code == 404


def _tickets(make_ticket, n):
    return [make_ticket("new") for _ in range(n)]


def test_a_queue_costs_the_same_queries_with_one_row_or_a_full_page(operator_client, make_ticket, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _tickets(make_ticket, 1)
    with CaptureQueriesContext(connection) as one:
        operator_client.get("/console/queue/new/")
    _tickets(make_ticket, 11)
    with django_assert_num_queries(len(one)):
        body = operator_client.get("/console/queue/new/").content.decode()
    assert body.count("data-ticket-number=") == 10  # one page


def test_the_screen_pop_shows_the_caller_and_their_tickets_open_first(operator_client, make_ticket, resident):
    closed = make_ticket("closed")
    open_ticket = make_ticket("dispatched")
    call = Call.objects.create(provider="twilio", external_id="CA1", direction="in", phone=resident.phone, resident=resident)
    body = operator_client.get(f"/console/calls/{call.pk}/pop/").content.decode()
    assert "张三" in body
    assert body.index(open_ticket.number) < body.index(closed.number)
    assert f"/tickets/new/?call={call.pk}" in body


def test_the_screen_pop_of_a_first_time_caller(operator_client):
    call = Call.objects.create(provider="twilio", external_id="CA2", direction="in", phone="+8613900139000")
    body = operator_client.get(f"/console/calls/{call.pk}/pop/").content.decode()
    assert "首次来电" in body


def test_a_ticket_started_from_a_call_is_linked_to_it_and_can_be_dispatched_at_once(operator_client, units, resident):
    call = Call.objects.create(provider="twilio", external_id="CA3", direction="in", phone=resident.phone, resident=resident)
    form = operator_client.get(f"/tickets/new/?call={call.pk}").content.decode()
    assert resident.phone in form
    response = operator_client.post("/tickets/new/", {
        "kind": "help", "channel": "phone", "title": "路灯不亮", "description": "村口路灯坏了", "phone": resident.phone,
        "priority": "normal", "call": call.pk, "lead_unit": units["roads"].pk,
    })
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.number}/"
    call.refresh_from_db()
    assert call.ticket == ticket
    assert ticket.resident == resident and ticket.status == Status.DISPATCHED and ticket.lead_unit == units["roads"]


def test_intake_with_a_bad_phone_number_keeps_what_was_typed(operator_client):
    response = operator_client.post("/tickets/new/", {
        "kind": "help", "channel": "phone", "title": "路灯不亮", "description": "村口路灯坏了三天", "phone": "12345",
        "priority": "normal",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "村口路灯坏了三天" in body and 'class="error"' in body
    assert not Ticket.objects.exists() and not Resident.objects.exists()


def test_resident_lookup_by_phone(operator_client, make_ticket, resident):
    ticket = make_ticket("new")
    body = operator_client.get("/residents/lookup/?phone=138 0013 8000").content.decode()
    assert "张三" in body and ticket.number in body
    assert "新来电人" in operator_client.get("/residents/lookup/?phone=13900139000").content.decode()
    assert 'class="error"' in operator_client.get("/residents/lookup/?phone=abc").content.decode()


def test_suggested_units_include_the_villages_township(operator_client, village, units):
    body = operator_client.get(f"/tickets/suggest-units/?title=路灯不亮&village={village.pk}").content.decode()
    assert units["town"].name in body and "石门村属本乡镇" in body


def test_search_by_number_phone_and_text(operator_client, make_ticket):
    ticket = make_ticket("new")
    other = make_ticket("new")
    Ticket.objects.filter(pk=other.pk).update(title="井盖缺失", description="")
    for q in (ticket.number, "13800138000", "8000", "路灯"):
        body = operator_client.get("/tickets/", {"q": q}).content.decode()
        assert f'data-ticket-number="{ticket.number}"' in body, q
    body = operator_client.get("/tickets/", {"q": "路灯"}).content.decode()
    assert f'data-ticket-number="{other.number}"' not in body


def test_units_cannot_find_tickets_by_a_residents_phone(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    client.force_login(people["liaison"])
    assert ticket.number not in client.get("/tickets/", {"q": "13800138000"}).content.decode()
    assert ticket.number in client.get("/tickets/", {"q": "路灯"}).content.decode()
    client.force_login(people["other_liaison"])
    assert ticket.number not in client.get("/tickets/", {"q": "路灯"}).content.decode()


def test_the_ticket_list_costs_the_same_queries_whatever_the_page_size(operator_client, make_ticket, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_ticket("dispatched")
    with CaptureQueriesContext(connection) as one:
        operator_client.get("/tickets/")
    for _ in range(27):
        make_ticket("new")
    with django_assert_num_queries(len(one)):
        body = operator_client.get("/tickets/").content.decode()
    assert body.count("data-ticket-number=") == 25


def test_the_ticket_list_filters(operator_client, make_ticket, village):
    new, dispatched = make_ticket("new"), make_ticket("dispatched")
    body = operator_client.get("/tickets/", {"status": "new"}).content.decode()
    assert new.number in body and dispatched.number not in body
    body = operator_client.get("/tickets/", {"queue": "open", "created_from": "2000-01-01"}).content.decode()
    assert new.number in body and dispatched.number in body
    response = operator_client.get("/tickets/", {"created_from": "not-a-date"})
    assert response.status_code == 200 and "查询条件有误" in response.content.decode()




def test_a_report_is_never_dispatched_at_intake_to_the_unit_it_is_about(operator_client, units, village):
    report = {"kind": "report", "channel": "phone", "title": "镇干部吃拿卡要", "priority": "normal", "phone": "13800138000"}
    # the township is the village's: suggested first, unless it is the reported unit
    assert units["town"].name in operator_client.get(f"/tickets/suggest-units/?village={village.pk}").content.decode()
    body = operator_client.get(f"/tickets/suggest-units/?village={village.pk}&reported_unit={units['town'].pk}").content.decode()
    assert units["town"].name not in body
    # dispatching a report at intake needs the reported unit named, and never to it
    response = operator_client.post("/tickets/new/", {**report, "lead_unit": units["town"].pk})
    assert response.status_code == 200 and "举报件派单前请填写被举报单位" in response.content.decode()
    response = operator_client.post("/tickets/new/", {**report, "lead_unit": units["town"].pk, "reported_unit": units["town"].pk})
    assert response.status_code == 200 and "举报件不能派给被举报单位" in response.content.decode()
    assert not Ticket.objects.exists()
    response = operator_client.post("/tickets/new/", {**report, "lead_unit": units["roads"].pk, "reported_unit": units["town"].pk})
    ticket = Ticket.objects.get()
    assert (ticket.reported_unit, ticket.lead_unit, ticket.confidential) == (units["town"], units["roads"], True)


def test_only_a_report_names_a_reported_unit(operator_client, units):
    response = operator_client.post("/tickets/new/", {
        "kind": "help", "channel": "phone", "title": "路灯", "priority": "normal", "reported_unit": units["town"].pk,
    })
    assert response.status_code == 200 and "只有举报件可以指定被举报单位" in response.content.decode()
    assert not Ticket.objects.exists()
