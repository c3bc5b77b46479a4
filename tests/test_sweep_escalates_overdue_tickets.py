"""After the sign or reply deadline the sweep escalates (督办) once per deadline.

The ticket is marked supervised, the timeline gets a 'supervise' event by the system user,
and the supervisors and the lead unit's head get the 'supervised' notice by SMS.
A help ticket dispatched Monday 2026-03-02 10:00: sign by Tuesday 10:00, reply by Monday 03-09 10:00.
"""

import pytest
from django.db import connection

from hotline import workflow
from hotline.models import Message, TicketEvent
from hotline.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db

DISPATCHED = at(2026, 3, 2, 10, 0)
SIGN_BY = at(2026, 3, 3, 10, 0)
REPLY_BY = at(2026, 3, 9, 10, 0)


def notices(ticket):
    return Message.objects.filter(ticket=ticket, template="supervised").order_by("phone")


def escalations(ticket):
    return TicketEvent.objects.filter(ticket=ticket, action=TicketEvent.Action.SUPERVISE)


def test_it_escalates_an_unsigned_ticket_once_after_the_sign_deadline(ticket_at, people):
    ticket = ticket_at(DISPATCHED)

    assert sweep(now=SIGN_BY)["escalate_sign"] == 0  # signing at the deadline itself is still on time
    ticket.refresh_from_db()
    assert not ticket.supervised and not escalations(ticket).exists()

    escalated_at = at(2026, 3, 3, 10, 1)
    counts = [sweep(now=m)["escalate_sign"] for m in (escalated_at, at(2026, 3, 3, 10, 2), at(2026, 3, 4, 9, 0))]

    assert counts == [1, 0, 0]
    ticket.refresh_from_db()
    assert ticket.supervised and ticket.supervised_at == escalated_at
    assert ticket.status == "dispatched"  # a fact on the ticket, not a state
    event = escalations(ticket).get()
    assert event.actor == workflow.system_user() and event.created_at == escalated_at
    assert "区交通运输局" in event.note and "签收" in event.note
    # the supervisor and the lead unit's head, not the liaison or another unit
    assert [(m.recipient_user, m.phone) for m in notices(ticket)] == [
        (people["supervisor"], "+8613900000001"),
        (people["head"], "+8613900000003"),
    ]
    assert all(ticket.number in m.body and "区交通运输局" in m.body for m in notices(ticket))


def test_it_escalates_once_more_after_the_reply_deadline(ticket_at, people):
    ticket = ticket_at(DISPATCHED, "in_progress")

    assert sweep(now=REPLY_BY)["escalate_reply"] == 0
    counts = [sweep(now=m)["escalate_reply"] for m in (at(2026, 3, 9, 10, 1), at(2026, 3, 9, 15, 0), at(2026, 3, 10, 9, 0))]

    assert counts == [1, 0, 0]
    assert escalations(ticket).count() == 1
    assert "办结" in escalations(ticket).get().note
    assert notices(ticket).count() == 2
    ticket.refresh_from_db()
    assert ticket.supervised and ticket.supervised_at == at(2026, 3, 9, 10, 1)


def test_a_ticket_never_signed_is_escalated_once_per_deadline(ticket_at):
    ticket = ticket_at(DISPATCHED)

    for moment in (at(2026, 3, 3, 10, 1), at(2026, 3, 5, 9, 0), at(2026, 3, 9, 10, 1), at(2026, 3, 9, 10, 2), at(2026, 3, 12, 9, 0)):
        sweep(now=moment)

    assert escalations(ticket).count() == 2
    assert notices(ticket).count() == 4
    ticket.refresh_from_db()
    assert ticket.supervised_at == at(2026, 3, 3, 10, 1)  # first escalation


def test_history_names_the_system_user(ticket_at):
    ticket = ticket_at(DISPATCHED)

    sweep(now=at(2026, 3, 3, 10, 1))

    latest = ticket.history.order_by("-history_id").first()
    assert latest.supervised is True
    assert latest.history_user == workflow.system_user()
    assert latest.history_date == at(2026, 3, 3, 10, 1)


def test_a_replied_ticket_is_not_escalated(ticket_at):
    ticket = ticket_at(DISPATCHED, "replied")

    counts = sweep(now=at(2026, 3, 12, 9, 0))

    assert counts["escalate_sign"] == counts["escalate_reply"] == 0
    assert not escalations(ticket).exists()


def test_a_ticket_signed_after_the_sweep_read_its_list_is_not_escalated(ticket_at, people):
    """The due list is read without locks; what it says is checked again under the ticket's lock.

    The liaison signs right after the sweep has read the list of tickets past their sign deadline
    (the first statement after that read runs the signature first)."""
    ticket = ticket_at(DISPATCHED)
    state = {"armed": False, "busy": False}

    def sign_right_after_the_due_list(execute, sql, params, many, context):
        if state["busy"]:
            return execute(sql, params, many, context)
        if state["armed"]:
            state["armed"], state["busy"] = False, True
            try:
                workflow.sign(ticket=ticket, by=people["liaison"])
            finally:
                state["busy"] = False
        result = execute(sql, params, many, context)
        if sql.startswith("SELECT") and '"sign_escalated_at" IS NULL' in sql:
            state["armed"] = True
        return result

    with connection.execute_wrapper(sign_right_after_the_due_list):
        counts = sweep(now=at(2026, 3, 3, 10, 30))

    ticket.refresh_from_db()
    assert ticket.status == "in_progress"  # the signature did happen during the sweep
    assert counts["escalate_sign"] == 0
    assert not escalations(ticket).exists()
    assert not notices(ticket).exists()
    assert not ticket.supervised


def test_an_extension_approved_after_escalation_gets_its_own_escalation(ticket_at, people):
    import time_machine

    ticket = ticket_at(DISPATCHED, "in_progress")
    with time_machine.travel(at(2026, 3, 6, 10, 0), tick=False):
        workflow.request_extension(ticket=ticket, by=people["liaison"], reason="需协调供水公司",
                                   new_reply_by=at(2026, 3, 13, 17, 30))
    assert sweep(now=at(2026, 3, 9, 10, 1))["escalate_reply"] == 1  # the supervisor decided late
    with time_machine.travel(at(2026, 3, 9, 11, 0), tick=False):
        workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    assert sweep(now=at(2026, 3, 12, 9, 0))["escalate_reply"] == 0
    assert sweep(now=at(2026, 3, 13, 17, 31))["escalate_reply"] == 1
    assert escalations(ticket).count() == 2
