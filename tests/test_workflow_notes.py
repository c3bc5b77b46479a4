"""Notes on the timeline: co-units' remarks and operators' records; never public from a unit."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_a_co_unit_adds_a_note_that_stays_internal(people, units, make_ticket):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    event = workflow.add_note(ticket=ticket, by=people["other_liaison"], note="已配合现场核查", public=True)
    assert event.action == "note" and event.actor_unit == units["water"] and not event.public


def test_an_operator_may_record_a_public_note(people, make_ticket):
    ticket = make_ticket("closed")
    event = workflow.add_note(ticket=ticket, by=people["operator"], note="群众不满意，经解释不再重办", public=True)
    assert event.public and event.actor == people["operator"]


@pytest.mark.parametrize("who", ["other_liaison", "member", "editor"])
def test_who_cannot_see_the_ticket_cannot_note_it(people, make_ticket, refused, who):
    ticket = make_ticket("dispatched")
    with refused(ticket, NotAllowed):
        workflow.add_note(ticket=ticket, by=people[who], note="备注")


def test_an_empty_note_is_refused(people, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidInput):
        workflow.add_note(ticket=ticket, by=people["liaison"], note="  ")
    assert not TicketEvent.objects.filter(ticket=ticket, action="note").exists()
