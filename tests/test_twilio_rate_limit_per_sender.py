"""No sender number sends faster than SMS_PER_SECOND_PER_SENDER, however many workers send at once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from hotline import messaging
from hotline.models import Message
from tests.conftest import at

T = at(2026, 3, 2, 10, 0)  # a whole second: slots of 1/4 s start exactly here


def queue(resident, count):
    with time_machine.travel(T - dt.timedelta(minutes=1), tick=False):
        return [
            messaging.queue_sms(phone=resident.phone, template="received", params={"number": f"202600{i}"}, resident=resident)
            for i in range(count)
        ]


def gaps(times):
    times = sorted(times)
    return [round(b - a, 3) for a, b in zip(times, times[1:])]


@pytest.mark.django_db
def test_sends_from_one_number_are_spaced_by_its_rate(fake_twilio, resident, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_PER_SECOND_PER_SENDER": 4.0}
    messages = queue(resident, 3)

    # three deliveries at the same instant, as three workers would start them
    statuses = [messaging.deliver(message_id=m.pk, now=T) for m in messages]

    assert statuses == ["sent"] * 3
    assert all(gap >= 0.24 for gap in gaps(fake_twilio.request_times())), gaps(fake_twilio.request_times())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_workers_sending_at_the_same_time_share_the_rate(fake_twilio, resident, settings):
    """Four workers start together on the real clock: each send gets a slot of its own (1/4 s each).

    The first may go at the end of the current slot, the others at the starts of the next
    three, so the four span at least two whole slots; without the limit they would arrive
    within milliseconds of each other.
    """
    settings.HOTLINE = {**settings.HOTLINE, "SMS_PER_SECOND_PER_SENDER": 4.0}
    messages = queue(resident, 4)
    barrier, statuses, errors = threading.Barrier(4, timeout=30), [], []

    def worker(message):
        try:
            barrier.wait()
            statuses.append(messaging.deliver(message_id=message.pk))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(m,)) for m in messages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    assert statuses == ["sent"] * 4
    times = sorted(fake_twilio.request_times())
    assert len(times) == 4 and times[-1] - times[0] >= 0.4, gaps(times)


@pytest.mark.django_db
def test_a_message_over_the_rate_for_too_long_goes_back_to_the_queue(fake_twilio, resident, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_PER_SECOND_PER_SENDER": 0.01}  # one per 100 s
    first, second = queue(resident, 2)

    assert messaging.deliver(message_id=first.pk, now=T) == "sent"
    assert messaging.deliver(message_id=second.pk, now=T) == "queued"

    second.refresh_from_db()
    assert (second.attempts, second.lease_until, second.next_attempt_at) == (0, None, T + dt.timedelta(seconds=100))
    assert len(fake_twilio.messages) == 1
    assert messaging.due_message_ids(now=T + dt.timedelta(seconds=99)) == []
    assert messaging.deliver(message_id=second.pk, now=T + dt.timedelta(seconds=100)) == "sent"
    assert Message.objects.get(pk=second.pk).attempts == 1 and len(fake_twilio.messages) == 2


@pytest.mark.django_db
def test_each_sender_number_has_its_own_slots(fake_twilio, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_PER_SECOND_PER_SENDER": 1.0}
    moment = T.timestamp()

    assert messaging.reserve_send_slot(sender="twilio:+15005550006", at=moment) == (moment, True)
    assert messaging.reserve_send_slot(sender="twilio:+15005550007", at=moment) == (moment, True)
    assert messaging.reserve_send_slot(sender="twilio:+15005550006", at=moment) == (moment + 1, True)


@pytest.mark.django_db
def test_test_and_development_gateways_are_not_held_back(resident, settings, outbox):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_PER_SECOND_PER_SENDER": 0.01}
    messages = queue(resident, 3)

    assert [messaging.deliver(message_id=m.pk, now=T) for m in messages] == ["sent"] * 3
    assert len(outbox) == 3
