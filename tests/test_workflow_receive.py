"""受理 (receive): who may create a ticket, what it writes, and what it refuses."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Message, Resident, Ticket

pytestmark = pytest.mark.django_db


def _receive(by, **kw):
    kw.setdefault("kind", "help")
    kw.setdefault("channel", "phone")
    kw.setdefault("title", "路灯不亮")
    return workflow.receive(by=by, **kw)


@pytest.mark.parametrize("who, channel", [("operator", "phone"), ("supervisor", "walk_in"), ("system", "sms")])
def test_hotline_staff_and_the_system_receive_a_new_ticket(people, who, channel):
    ticket = _receive(people[who], channel=channel, phone="138 0013 8001", resident_name="李四")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "new" and ticket.channel == channel
    assert ticket.created_by == people[who]
    assert ticket.resident.phone == "+8613800138001" and ticket.resident.name == "李四"
    assert ticket.number.isdigit() and len(ticket.number) >= 7
    assert ticket.history.first().history_user == people[who]
    [event] = ticket.events.all()
    assert (event.action, event.actor, event.public) == ("receive", people[who], True)
    [sms] = Message.objects.filter(ticket=ticket)
    assert (sms.template, sms.phone, sms.resident, sms.status) == ("received", "+8613800138001", ticket.resident, "queued")
    assert ticket.number in sms.body


def test_an_existing_resident_is_found_by_phone(people, resident):
    ticket = _receive(people["operator"], phone="+86 138-0013-8000")
    assert ticket.resident == resident
    assert Resident.objects.count() == 1


def test_the_acknowledgement_is_delivered_only_after_commit(people, resident, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        ticket = _receive(people["operator"], resident=resident)
    assert outbox == []
    assert Message.objects.get(ticket=ticket).status == "queued"

    with django_capture_on_commit_callbacks(execute=True):
        ticket = _receive(people["operator"], resident=resident)
    [sent] = outbox
    assert sent["to"] == resident.phone and sent["template"] == "received" and ticket.number in sent["text"]
    assert Message.objects.get(ticket=ticket).status == "sent"


def test_no_acknowledgement_when_asked_not_to(people, resident):
    ticket = _receive(people["operator"], resident=resident, acknowledge=False)
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_report_is_always_confidential(people, resident, units):
    report = _receive(people["operator"], kind="report", resident=resident, confidential=False, reported_unit=units["water"])
    help_ticket = _receive(people["operator"], kind="help", resident=resident, confidential=False)
    assert report.confidential is True and report.hides_resident_from_units
    assert help_ticket.confidential is False and not help_ticket.hides_resident_from_units


def _nothing_written():
    return Ticket.objects.count(), Resident.objects.count(), Message.objects.count()


@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor"])
def test_unit_users_and_editors_cannot_receive(people, who):
    before = _nothing_written()
    with pytest.raises(NotAllowed):
        _receive(people[who], phone="13800138001")
    assert _nothing_written() == before


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "138001380OO"}, "phone"),
        ({"title": "   "}, "title"),
        ({"kind": "gossip"}, "kind"),
        ({"priority": "asap"}, "priority"),
        ({"reported_unit": "water"}, "reported_unit"),  # only a report names a reported unit
    ],
)
def test_bad_input_is_refused_and_writes_nothing(people, units, kw, field):
    if "reported_unit" in kw:
        kw["reported_unit"] = units[kw["reported_unit"]]
    before = _nothing_written()
    with pytest.raises(InvalidInput) as info:
        _receive(people["operator"], **kw)
    assert field in info.value.field_errors
    assert _nothing_written() == before
