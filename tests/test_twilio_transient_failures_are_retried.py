"""Twilio's 5xx, 429 and timeouts are retried with growing waits, then sent, once."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import messaging, tasks
from hotline.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(resident):
    return messaging.queue_sms(phone=resident.phone, template="received", params={"number": "2026001"}, resident=resident)


def deliver_at(message, moment):
    return messaging.deliver(message_id=message.pk, now=moment)


@pytest.mark.parametrize(
    "status, code",
    [(500, 20500), (503, 20503), (429, 20429)],
    ids=["server-error", "unavailable", "too-many-requests"],
)
def test_a_transient_twilio_error_is_retried_with_backoff_then_sent(fake_twilio, message, status, code):
    fake_twilio.fail_next(status=status, code=code, times=2, method="POST", resource="Messages")
    first = timezone.now()

    assert deliver_at(message, first) == "queued"
    message.refresh_from_db()
    assert (message.attempts, message.error_code, message.provider, message.external_id) == (1, str(code), "", None)
    assert f"Twilio {status} {code}" in message.error
    assert message.next_attempt_at == first + dt.timedelta(seconds=30)

    assert messaging.due_message_ids(now=first + dt.timedelta(seconds=29)) == []
    second = first + dt.timedelta(seconds=30)
    assert deliver_at(message, second) == "queued"
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == second + dt.timedelta(seconds=60)  # the wait doubles

    assert deliver_at(message, second + dt.timedelta(seconds=60)) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error, message.error_code) == ("sent", 3, "", "")
    assert message.external_id in fake_twilio.message_resources
    assert len(fake_twilio.messages) == 1
    # before each retry Twilio was asked whether it had the message after all
    assert len([r for r in fake_twilio.requests if r["method"] == "GET"]) == 2


def test_it_gives_up_after_the_maximum_number_of_attempts(fake_twilio, message, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_MAX_ATTEMPTS": 3}
    fake_twilio.fail_next(status=500, code=20500, times=3, method="POST")

    moment, statuses = timezone.now(), []
    for _ in range(3):
        statuses.append(deliver_at(message, moment))
        moment += dt.timedelta(hours=2)

    assert statuses == ["queued", "queued", "failed"]
    message.refresh_from_db()
    assert (message.attempts, message.error_code, message.next_attempt_at) == (3, "20500", None)
    assert fake_twilio.messages == []


def test_a_timeout_before_twilio_took_the_message_is_retried(fake_twilio, message, settings):
    settings.TWILIO_HTTP_TIMEOUT = 0.3
    fake_twilio.delay_next(1.0, accept=False)
    first = timezone.now()

    assert deliver_at(message, first) == "queued"
    message.refresh_from_db()
    assert "did not answer in time" in message.error and message.next_attempt_at == first + dt.timedelta(seconds=30)

    assert deliver_at(message, first + dt.timedelta(seconds=30)) == "sent"
    assert len(fake_twilio.messages) == 1


def test_a_timeout_after_twilio_took_the_message_does_not_send_it_twice(fake_twilio, message, settings):
    """Twilio accepted the message but its answer never came: the retry finds it instead of sending again."""
    settings.TWILIO_HTTP_TIMEOUT = 0.3
    fake_twilio.delay_next(1.0, accept=True)
    first = timezone.now()

    assert deliver_at(message, first) == "queued"
    assert len(fake_twilio.messages) == 1
    (sid,) = fake_twilio.message_resources

    assert deliver_at(message, first + dt.timedelta(seconds=30)) == "sent"

    message.refresh_from_db()
    assert (message.external_id, message.provider, message.attempts) == (sid, "twilio", 2)
    assert len(fake_twilio.messages) == 1


def test_when_twilio_cannot_be_asked_the_message_waits(fake_twilio, message):
    fake_twilio.fail_next(status=500, code=20500, method="POST")
    first = timezone.now()
    deliver_at(message, first)
    fake_twilio.fail_next(status=503, code=20503, method="GET")  # the look-up before the retry fails

    assert deliver_at(message, first + dt.timedelta(seconds=30)) == "queued"

    message.refresh_from_db()
    assert message.attempts == 2 and message.error == "could not ask Twilio whether it has the message: 503"
    assert fake_twilio.messages == []
    assert deliver_at(message, first + dt.timedelta(seconds=90)) == "sent"
    assert len(fake_twilio.messages) == 1


def test_the_delivery_task_and_the_periodic_sweep_retry_through_twilio(fake_twilio, message):
    fake_twilio.fail_next(status=429, code=20429, method="POST")

    assert tasks.deliver_message.enqueue(message_id=message.pk).return_value == "queued"
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())  # the wait is over

    assert tasks.deliver_due_messages.enqueue().return_value == 1
    assert Message.objects.get(pk=message.pk).status == "sent"
    assert len(fake_twilio.messages) == 1


def test_with_the_database_task_backend_the_retry_is_queued_for_when_it_is_due(fake_twilio, message, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fake_twilio.fail_next(status=500, code=20500, method="POST")

    assert tasks.deliver_message.call(message_id=message.pk) == "queued"  # what the worker runs

    message.refresh_from_db()
    retry = DBTaskResult.objects.get(task_path="hotline.tasks.deliver_message")
    assert retry.status == "READY" and retry.args_kwargs["kwargs"] == {"message_id": message.pk}
    assert retry.run_after == message.next_attempt_at
