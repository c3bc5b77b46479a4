"""催办: a resident asking again about an open ticket is counted on the ticket and on the lead unit holding it."""

import pytest

from hotline import kpis, workflow
from hotline.errors import InvalidState, NotAllowed
from hotline.models import Assignment, Call, Ticket
from tests.helpers import drain, listen
from tests.kpi_helpers import Flow, month, table


@pytest.fixture
def flow(time_machine, people, units):
    return Flow(time_machine, people, units)


@pytest.mark.django_db(transaction=True)
def test_an_urge_counts_on_the_ticket_and_its_current_lead_unit(flow, people, units, migration_data):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch(co=["water"])
    layer, channel = listen(f"unit-{units['roads'].pk}")
    workflow.urge(ticket=ticket, by=people["operator"], note="群众来电询问进度")
    workflow.urge(ticket=ticket, by=people["system"])
    ticket.refresh_from_db()
    assert ticket.urge_count == 2
    counts = dict(Assignment.objects.filter(ticket=ticket).values_list("role", "urge_count"))
    assert counts == {"lead": 2, "co": 0}
    events = list(ticket.events.filter(action="urge").values_list("note", "actor_unit"))
    assert events == [("群众来电询问进度", units["roads"].pk), ("", units["roads"].pk)]
    assert ticket.history.first().urge_count == 2  # on the record like every change
    assert [m["event"] for m in drain(layer, channel)] == ["urged", "urged"]


@pytest.mark.django_db
def test_urges_stay_with_the_unit_that_held_the_ticket(flow, people, units):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.receive()
    workflow.urge(ticket=ticket, by=people["operator"])  # before dispatch: the ticket's count only
    ticket = flow.dispatch(ticket)
    workflow.urge(ticket=ticket, by=people["operator"])
    ticket = flow.return_(ticket)
    workflow.urge(ticket=ticket, by=people["operator"])  # returned: nobody holds it
    ticket = flow.dispatch(ticket, lead="water")
    workflow.urge(ticket=ticket, by=people["operator"])
    workflow.urge(ticket=ticket, by=people["operator"])
    invalid = flow.receive()
    workflow.urge(ticket=invalid, by=people["operator"])
    workflow.mark_invalid(ticket=invalid, by=people["operator"], reason="重复来电")

    got = table(units, 2026, 3)
    assert (got["roads"]["urges"], got["water"]["urges"], got["town"]["urges"]) == (1, 2, 0)
    total = kpis.overall(**month(2026, 3))
    assert total["urges"] == 3  # while a unit held it
    assert (total["ticket_urges"], total["urged_tickets"]) == (5, 1)  # per ticket; the invalid one not counted
    assert Ticket.objects.get(pk=ticket.pk).urge_count == 5


@pytest.mark.django_db
def test_a_closed_ticket_cannot_be_urged_and_units_may_not_urge(make_ticket, people, refused):
    closed = make_ticket("closed")
    with refused(closed, InvalidState):
        workflow.urge(ticket=closed, by=people["operator"])
    open_ = make_ticket("dispatched")
    for who in ("liaison", "head", "editor"):
        with refused(open_, NotAllowed):
            workflow.urge(ticket=open_, by=people[who])


@pytest.mark.django_db
def test_operators_record_an_urge_from_the_ticket_page(client, make_ticket, people):
    ticket = make_ticket("in_progress")
    client.force_login(people["liaison"])
    assert 'data-action="urge"' not in client.get(f"/tickets/{ticket.number}/").content.decode()
    client.force_login(people["operator"])
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-action="urge"' in html and "群众催办" in html
    response = client.post(f"/tickets/{ticket.number}/do/urge/", {"urge-note": "第二次来电"}, follow=True)
    html = response.content.decode()
    assert "已记录群众催办" in html and '<dd id="urge-count">1</dd>' in html
    assert ticket.events.get(action="urge").note == "第二次来电"


@pytest.mark.django_db
def test_operators_record_an_urge_from_the_callers_screen_pop(client, make_ticket, people, resident):
    open_ticket, closed = make_ticket("dispatched"), make_ticket("closed")
    call = Call.objects.create(provider="twilio", external_id="CA1", direction="in", phone=resident.phone, resident=resident)
    client.force_login(people["operator"])
    html = client.get(f"/console/calls/{call.pk}/pop/").content.decode()
    assert f'action="/tickets/{open_ticket.number}/do/urge/"' in html
    assert f'action="/tickets/{closed.number}/do/urge/"' not in html
    response = client.post(f"/tickets/{open_ticket.number}/do/urge/", {"note": "来电催办", "next": "/console/"})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert Ticket.objects.get(pk=open_ticket.pk).urge_count == 1


@pytest.mark.django_db
def test_a_residents_further_sms_on_a_dispatched_ticket_is_an_urge(sms, flow, people, units):
    flow.at(2026, 3, 2, 10, 0)
    sms.send("村口路灯坏了")
    ticket = Ticket.objects.get()
    flow.at(2026, 3, 2, 10, 10)
    sms.send("补充：靠近小学")  # still new: an addition, not an urge
    assert Ticket.objects.get().urge_count == 0
    flow.dispatch(ticket)
    flow.at(2026, 3, 2, 11, 0)
    sms.send("怎么还没人来修？")
    ticket.refresh_from_db()
    assert ticket.urge_count == 1
    assert Assignment.objects.get(ticket=ticket).urge_count == 1
    urge = ticket.events.get(action="urge")
    assert (urge.actor, urge.note) == (people["system"], "群众短信追问")
    assert table(units, 2026, 3)["roads"]["urges"] == 1
