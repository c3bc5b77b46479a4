"""A flood of SMS from one number becomes at most SMS_FLOOD_TICKETS tickets, the rest merged into the
latest one with one note, with one notice and then no replies (each recorded as skipped); every inbound
SMS is stored; another sender is unaffected, and after the window the sender is treated normally again
(hotline.intake.flood, issue 10 point 4)."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline.models import Message, Ticket, TicketEvent
from hotline.models.choices import Status
from tests.pledge_helpers import make_pledge

FLOODER = "+8613800138001"
OTHER = "+8613900139002"
NOTE = "短时间内大量来信，已合并"


def _flood(sms, time_machine, start, body, count=200):
    """`count` SMS from FLOODER within a minute; the TwiML replies."""
    replies = []
    for i in range(count):
        time_machine.move_to(start + dt.timedelta(seconds=i * 0.3), tick=False)
        _response, reply = sms.send(body(i), phone=FLOODER)
        replies.append(reply)
    return replies


def _replies(phone, status):
    return Message.objects.filter(direction=Message.Direction.OUTBOUND, in_reply_to__phone=phone, status=status)


@pytest.fixture
def start(time_machine):
    moment = timezone.now().replace(microsecond=0)
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.mark.django_db
def test_a_flood_of_feedback_makes_at_most_the_limit_of_tickets(sms, people, units, time_machine, start, settings):
    limit = settings.HOTLINE["SMS_FLOOD_TICKETS"]
    pledge = make_pledge(people, units)
    replies = _flood(sms, time_machine, start, lambda i: f"CN {pledge.number} 路灯还没修，第{i}次")

    inbound = Message.objects.filter(direction=Message.Direction.INBOUND, phone=FLOODER)
    assert inbound.count() == 200  # nothing lost
    tickets = Ticket.objects.filter(resident__phone=FLOODER)
    assert tickets.count() == limit
    latest = tickets.order_by("-created_at", "-pk").first()
    appended = TicketEvent.objects.filter(ticket=latest, action=TicketEvent.Action.APPEND)
    assert appended.count() == 200 - limit
    assert appended.filter(note__contains="第199次").exists()
    assert TicketEvent.objects.filter(ticket=latest, action=TicketEvent.Action.NOTE, note=NOTE).count() == 1
    assert not inbound.filter(ticket__isnull=True).exists()  # every SMS is on a ticket

    # the limit's tickets are answered, then one notice, then silence (recorded as skipped)
    sent = _replies(FLOODER, Message.Status.SENT)
    assert sent.count() == limit + 1
    assert sent.filter(template="sms_flood").count() == 1
    skipped = _replies(FLOODER, Message.Status.SKIPPED)
    assert skipped.count() == 200 - limit - 1
    assert all(row.error == "短时间内大量来信，不再逐条回复" for row in skipped)
    assert all(reply is None for reply in replies[limit + 1:])  # empty TwiML
    assert "均已收到" in replies[limit]


@pytest.mark.django_db
def test_a_flood_of_free_text_is_one_ticket_one_note_and_few_replies(sms, people, units, time_machine, start, settings):
    replies = _flood(sms, time_machine, start, lambda i: f"村口垃圾没人清理{i}")
    ticket = Ticket.objects.get(resident__phone=FLOODER)
    assert TicketEvent.objects.filter(ticket=ticket, action=TicketEvent.Action.APPEND).count() == 199
    assert TicketEvent.objects.filter(ticket=ticket, action=TicketEvent.Action.NOTE, note=NOTE).count() == 1
    assert _replies(FLOODER, Message.Status.SENT).count() <= settings.HOTLINE["SMS_FLOOD_MESSAGES"] + 1
    assert sum(reply is not None for reply in replies) <= settings.HOTLINE["SMS_FLOOD_MESSAGES"] + 1
    assert Message.objects.filter(direction=Message.Direction.INBOUND, phone=FLOODER).count() == 200


@pytest.mark.django_db
def test_a_flood_on_a_dispatched_ticket_is_not_counted_as_hundreds_of_urges(sms, people, units, time_machine, start,
                                                                             settings):
    from hotline import workflow

    sms.send("村口垃圾没人清理", phone=FLOODER)
    ticket = Ticket.objects.get(resident__phone=FLOODER)
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    _flood(sms, time_machine, start + dt.timedelta(seconds=1), lambda i: f"怎么还没人来{i}", count=100)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.urge_count <= settings.HOTLINE["SMS_FLOOD_MESSAGES"]


@pytest.mark.django_db
def test_another_sender_is_unaffected_and_the_flooder_is_normal_after_the_window(sms, people, units, time_machine,
                                                                                start, settings):
    pledge = make_pledge(people, units)
    _flood(sms, time_machine, start, lambda i: f"CN {pledge.number} 路灯还没修，第{i}次", count=30)
    limit = settings.HOTLINE["SMS_FLOOD_TICKETS"]
    assert Ticket.objects.filter(resident__phone=FLOODER).count() == limit

    _response, reply = sms.send(f"CN {pledge.number} 二组路段什么时候开工？", phone=OTHER)
    assert Ticket.objects.filter(resident__phone=OTHER).count() == 1
    assert reply.startswith(f"已收到您对承诺事项{pledge.number}的意见")

    later = start + dt.timedelta(minutes=settings.HOTLINE["SMS_FLOOD_WINDOW_MINUTES"], seconds=30)
    time_machine.move_to(later, tick=False)
    _response, reply = sms.send(f"CN {pledge.number} 路灯还是没修", phone=FLOODER)
    assert Ticket.objects.filter(resident__phone=FLOODER).count() == limit + 1
    assert reply.startswith(f"已收到您对承诺事项{pledge.number}的意见")
