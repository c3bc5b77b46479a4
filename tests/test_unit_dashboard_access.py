"""The liaison dashboard (/unit/) is for unit users only, and shows each one only what the access rule allows."""

import re

import pytest

from hotline import workflow
from hotline.models import Ticket
from hotline.models.choices import Status


def listed(response):
    return re.findall(r'data-ticket-number="(\d+)"', response.content.decode())


def sign_buttons(response):
    return re.findall(r'action="/tickets/(\d+)/do/sign/"', response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/unit/", "/unit/queue/"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["operator", "supervisor", "editor"])
def test_it_refuses_users_without_a_unit_role(client, people, name):
    client.force_login(people[name])
    assert client.get("/unit/").status_code == 403
    assert client.get("/unit/queue/").status_code == 403


@pytest.mark.django_db
def test_each_unit_sees_only_the_tickets_it_holds_now(client, people, units, make_ticket):
    ours = make_ticket("dispatched", lead="roads")
    theirs = make_ticket("dispatched", lead="water")
    returned = make_ticket("dispatched", lead="roads")
    workflow.request_return(ticket=returned, by=people["liaison"], reason="不属于本单位职责")
    workflow.decide_return(ticket=returned, by=people["operator"], approve=True)

    client.force_login(people["liaison"])
    response = client.get("/unit/")
    assert response.status_code == 200
    assert listed(response) == [ours.number]
    assert theirs.number not in response.content.decode()

    client.force_login(people["other_liaison"])
    assert listed(client.get("/unit/")) == [theirs.number]
    assert listed(client.get("/unit/queue/")) == [theirs.number]


@pytest.mark.django_db
def test_a_member_sees_only_what_was_handed_to_them_and_cannot_sign(client, people, make_ticket):
    handed = make_ticket("in_progress")
    make_ticket("in_progress")  # not handed to anyone
    unsigned = make_ticket("dispatched")
    workflow.hand_over(ticket=handed, by=people["liaison"], to_user=people["member"])
    workflow.hand_over(ticket=unsigned, by=people["liaison"], to_user=people["member"])

    client.force_login(people["member"])
    response = client.get("/unit/")
    assert sorted(listed(response)) == sorted([handed.number, unsigned.number])
    assert sign_buttons(response) == []  # members reply; only liaisons and heads sign

    client.force_login(people["other_member"])
    assert listed(client.get("/unit/")) == []


@pytest.mark.django_db
def test_a_report_about_the_unit_is_never_listed_to_it(client, people, units, make_ticket):
    report = make_ticket("dispatched", kind="report", lead="roads")
    client.force_login(people["liaison"])
    assert listed(client.get("/unit/")) == [report.number]
    # the workflow never dispatches a report to the unit it is about; should such a row exist, the page still hides it
    Ticket.objects.filter(pk=report.pk).update(reported_unit=units["roads"])
    assert listed(client.get("/unit/")) == []
    assert listed(client.get("/unit/queue/")) == []


@pytest.mark.django_db
def test_the_sign_button_is_on_the_lead_units_unsigned_rows_only(client, people, units, make_ticket):
    unsigned = make_ticket("dispatched")
    make_ticket("in_progress")
    as_co = make_ticket("new")
    workflow.dispatch(ticket=as_co, by=people["operator"], lead_unit=units["water"], co_units=[units["roads"]])

    for name in ("liaison", "head"):
        client.force_login(people[name])
        response = client.get("/unit/")
        assert len(listed(response)) == 3
        assert sign_buttons(response) == [unsigned.number]


@pytest.mark.django_db
def test_one_click_signing_returns_to_the_same_page_of_the_queue(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    client.force_login(people["liaison"])
    page = client.get("/unit/?role=lead&page=1").content.decode()
    back = re.search(r'name="next" value="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert back == "/unit/?role=lead&page=1"

    response = client.post(f"/tickets/{ticket.number}/do/sign/", {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
