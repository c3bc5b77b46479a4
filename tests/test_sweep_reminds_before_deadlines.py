"""The deadline sweep reminds the lead unit's liaisons before the sign and reply deadlines, once each.

A help ticket dispatched on Monday 2026-03-02 10:00 must be signed by Tuesday 10:00
(reminder at Monday 15:00, 4 working hours before) and answered by Monday 03-09 10:00
(reminder at Friday 03-06 15:00).
"""

import pytest
import time_machine

from hotline import roles, workflow
from hotline.models import Message, TicketEvent
from hotline.sweep import sweep
from tests.conftest import at, make_user

pytestmark = pytest.mark.django_db

DISPATCHED = at(2026, 3, 2, 10, 0)
SIGN_REMIND = at(2026, 3, 2, 15, 0)
SIGN_BY = at(2026, 3, 3, 10, 0)
REPLY_REMIND = at(2026, 3, 6, 15, 0)
REPLY_BY = at(2026, 3, 9, 10, 0)


def sms(ticket, template):
    return Message.objects.filter(ticket=ticket, template=template)


def reminders(ticket):
    return TicketEvent.objects.filter(ticket=ticket, action=TicketEvent.Action.REMIND)


def test_the_deadlines_are_the_ones_these_tests_assume(ticket_at):
    ticket = ticket_at(DISPATCHED)
    lead = ticket.assignments.get(is_current=True, role="lead")
    assert (lead.sign_remind_at, lead.sign_by, lead.reply_remind_at, lead.reply_by) == (
        SIGN_REMIND, SIGN_BY, REPLY_REMIND, REPLY_BY,
    )


def test_it_reminds_the_liaisons_before_the_sign_deadline_exactly_once(ticket_at, people, units):
    second = make_user("liaison2", roles.UNIT_LIAISON, units["roads"], phone="+8613900000005")
    make_user("liaison_without_phone", roles.UNIT_LIAISON, units["roads"])
    ticket = ticket_at(DISPATCHED)

    assert sweep(now=at(2026, 3, 2, 14, 59))["remind_sign"] == 0
    assert not sms(ticket, "unit_sign_reminder").exists()
    assert not reminders(ticket).exists()

    counts = [sweep(now=moment)["remind_sign"] for moment in (SIGN_REMIND, at(2026, 3, 2, 15, 1), at(2026, 3, 2, 17, 0))]

    assert counts == [1, 0, 0]
    messages = list(sms(ticket, "unit_sign_reminder").order_by("phone"))
    # the lead unit's liaisons with a phone; not its head, not another unit's liaison
    assert [(m.recipient_user, m.phone, m.status) for m in messages] == [
        (people["liaison"], "+8613900000002", Message.Status.QUEUED),
        (second, "+8613900000005", Message.Status.QUEUED),
    ]
    assert messages[0].direction == Message.Direction.OUTBOUND
    assert "3月3日10:00" in messages[0].body and ticket.number in messages[0].body
    event = reminders(ticket).get()
    assert (event.actor, event.actor_unit, event.created_at) == (workflow.system_user(), units["roads"], SIGN_REMIND)
    ticket.refresh_from_db()
    assert ticket.status == "dispatched" and not ticket.supervised


def test_it_reminds_the_liaisons_before_the_reply_deadline_exactly_once(ticket_at, people):
    ticket = ticket_at(DISPATCHED, "in_progress")

    assert sweep(now=at(2026, 3, 6, 14, 59))["remind_reply"] == 0
    assert not sms(ticket, "unit_reply_reminder").exists()
    counts = [sweep(now=moment)["remind_reply"] for moment in (REPLY_REMIND, at(2026, 3, 6, 16, 0), at(2026, 3, 7, 9, 0))]

    assert counts == [1, 0, 0]
    message = sms(ticket, "unit_reply_reminder").get()
    assert (message.recipient_user, message.phone) == (people["liaison"], "+8613900000002")
    assert "3月9日10:00" in message.body
    assert reminders(ticket).count() == 1
    assert not sms(ticket, "unit_sign_reminder").exists()  # it was signed


def test_it_follows_the_clock_when_no_time_is_given(ticket_at):
    ticket = ticket_at(DISPATCHED)

    with time_machine.travel(at(2026, 3, 2, 14, 59), tick=False):
        sweep()
    assert not reminders(ticket).exists()
    with time_machine.travel(at(2026, 3, 2, 15, 0, 30), tick=False):
        sweep()
        sweep()

    assert sms(ticket, "unit_sign_reminder").count() == 1
    assert reminders(ticket).get().created_at == at(2026, 3, 2, 15, 0, 30)


def test_a_signed_ticket_gets_no_sign_reminder_nor_escalation(ticket_at):
    ticket = ticket_at(DISPATCHED, "in_progress")

    for moment in (SIGN_REMIND, at(2026, 3, 3, 10, 1), at(2026, 3, 4, 9, 0)):
        counts = sweep(now=moment)
        assert counts["remind_sign"] == counts["escalate_sign"] == 0

    assert not sms(ticket, "unit_sign_reminder").exists()
    assert not sms(ticket, "supervised").exists()
    assert not ticket.events.filter(action__in=["remind", "supervise"]).exists()
    ticket.refresh_from_db()
    assert not ticket.supervised


def test_a_reminder_that_comes_due_after_its_deadline_is_not_sent(ticket_at):
    """A sweep that first runs after the sign deadline (say the scheduler was down) escalates, but does not
    tell the unit the deadline "will be" at a time already past."""
    ticket = ticket_at(DISPATCHED)

    counts = sweep(now=at(2026, 3, 3, 11, 0))

    assert (counts["remind_sign"], counts["escalate_sign"]) == (0, 1)
    assert not sms(ticket, "unit_sign_reminder").exists()
    assert ticket.events.filter(action="supervise").count() == 1


def test_a_reopened_ticket_is_reminded_again_for_its_new_round_only(ticket_at, people):
    ticket = ticket_at(DISPATCHED)
    sweep(now=SIGN_REMIND)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        workflow.sign(ticket=ticket, by=people["liaison"])
        workflow.reply(
            ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
            contacted_at=at(2026, 3, 3, 9, 0),
        )
        workflow.review(ticket=ticket, by=people["operator"], accept=True)
    with time_machine.travel(at(2026, 3, 3, 9, 30), tick=False):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="群众反映路灯仍不亮")
    # the new round: sign by Wednesday 9:30, reminded 3 working hours after the reopen (Tuesday 14:30)

    assert sweep(now=at(2026, 3, 3, 14, 29))["remind_sign"] == 0
    assert sweep(now=at(2026, 3, 3, 14, 30))["remind_sign"] == 1
    assert sweep(now=at(2026, 3, 3, 14, 31))["remind_sign"] == 0

    assert sms(ticket, "unit_sign_reminder").count() == 2
    assert reminders(ticket).count() == 2
    assert not ticket.events.filter(action="supervise").exists()  # the first round's Tuesday 10:00 is gone
