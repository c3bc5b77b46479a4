"""签收 (sign): only the lead unit's liaison or head, only once, and late signing buys no time."""

from decimal import Decimal

import pytest

from hotline import workflow
from hotline.errors import InvalidState, NotAllowed
from hotline.models import Message, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["liaison", "head"])
def test_the_lead_unit_signs_on_time(people, make_ticket, monday, time_machine, who):
    ticket = make_ticket("dispatched")
    messages_before = Message.objects.count()
    time_machine.move_to(at(2026, 3, 2, 11, 30), tick=False)

    workflow.sign(ticket=ticket, by=people[who])

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "in_progress" and ticket.signed_at == at(2026, 3, 2, 11, 30)
    lead = ticket.assignments.get(is_current=True, role="lead")
    assert lead.signed_at == ticket.signed_at and lead.signed_by == people[who]
    assert lead.sign_hours == Decimal("1.50") and lead.signed_on_time is True
    assert ticket.history.first().history_user == people[who]
    assert lead.history.first().history_user == people[who]
    event = ticket.events.get(action="sign")
    assert event.public and event.actor == people[who] and event.actor_unit == lead.unit
    assert Message.objects.count() == messages_before  # signing sends no SMS


def test_signing_late_is_recorded_and_does_not_move_the_reply_deadline(people, make_ticket, monday, time_machine):
    ticket = make_ticket("dispatched")
    reply_by = ticket.reply_by
    assert ticket.sign_by == at(2026, 3, 3, 10, 0)
    time_machine.move_to(at(2026, 3, 4, 10, 0), tick=False)  # a day after the sign deadline

    workflow.sign(ticket=ticket, by=people["liaison"])

    ticket.refresh_from_db()
    lead = ticket.assignments.get(is_current=True)
    assert lead.signed_on_time is False
    assert lead.sign_hours == Decimal("14.00")  # two working days of 7 hours
    assert ticket.reply_by == lead.reply_by == reply_by == at(2026, 3, 9, 10, 0)


@pytest.mark.parametrize("who", ["operator", "supervisor", "member", "editor", "system"])
def test_other_roles_cannot_sign(people, make_ticket, refused, who):
    ticket = make_ticket("dispatched")
    with refused(ticket, NotAllowed):
        workflow.sign(ticket=ticket, by=people[who])


def test_a_unit_member_cannot_sign_even_when_handed_the_ticket(people, make_ticket, refused):
    ticket = make_ticket("dispatched")
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    with refused(ticket, NotAllowed):
        workflow.sign(ticket=ticket, by=people["member"])


def test_another_units_liaison_cannot_sign(people, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, NotAllowed):
        workflow.sign(ticket=ticket, by=people["other_liaison"])


def test_a_co_units_liaison_cannot_sign(people, units, make_ticket, refused):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    with refused(ticket, NotAllowed):
        workflow.sign(ticket=ticket, by=people["other_liaison"])


def test_a_ticket_is_signed_only_once(people, make_ticket, refused):
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidState):
        workflow.sign(ticket=ticket, by=people["head"])


@pytest.mark.parametrize("state", ["replied", "closed"])
def test_a_replied_or_closed_ticket_cannot_be_signed(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.sign(ticket=ticket, by=people["liaison"])


def test_nobody_signs_a_ticket_not_yet_dispatched(people, make_ticket, refused):
    ticket = make_ticket("new")
    with refused(ticket, NotAllowed):  # no unit holds it yet
        workflow.sign(ticket=ticket, by=people["liaison"])
