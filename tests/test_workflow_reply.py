"""答复 (reply): the lead unit answers after contacting the resident (through the hotline if confidential)."""

import datetime as dt
from decimal import Decimal

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Call, Message, Reply, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db


def _reply(ticket, by, **kw):
    kw.setdefault("text", "已联系施工队修复路灯")
    kw.setdefault("outcome", "resolved")
    kw.setdefault("contact_method", "phone")
    if "contacted_at" not in kw:
        kw["contacted_at"] = Ticket.objects.get(pk=ticket.pk).dispatched_at
    return workflow.reply(ticket=ticket, by=by, **kw)


@pytest.mark.parametrize("who", ["liaison", "head"])
def test_the_lead_unit_replies(people, make_ticket, monday, time_machine, who):
    ticket = make_ticket("in_progress")
    messages_before = Message.objects.count()
    time_machine.move_to(at(2026, 3, 3, 15, 0), tick=False)

    answer = _reply(ticket, people[who], contacted_at=at(2026, 3, 3, 9, 0))

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "replied" and ticket.replied_at == at(2026, 3, 3, 15, 0)
    assert (answer.replied_by, answer.review_status, answer.contact_method) == (people[who], "pending", "phone")
    lead = ticket.assignments.get(is_current=True)
    assert answer.assignment == lead
    assert lead.replied_at == ticket.replied_at and lead.replied_on_time is True
    # Mon 10:00-12:00, 14:00-17:30; Tue 8:30-12:00, 14:00-15:00 = 2 + 3.5 + 3.5 + 1 working hours
    assert lead.reply_hours == Decimal("10.00")
    assert ticket.history.first().history_user == people[who]
    assert lead.history.first().history_user == people[who]
    event = ticket.events.get(action="reply")
    assert not event.public  # the resident sees the reply once an operator accepted it
    assert Message.objects.count() == messages_before  # nor gets an SMS before review


def test_a_late_reply_is_recorded_as_late(people, make_ticket, monday, time_machine):
    ticket = make_ticket("in_progress")
    time_machine.move_to(at(2026, 3, 10, 9, 0), tick=False)
    _reply(ticket, people["liaison"])
    lead = Ticket.objects.get(pk=ticket.pk).assignments.get(is_current=True)
    assert lead.replied_on_time is False and lead.reply_hours == Decimal("41.00")  # 5.5 + 5 days × 7 + 0.5


def test_a_member_handed_the_ticket_replies_and_a_colleague_who_was_not_cannot(people, make_ticket, refused):
    ticket = make_ticket("in_progress")
    with refused(ticket, NotAllowed):
        _reply(ticket, people["member"])
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    with refused(ticket, NotAllowed):
        _reply(ticket, people["other_member"])

    answer = _reply(ticket, people["member"])
    assert answer.replied_by == people["member"]
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"


@pytest.mark.parametrize("who", ["operator", "supervisor", "editor", "other_liaison", "system"])
def test_others_cannot_reply(people, make_ticket, refused, who):
    ticket = make_ticket("in_progress")
    with refused(ticket, NotAllowed):
        _reply(ticket, people[who])


def test_a_co_unit_cannot_reply(people, units, make_ticket, refused):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    workflow.sign(ticket=ticket, by=people["liaison"])
    with refused(ticket, NotAllowed):
        _reply(ticket, people["other_liaison"])


def test_no_reply_before_signing(people, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidState):
        _reply(ticket, people["liaison"])


def test_no_second_reply_while_the_first_waits_for_review(people, make_ticket, refused):
    ticket = make_ticket("replied")
    with refused(ticket, InvalidState):
        _reply(ticket, people["liaison"])


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"text": "  "}, "text"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "not_resolvable"}, "outcome_reason"),
        ({"outcome": "not_resolvable", "outcome_reason": " "}, "outcome_reason"),
        ({"contact_method": "telepathy"}, "contact_method"),
        ({"contacted_at": None}, "contacted_at"),
        ({"contacted_at": at(2020, 1, 1, 9, 0)}, "contacted_at"),  # before dispatch
        ({"contact_method": "masked_call"}, "call"),  # a masked call needs the call record
    ],
)
def test_bad_replies_are_refused(people, make_ticket, refused, kw, field):
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidInput) as info:
        _reply(ticket, people["liaison"], **kw)
    assert field in info.value.field_errors


def test_contact_cannot_be_in_the_future(people, make_ticket, refused, monday):
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidInput):
        _reply(ticket, people["liaison"], contacted_at=monday + dt.timedelta(minutes=5))


def test_a_contact_time_typed_to_the_minute_of_the_dispatch_counts(people, make_ticket, refused, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0, 40), tick=False)  # dispatched at 10:00:40
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidInput):
        _reply(ticket, people["liaison"], contacted_at=at(2026, 3, 2, 9, 59))
    time_machine.shift(600)
    _reply(ticket, people["liaison"], contacted_at=at(2026, 3, 2, 10, 0))  # as a form's minute field gives it
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"


def test_not_resolvable_with_its_reason_is_accepted(people, make_ticket):
    ticket = make_ticket("in_progress")
    answer = _reply(ticket, people["liaison"], outcome="not_resolvable", outcome_reason="不符合补贴政策")
    assert (answer.outcome, answer.outcome_reason) == ("not_resolvable", "不符合补贴政策")


@pytest.mark.parametrize("ticket_kw", [{"confidential": True}, {"kind": "report"}])
@pytest.mark.parametrize("method", ["phone", "visit", "sms"])
def test_a_confidential_resident_is_contacted_only_through_the_hotline(people, make_ticket, refused, ticket_kw, method):
    ticket = make_ticket("in_progress", **ticket_kw)
    with refused(ticket, InvalidInput) as info:
        _reply(ticket, people["liaison"], contact_method=method)
    assert "contact_method" in info.value.field_errors


def test_a_confidential_reply_through_the_hotline_is_accepted(people, resident, make_ticket):
    report = make_ticket("in_progress", kind="report")
    assert _reply(report, people["liaison"], contact_method="via_operator").contact_method == "via_operator"

    secret = make_ticket("in_progress", confidential=True)
    call = Call.objects.create(
        provider="test", external_id="CA1", direction="bridged", phone=resident.phone, ticket=secret, status="answered"
    )
    answer = _reply(secret, people["head"], contact_method="masked_call", call=call)
    assert answer.call == call


def test_a_masked_call_of_another_ticket_is_refused(people, resident, make_ticket, refused):
    ticket = make_ticket("in_progress", confidential=True)
    other = make_ticket("new")
    call = Call.objects.create(provider="test", external_id="CA2", direction="bridged", phone=resident.phone, ticket=other,
                               status="answered")
    with refused(ticket, InvalidInput):
        _reply(ticket, people["liaison"], contact_method="masked_call", call=call)
    assert not Reply.objects.filter(ticket=ticket).exists()


def test_a_masked_call_sets_the_contact_time_and_must_be_a_bridged_call(people, resident, make_ticket, refused):
    secret = make_ticket("in_progress", confidential=True)
    inbound = Call.objects.create(provider="test", external_id="CA3", direction="in", phone=resident.phone, ticket=secret)
    with refused(secret, InvalidInput):
        _reply(secret, people["liaison"], contact_method="masked_call", call=inbound)
    unanswered = Call.objects.create(provider="test", external_id="CA5", direction="bridged", phone=resident.phone,
                                     ticket=secret, started_at=secret.signed_at, status="dial-no-answer")
    with refused(secret, InvalidInput):
        _reply(secret, people["liaison"], contact_method="masked_call", call=unanswered)
    bridged = Call.objects.create(provider="test", external_id="CA4", direction="bridged", phone=resident.phone,
                                  ticket=secret, started_at=secret.signed_at, status="answered")
    answer = _reply(secret, people["liaison"], contact_method="masked_call", call=bridged)
    assert answer.contacted_at == bridged.started_at
