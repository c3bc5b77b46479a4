"""退单 (return): the lead unit asks inside the return window; an operator or the supervisor decides."""

import pytest

from hotline import access, workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Assignment, Message, ReturnRequest, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db


def _ask(ticket, by, units, reason="不属于本单位职责"):
    return workflow.request_return(ticket=ticket, by=by, reason=reason, suggested_unit=units["water"])


@pytest.mark.parametrize("state, who", [("dispatched", "liaison"), ("in_progress", "head")])
def test_the_lead_unit_requests_a_return(people, units, make_ticket, state, who):
    ticket = make_ticket(state)
    messages_before = Message.objects.count()

    request = _ask(ticket, people[who], units)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == state  # unchanged until decided
    assert (request.status, request.requested_by, request.suggested_unit) == ("pending", people[who], units["water"])
    assert request.assignment == ticket.assignments.get(is_current=True, role="lead")
    assert request.history.first().history_user == people[who]
    event = ticket.events.get(action="return_request")
    assert not event.public and "不属于本单位职责" in event.note and "区水务局" in event.note
    assert Message.objects.count() == messages_before


@pytest.mark.parametrize("who", ["operator", "supervisor", "editor", "other_liaison", "system"])
def test_only_the_lead_unit_requests_a_return(people, units, make_ticket, refused, who):
    ticket = make_ticket("dispatched")
    with refused(ticket, NotAllowed):
        _ask(ticket, people[who], units)


def test_a_handed_member_or_a_co_unit_cannot_request_a_return(people, units, make_ticket, refused):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    with refused(ticket, NotAllowed):
        _ask(ticket, people["member"], units)
    with refused(ticket, NotAllowed):
        workflow.request_return(ticket=ticket, by=people["other_liaison"], reason="不归我们管")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_needs_a_reason(people, units, make_ticket, refused, reason):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidInput):
        _ask(ticket, people["liaison"], units, reason=reason)


def test_the_suggested_unit_cannot_be_the_returning_unit(people, units, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidInput):
        workflow.request_return(ticket=ticket, by=people["liaison"], reason="误派", suggested_unit=units["roads"])


def test_no_return_after_the_return_window(people, units, make_ticket, refused, monday, time_machine):
    ticket = make_ticket("dispatched")
    assert ticket.assignments.get().return_by == at(2026, 3, 4, 10, 0)  # 2 working days after dispatch
    time_machine.move_to(at(2026, 3, 4, 10, 1), tick=False)
    with refused(ticket, InvalidState):
        _ask(ticket, people["liaison"], units)


def test_a_return_inside_the_window_is_accepted_at_its_last_minute(people, units, make_ticket, monday, time_machine):
    ticket = make_ticket("dispatched")
    time_machine.move_to(at(2026, 3, 4, 10, 0), tick=False)
    assert _ask(ticket, people["liaison"], units).status == "pending"


def test_no_return_once_the_window_was_closed_by_the_deadline_field(people, units, make_ticket, refused):
    ticket = make_ticket("in_progress")
    Assignment.objects.filter(ticket=ticket).update(return_by=at(2020, 1, 1, 0, 0))
    with refused(ticket, InvalidState):
        _ask(ticket, people["liaison"], units)


def test_only_one_pending_return(people, units, make_ticket, refused):
    ticket = make_ticket("dispatched")
    _ask(ticket, people["liaison"], units)
    with refused(ticket, InvalidState):
        _ask(ticket, people["head"], units, reason="再次申请")


@pytest.mark.parametrize("state", ["new", "replied", "closed"])
def test_no_return_outside_dispatched_or_in_progress(people, units, make_ticket, refused, state):
    ticket = make_ticket(state)
    # a new ticket has no lead unit: the access rule refuses before the state is looked at
    with refused(ticket, NotAllowed if state == "new" else InvalidState):
        _ask(ticket, people["liaison"], units)


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_an_approved_return_takes_the_ticket_from_the_unit(people, units, make_ticket, who):
    ticket = make_ticket("in_progress")
    request = _ask(ticket, people["liaison"], units)

    workflow.decide_return(ticket=ticket, by=people[who], approve=True, note="同意")

    ticket = Ticket.objects.get(pk=ticket.pk)
    request.refresh_from_db()
    assert ticket.status == "returned" and ticket.lead_unit is None and ticket.reply_by is None
    assert (request.status, request.decided_by) == ("approved", people[who])
    old = Assignment.objects.get(ticket=ticket)
    assert old.is_current is False and old.returned_at is not None and old.ended_at == old.returned_at
    assert ticket.history.first().history_user == people[who]
    assert ticket.events.filter(action="return_approve", actor=people[who]).exists()
    # the unit no longer holds it: it can neither reply nor ask again
    assert not access.can(people["liaison"], "reply", ticket)
    assert not access.can(people["liaison"], "request_return", ticket)

    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["water"])
    new = Assignment.objects.get(ticket=ticket, is_current=True)
    assert (new.unit, new.round) == (units["water"], 2)
    assert access.can(people["other_liaison"], "sign", ticket)
    assert not access.can(people["liaison"], "sign", ticket)


def test_a_denied_return_leaves_the_ticket_with_the_unit(people, units, make_ticket, refused):
    ticket = make_ticket("dispatched")
    request = _ask(ticket, people["liaison"], units)
    with refused(ticket, InvalidInput):  # denying needs a reason
        workflow.decide_return(ticket=ticket, by=people["operator"], approve=False, note=" ")

    workflow.decide_return(ticket=ticket, by=people["operator"], approve=False, note="属于本单位职责")

    ticket.refresh_from_db()
    request.refresh_from_db()
    assert ticket.status == "dispatched" and ticket.lead_unit == units["roads"]
    assert (request.status, request.decision_note) == ("denied", "属于本单位职责")
    assert ticket.assignments.get().is_current
    assert ticket.events.get(action="return_deny").note == "属于本单位职责"
    # the unit may ask again afterwards
    assert _ask(ticket, people["liaison"], units, reason="补充材料后再次申请").status == "pending"


@pytest.mark.parametrize("who", ["liaison", "head", "editor", "system"])
def test_only_the_hotline_decides_a_return(people, units, make_ticket, refused, who):
    ticket = make_ticket("dispatched")
    _ask(ticket, people["liaison"], units)
    with refused(ticket, NotAllowed):
        workflow.decide_return(ticket=ticket, by=people[who], approve=True)


def test_deciding_without_a_pending_return_is_refused(people, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidState):
        workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)


def test_a_return_request_overtaken_by_the_reply_cannot_be_approved(people, units, make_ticket, refused):
    """The unit asked to return, then signed and replied anyway: approving the stale request must
    not pull an answered ticket back to `returned`."""
    ticket = make_ticket("in_progress")
    _ask(ticket, people["liaison"], units)
    workflow.reply(
        ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
        contacted_at=Ticket.objects.get(pk=ticket.pk).signed_at,
    )
    with refused(ticket, InvalidState):
        workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    # denying clears it from the queue
    request = workflow.decide_return(ticket=ticket, by=people["operator"], approve=False, note="单位已答复")
    assert request.status == "denied"
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"


def test_a_pending_return_of_an_earlier_round_is_closed_by_reopening(people, units, make_ticket):
    ticket = make_ticket("in_progress")
    old = _ask(ticket, people["liaison"], units)
    workflow.reply(
        ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
        contacted_at=Ticket.objects.get(pk=ticket.pk).signed_at,
    )
    workflow.reopen(ticket=ticket, by=people["operator"], reason="群众反映仍未修好")
    old.refresh_from_db()
    assert old.status == "denied"
    # the unit of round 2 may ask for a return of its own
    assert _ask(ticket, people["liaison"], units).assignment.round == 2
    assert ReturnRequest.objects.filter(ticket=ticket, status="pending").count() == 1
