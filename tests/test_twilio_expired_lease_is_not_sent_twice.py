"""A send whose worker died (its lease expired) is not sent again if Twilio already has it.

The dead worker's last act is modelled as what it really did: it claimed the row and
called Twilio's API through our gateway (or did not get that far), then never wrote
anything back. The periodic task then asks Twilio before sending.
"""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import messaging, tasks
from hotline.messaging.twilio_gateway import TwilioGateway
from hotline.models import Message

pytestmark = pytest.mark.django_db


def queue(resident, number="2026001"):
    return messaging.queue_sms(phone=resident.phone, template="received", params={"number": number}, resident=resident)


def worker_dies(message, *, after_twilio_took_it):
    """A worker claimed the message, maybe sent it, then died; its lease has run out since."""
    Message.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    if after_twilio_took_it:
        return TwilioGateway().send(to=message.phone, text=message.body, template=message.template,
                                    params=message.params, reference=message.pk).sid
    return None


def test_a_message_twilio_already_took_is_not_sent_again(fake_twilio, resident):
    message = queue(resident)
    sid = worker_dies(message, after_twilio_took_it=True)
    assert message.pk in messaging.due_message_ids()

    assert tasks.deliver_due_messages.enqueue().return_value == 1

    message.refresh_from_db()
    assert (message.status, message.provider, message.external_id, message.attempts) == ("sent", "twilio", sid, 2)
    assert len(fake_twilio.messages) == 1
    lookups = [r for r in fake_twilio.requests if r["method"] == "GET"]
    assert [(r["query"]["To"], r["query"]["From"]) for r in lookups] == [(resident.phone, fake_twilio.messages[0]["From"])]


def test_a_message_twilio_never_got_is_sent_once(fake_twilio, resident):
    message = queue(resident)
    worker_dies(message, after_twilio_took_it=False)

    assert tasks.deliver_due_messages.enqueue().return_value == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(fake_twilio.messages) == 1 and message.external_id in fake_twilio.message_resources


def test_the_same_text_sent_earlier_to_the_same_number_is_not_mistaken_for_it(fake_twilio, resident):
    resident.privacy_notice_at = timezone.now()  # had the privacy notice before: both texts the same
    resident.save(update_fields=["privacy_notice_at"])
    earlier = queue(resident)
    messaging.deliver(message_id=earlier.pk)  # the same words, really sent before, under its own row
    message = queue(resident)
    assert message.body == Message.objects.get(pk=earlier.pk).body
    worker_dies(message, after_twilio_took_it=False)

    tasks.deliver_due_messages.enqueue()

    message.refresh_from_db()
    assert message.status == "sent" and message.external_id != Message.objects.get(pk=earlier.pk).external_id
    assert len(fake_twilio.messages) == 2


def test_what_twilio_knows_about_the_message_is_kept(fake_twilio, resident):
    message = queue(resident)
    sid = worker_dies(message, after_twilio_took_it=True)
    fake_twilio.set_status(sid, "undelivered", error_code=30003)

    tasks.deliver_due_messages.enqueue()

    message.refresh_from_db()
    assert (message.status, message.error_code, message.external_id) == ("undelivered", "30003", sid)
    assert len(fake_twilio.messages) == 1


def test_a_message_that_keeps_killing_its_worker_is_given_up_unless_twilio_has_it(fake_twilio, resident, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_MAX_ATTEMPTS": 1}
    lost, taken = queue(resident, "2026001"), queue(resident, "2026002")
    worker_dies(lost, after_twilio_took_it=False)
    sid = worker_dies(taken, after_twilio_took_it=True)

    tasks.deliver_due_messages.enqueue()

    assert Message.objects.get(pk=lost.pk).status == "failed"
    assert (Message.objects.get(pk=taken.pk).status, Message.objects.get(pk=taken.pk).external_id) == ("sent", sid)
    assert len(fake_twilio.messages) == 1
