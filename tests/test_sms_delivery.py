"""An outbound SMS row is sent once through the gateway; failures are retried with backoff, then given up."""

import datetime as dt

import pytest
import time_machine

from hotline import messaging, tasks
from hotline.messaging.gateways import GatewayError, LocmemGateway
from hotline.models import Message
from tests.conftest import at

pytestmark = pytest.mark.django_db

T = at(2026, 3, 2, 10, 0)


@pytest.fixture
def message(resident):
    with time_machine.travel(T - dt.timedelta(minutes=1), tick=False):
        return messaging.queue_sms(
            phone=resident.phone, template="received", params={"number": "2026001"}, resident=resident
        )


def test_a_queued_message_is_sent_once_and_marked_sent(message, outbox):
    assert (message.status, message.direction, message.attempts) == ("queued", "out", 0)

    assert messaging.deliver(message_id=message.pk) == "sent"

    assert outbox == [
        {
            "sid": outbox[0]["sid"], "to": "+8613800138000", "text": "已受理您的诉求，工单号2026001。回复“CX 2026001”查询进度。",
            "template": "received", "params": {"number": "2026001"},
        }
    ]
    message.refresh_from_db()
    assert (message.status, message.provider, message.external_id) == ("sent", "locmem", outbox[0]["sid"])
    assert message.sent_at is not None and message.attempts == 1
    assert message.lease_until is None and message.next_attempt_at is None and message.error == ""


def test_delivering_the_same_message_again_does_nothing(message, outbox):
    messaging.deliver(message_id=message.pk)
    sent_at = Message.objects.get(pk=message.pk).sent_at

    assert messaging.deliver(message_id=message.pk) == "sent"
    assert tasks.deliver_message.enqueue(message_id=message.pk).return_value == "sent"

    assert len(outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1 and message.sent_at == sent_at


def test_the_delivery_task_sends_it(message, outbox):
    result = tasks.deliver_message.enqueue(message_id=message.pk)

    assert result.status == "SUCCESSFUL" and result.return_value == "sent"
    assert [sms["template"] for sms in outbox] == ["received"]


def test_a_transient_error_is_retried_with_backoff(message, outbox):
    LocmemGateway.fail_next.extend([GatewayError("gateway timeout"), GatewayError("gateway busy")])

    assert messaging.deliver(message_id=message.pk, now=T) == "queued"
    message.refresh_from_db()
    assert (message.attempts, message.error, message.next_attempt_at) == (1, "gateway timeout", T + dt.timedelta(seconds=30))
    assert message.lease_until is None and message.provider == "" and message.external_id is None

    # not before the next attempt is due
    assert messaging.due_message_ids(now=T + dt.timedelta(seconds=29)) == []
    assert messaging.deliver(message_id=message.pk, now=T + dt.timedelta(seconds=29)) == "queued"
    assert Message.objects.get(pk=message.pk).attempts == 1

    second = T + dt.timedelta(seconds=30)
    assert messaging.due_message_ids(now=second) == [message.pk]
    assert messaging.deliver(message_id=message.pk, now=second) == "queued"
    message.refresh_from_db()
    assert (message.attempts, message.error) == (2, "gateway busy")
    assert message.next_attempt_at == second + dt.timedelta(seconds=60)  # the wait doubles

    assert messaging.deliver(message_id=message.pk, now=second + dt.timedelta(seconds=60)) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == ("sent", 3, "")
    assert len(outbox) == 1


def test_a_permanent_error_marks_it_failed(message, outbox):
    LocmemGateway.fail_next.append(GatewayError("unreachable number", permanent=True))

    assert messaging.deliver(message_id=message.pk, now=T) == "failed"

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error, message.next_attempt_at) == (
        "failed", 1, "unreachable number", None,
    )
    assert messaging.due_message_ids(now=T + dt.timedelta(days=1)) == []
    assert messaging.deliver(message_id=message.pk, now=T + dt.timedelta(days=1)) == "failed"
    assert outbox == []


def test_it_gives_up_after_the_maximum_number_of_attempts(message, outbox, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_MAX_ATTEMPTS": 3}
    LocmemGateway.fail_next.extend([GatewayError("busy"), GatewayError("busy"), GatewayError("still busy")])

    moment, statuses = T, []
    for _ in range(3):
        statuses.append(messaging.deliver(message_id=message.pk, now=moment))
        moment += dt.timedelta(hours=2)

    assert statuses == ["queued", "queued", "failed"]
    message.refresh_from_db()
    assert (message.attempts, message.error, message.next_attempt_at) == (3, "still busy", None)
    assert messaging.due_message_ids(now=moment) == []
    assert outbox == [] and LocmemGateway.fail_next == []


def test_due_retries_are_sent_by_the_periodic_task(message, resident, outbox):
    later = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026002"})
    Message.objects.filter(pk=later.pk).update(next_attempt_at=T + dt.timedelta(minutes=5))  # a retry not yet due

    with time_machine.travel(T, tick=False):
        assert tasks.deliver_due_messages.enqueue().return_value == 1

    assert [sms["template"] for sms in outbox] == ["received"]
    assert Message.objects.get(pk=later.pk).status == "queued"
