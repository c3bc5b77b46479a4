"""督办 (supervise): the sweep or a supervisor marks an open ticket supervised and notifies head and supervisors."""

import pytest

from hotline import workflow
from hotline.errors import InvalidState, NotAllowed
from hotline.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["supervisor", "system"])
def test_supervise_marks_the_ticket_and_notifies_head_and_supervisors(people, make_ticket, who):
    ticket = make_ticket("in_progress")

    workflow.supervise(ticket=ticket, by=people[who], note="超期未办")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "in_progress" and ticket.supervised and ticket.supervised_at is not None
    assert ticket.history.first().history_user == people[who]
    event = ticket.events.get(action="supervise")
    assert not event.public and event.note == "超期未办"
    notices = Message.objects.filter(ticket=ticket, template="supervised")
    assert {m.recipient_user for m in notices} == {people["supervisor"], people["head"]}
    assert {m.params["unit"] for m in notices} == {"区交通运输局"}
    # nothing to the resident, nothing naming them
    assert not notices.filter(resident__isnull=False).exists()
    assert all(ticket.resident.phone not in m.body for m in notices)


def test_supervising_again_keeps_the_first_time(people, make_ticket, time_machine, monday):
    ticket = make_ticket("dispatched")
    workflow.supervise(ticket=ticket, by=people["system"])
    first = Ticket.objects.get(pk=ticket.pk).supervised_at
    time_machine.shift(3600)
    workflow.supervise(ticket=ticket, by=people["supervisor"])
    assert Ticket.objects.get(pk=ticket.pk).supervised_at == first == monday
    assert ticket.events.filter(action="supervise").count() == 2


def test_a_new_ticket_without_a_unit_notifies_supervisors_only(people, make_ticket):
    ticket = make_ticket("new")
    workflow.supervise(ticket=ticket, by=people["supervisor"])
    assert {m.recipient_user for m in Message.objects.filter(ticket=ticket, template="supervised")} == {people["supervisor"]}


@pytest.mark.parametrize("who", ["operator", "liaison", "head", "editor"])
def test_only_supervisors_and_the_sweep_supervise(people, make_ticket, refused, who):
    ticket = make_ticket("in_progress")
    with refused(ticket, NotAllowed):
        workflow.supervise(ticket=ticket, by=people[who])


def test_a_closed_ticket_is_not_supervised(people, make_ticket, refused):
    ticket = make_ticket("closed")
    with refused(ticket, InvalidState):
        workflow.supervise(ticket=ticket, by=people["supervisor"])
