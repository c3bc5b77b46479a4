"""An invalid number, an unsubscribed resident (21610) or a landline (21614) fails at once, with Twilio's code."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import messaging, tasks
from hotline.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(resident):
    return messaging.queue_sms(phone=resident.phone, template="received", params={"number": "2026001"}, resident=resident)


def assert_failed_for_good(message, code, fake_twilio):
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error_code, message.next_attempt_at) == ("failed", 1, code, None)
    assert message.external_id is None and message.lease_until is None
    later = timezone.now() + dt.timedelta(days=1)
    assert message.pk not in messaging.due_message_ids(now=later)
    assert messaging.deliver(message_id=message.pk, now=later) == "failed"
    assert len(fake_twilio.request_times("POST")) == 1  # one try, never again


@pytest.mark.parametrize("code", [21211, 21614, 21610])
def test_a_rejected_number_fails_without_a_retry(fake_twilio, message, code):
    fake_twilio.fail_next(status=400, code=code, method="POST", resource="Messages")

    assert messaging.deliver(message_id=message.pk) == "failed"

    assert_failed_for_good(message, str(code), fake_twilio)
    assert f"Twilio 400 {code}" in Message.objects.get(pk=message.pk).error


def test_a_resident_who_replied_stop_to_twilio_is_not_retried(fake_twilio, message):
    fake_twilio.unsubscribe("+8613800138000")

    assert tasks.deliver_message.enqueue(message_id=message.pk).return_value == "failed"

    assert_failed_for_good(message, "21610", fake_twilio)
    assert fake_twilio.messages == []


def test_a_number_twilio_cannot_read_is_rejected_by_twilio_itself(fake_twilio, resident):
    message = messaging.queue_sms(phone="13800138000", template="closed", params={"number": "2026001"})  # not E.164

    assert messaging.deliver(message_id=message.pk) == "failed"

    assert_failed_for_good(message, "21211", fake_twilio)


def test_a_stop_reported_by_twilio_opts_the_resident_out(fake_twilio, message, resident):
    fake_twilio.unsubscribe("+8613800138000")
    messaging.deliver(message_id=message.pk)
    resident.refresh_from_db()
    assert resident.sms_opt_out
    assert resident.history.latest("history_date").history_user.username == "hotline-system"
