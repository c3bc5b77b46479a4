"""Opted-out residents (退订) get only direct answers to their own SMS; landlines get no SMS at all,
their updates go onto the operators' callback list instead."""

import pytest

from hotline import messaging, tasks, workflow
from hotline.models import Message, Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def opted_out(db):
    return Resident.objects.create(phone="+8613700137000", name="李四", sms_opt_out=True)


@pytest.fixture
def landline(db):
    return Resident.objects.create(phone="+861062345678", name="王五")  # a Beijing fixed line


def inbound_from(resident):
    return Message.objects.create(
        direction="in", provider="twilio", external_id="SM" + "1" * 32, phone=resident.phone, resident=resident,
        body="CX 2026001", status="received",
    )


def test_an_opted_out_resident_gets_no_progress_sms(opted_out, people, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯不亮", resident=opted_out)

    message = Message.objects.get(ticket=ticket, template="received")
    assert (message.status, message.next_attempt_at, message.attempts) == ("skipped", None, 0)
    assert messaging.deliver(message_id=message.pk) == "skipped"
    assert message.pk not in messaging.due_message_ids()
    assert outbox == []


def test_an_opted_out_resident_still_gets_the_answer_to_their_own_sms(opted_out, outbox):
    question = inbound_from(opted_out)

    answer = messaging.queue_sms(
        phone=opted_out.phone, template="closed", params={"number": "2026001"}, resident=opted_out, in_reply_to=question
    )

    assert answer.status == "queued"
    assert tasks.deliver_message.enqueue(message_id=answer.pk).return_value == "sent"
    assert [(sms["to"], sms["template"]) for sms in outbox] == [("+8613700137000", "closed")]


def test_a_landline_resident_goes_onto_the_callback_list(landline, people, units, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="停水", resident=landline)
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])

    to_resident = Message.objects.filter(ticket=ticket, resident=landline, recipient_user=None)
    assert sorted(to_resident.values_list("template", "status")) == [("dispatched", "callback"), ("received", "callback")]
    # the unit's liaison, on a mobile, is told as usual
    assert [(sms["to"], sms["template"]) for sms in outbox] == [("+8613900000002", "unit_new")]
    assert not set(to_resident.values_list("pk", flat=True)) & set(messaging.due_message_ids())


def test_a_landline_gets_no_sms_even_as_a_direct_answer(landline, outbox):
    question = inbound_from(landline)

    answer = messaging.queue_sms(
        phone=landline.phone, template="closed", params={"number": "2026001"}, resident=landline, in_reply_to=question
    )

    assert answer.status == "callback"
    assert messaging.deliver(message_id=answer.pk) == "callback" and outbox == []


def test_nothing_for_opted_out_or_landline_residents_reaches_twilio(fake_twilio, opted_out, landline):
    rows = [
        messaging.queue_sms(phone=r.phone, template="closed", params={"number": "2026001"}, resident=r)
        for r in (opted_out, landline)
    ]

    assert tasks.deliver_due_messages.enqueue().return_value == 0
    assert [messaging.deliver(message_id=m.pk) for m in rows] == ["skipped", "callback"]
    assert fake_twilio.requests == []


def test_a_resident_who_opts_out_after_a_row_was_queued_gets_nothing(resident, outbox):
    queued = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026001"},
                                 resident=resident)
    Resident.objects.filter(pk=resident.pk).update(sms_opt_out=True)  # 退订 arrives before the worker runs
    assert messaging.deliver(message_id=queued.pk) == "skipped"
    queued.refresh_from_db()
    assert outbox == [] and queued.attempts == 0
