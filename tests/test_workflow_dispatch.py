"""派单 (dispatch): operators and supervisors send a new or returned ticket to a lead unit (+ co-units)."""

import pytest

from hotline import access, workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Assignment, Message, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_dispatch_sets_the_round_the_deadlines_and_tells_resident_and_units(people, units, make_ticket, monday, who):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people[who], lead_unit=units["roads"], co_units=[units["water"]], note="请尽快处理")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "dispatched" and ticket.lead_unit == units["roads"]
    assert ticket.dispatched_at == monday
    # help ticket, dispatched Monday 10:00: sign within 1 working day, reply within 5, return within 2
    assert ticket.sign_by == at(2026, 3, 3, 10, 0)
    assert ticket.reply_by == at(2026, 3, 9, 10, 0)
    lead = ticket.assignments.get(role="lead")
    co = ticket.assignments.get(role="co")
    assert (lead.unit, lead.round, lead.is_current, lead.dispatched_by) == (units["roads"], 1, True, people[who])
    assert (co.unit, co.round, co.is_current) == (units["water"], 1, True)
    assert lead.sign_by == ticket.sign_by and lead.reply_by == lead.original_reply_by == ticket.reply_by
    assert lead.return_by == at(2026, 3, 4, 10, 0)
    assert lead.signed_at is None and lead.sign_hours is None
    assert ticket.history.first().history_user == people[who]
    assert lead.history.first().history_user == people[who]

    event = ticket.events.get(action="dispatch")
    assert event.public and event.actor == people[who]
    assert "区交通运输局" in event.note and "区水务局" in event.note and "请尽快处理" in event.note
    sms = Message.objects.get(ticket=ticket, template="dispatched")
    assert sms.resident == ticket.resident and sms.params["unit"] == "区交通运输局" and sms.status == "queued"
    # the lead unit's liaison is told to sign; the co-unit's liaison that it co-handles
    notices = Message.objects.filter(ticket=ticket, template="unit_new")
    assert {m.recipient_user for m in notices} == {people["liaison"]}
    co_notices = Message.objects.filter(ticket=ticket, template="unit_new_co")
    assert {m.recipient_user for m in co_notices} == {people["other_liaison"]}
    assert "签收" not in co_notices.get().body


def test_dispatch_sms_goes_out_after_commit(people, units, resident, make_ticket, outbox, django_capture_on_commit_callbacks):
    ticket = make_ticket("new")
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    to_resident = [m for m in outbox if m["to"] == resident.phone]
    assert [m["template"] for m in to_resident] == ["dispatched"]
    assert "区交通运输局" in to_resident[0]["text"]
    sent = Message.objects.filter(ticket=ticket, template__in=["dispatched", "unit_new"])
    assert {m.status for m in sent} == {"sent"}


def test_a_returned_ticket_is_dispatched_again_in_a_new_round(people, units, make_ticket):
    ticket = make_ticket("dispatched")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="不属于本单位职责", suggested_unit=units["water"])
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)

    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["water"])
    ticket.refresh_from_db()
    assert ticket.status == "dispatched" and ticket.lead_unit == units["water"]
    current = ticket.assignments.get(is_current=True)
    assert (current.unit, current.round, current.role) == (units["water"], 2, "lead")
    assert ticket.assignments.get(round=1).is_current is False


@pytest.mark.parametrize("who", ["liaison", "head", "member", "other_liaison", "editor", "system"])
def test_only_the_hotline_dispatches(people, units, make_ticket, refused, who):
    ticket = make_ticket("new")
    with refused(ticket, NotAllowed):
        workflow.dispatch(ticket=ticket, by=people[who], lead_unit=units["roads"])


@pytest.mark.parametrize("state", ["dispatched", "in_progress", "replied", "closed"])
def test_a_ticket_already_with_a_unit_cannot_be_dispatched(people, units, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["water"])


def test_a_report_is_never_dispatched_to_the_reported_unit(people, units, make_ticket, refused):
    report = make_ticket("new", kind="report", reported_unit=units["roads"])
    with refused(report, InvalidInput):
        workflow.dispatch(ticket=report, by=people["operator"], lead_unit=units["roads"])
    with refused(report, InvalidInput):
        workflow.dispatch(ticket=report, by=people["operator"], lead_unit=units["water"], co_units=[units["roads"]])

    workflow.dispatch(ticket=report, by=people["operator"], lead_unit=units["water"])
    report.refresh_from_db()
    assert report.status == "dispatched" and report.lead_unit == units["water"]
    # nobody of the reported unit sees it
    assert not access.can_see(people["liaison"], report) and not access.can_see(people["head"], report)
    assert access.can_see(people["other_liaison"], report)


def test_dispatch_needs_an_active_lead_unit(people, units, make_ticket, refused):
    ticket = make_ticket("new")
    with refused(ticket, InvalidInput):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=None)
    Unit = type(units["water"])
    Unit.objects.filter(pk=units["water"].pk).update(is_active=False)
    units["water"].refresh_from_db()
    with refused(ticket, InvalidInput):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["water"])
    with refused(ticket, InvalidInput):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])


def test_lead_unit_is_not_repeated_as_a_co_unit(people, units, make_ticket):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["roads"], units["town"], units["town"]])
    rows = list(Assignment.objects.filter(ticket=ticket).values_list("unit__name", "role"))
    assert sorted(rows) == sorted([("区交通运输局", "lead"), ("青山镇", "co")])
