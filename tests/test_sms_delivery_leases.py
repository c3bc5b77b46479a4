"""A delivery lease keeps two workers from sending the same SMS; an expired lease is picked up again.

A worker that dies in the middle of a send leaves the row 'sending' with a lease. Until the lease
expires nobody sends it; afterwards the periodic task does. Such attempts count, so a message that
keeps killing its worker is given up instead of retried for ever.
"""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from hotline import messaging, tasks
from hotline.messaging.gateways import LocmemGateway
from hotline.models import Message
from tests.conftest import at
from tests.helpers import run_concurrently

T = at(2026, 3, 2, 10, 0)
LEASE = dt.timedelta(seconds=60)


class WorkerDied(Exception):
    """Not a GatewayError: the send never reports back (a crash, a kill, a bug)."""


def queue(resident, template="received", minutes_before=1):
    with time_machine.travel(T - dt.timedelta(minutes=minutes_before), tick=False):
        return messaging.queue_sms(phone=resident.phone, template=template, params={"number": "2026001"}, resident=resident)


def die_while_sending(message, now):
    LocmemGateway.fail_next.append(WorkerDied("killed"))
    with pytest.raises(WorkerDied):
        messaging.deliver(message_id=message.pk, now=now)


@pytest.mark.django_db
def test_a_message_in_an_active_lease_is_not_sent_again(resident, outbox, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_LEASE_SECONDS": 60}
    message = queue(resident)
    die_while_sending(message, T)
    message.refresh_from_db()
    assert (message.status, message.lease_until, message.attempts) == ("sending", T + LEASE, 1)

    during = T + LEASE - dt.timedelta(seconds=1)
    assert messaging.due_message_ids(now=during) == []
    assert messaging.deliver(message_id=message.pk, now=during) == "sending"
    with time_machine.travel(during, tick=False):
        assert tasks.deliver_due_messages.enqueue().return_value == 0
    assert outbox == []


@pytest.mark.django_db
def test_an_expired_lease_is_picked_up_by_the_periodic_task(resident, outbox, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_LEASE_SECONDS": 60}
    message = queue(resident)
    die_while_sending(message, T)

    after = T + LEASE + dt.timedelta(seconds=1)
    assert messaging.due_message_ids(now=after) == [message.pk]
    with time_machine.travel(after, tick=False):
        assert tasks.deliver_due_messages.enqueue().return_value == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.lease_until) == ("sent", 2, None)
    assert [sms["template"] for sms in outbox] == ["received"]


@pytest.mark.django_db
def test_a_message_that_never_reports_back_is_given_up(resident, outbox, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_LEASE_SECONDS": 60, "SMS_MAX_ATTEMPTS": 2}
    message = queue(resident)
    die_while_sending(message, T)
    die_while_sending(message, T + dt.timedelta(minutes=2))

    assert messaging.deliver(message_id=message.pk, now=T + dt.timedelta(minutes=4)) == "failed"

    message.refresh_from_db()
    assert (message.status, message.attempts, message.lease_until, message.next_attempt_at) == ("failed", 3, None, None)
    assert "gave up" in message.error
    assert messaging.due_message_ids(now=T + dt.timedelta(hours=1)) == []
    assert outbox == []


@pytest.mark.django_db
def test_one_message_that_crashes_does_not_hold_up_the_others(resident, outbox):
    first = queue(resident, "received", minutes_before=2)
    second = queue(resident, "closed", minutes_before=1)
    LocmemGateway.fail_next.append(WorkerDied("bug in the gateway"))

    with time_machine.travel(T, tick=False):
        result = tasks.deliver_due_messages.enqueue()

    assert result.status == "SUCCESSFUL"
    assert Message.objects.get(pk=first.pk).status == "sending"  # back when its lease expires
    assert Message.objects.get(pk=second.pk).status == "sent"
    assert [sms["template"] for sms in outbox] == ["closed"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_workers_delivering_the_same_message_at_once_send_it_once(resident, outbox):
    """Both workers are held at a barrier just before their claim, so both try to claim at the same time."""
    message = queue(resident)
    barrier = threading.Barrier(2, timeout=30)
    statuses = []

    def run():
        first_update = [True]

        def hold_before_claim(execute, sql, params, many, context):
            if sql.startswith('UPDATE "hotline_message"') and first_update[0]:  # the claim comes first
                first_update[0] = False
                barrier.wait()
            return execute(sql, params, many, context)

        with connection.execute_wrapper(hold_before_claim):
            statuses.append(messaging.deliver(message_id=message.pk, now=T))

    errors = run_concurrently(run, run, barrier=barrier)
    assert not errors, errors
    assert len(outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert sorted(statuses) in (["sending", "sent"], ["sent", "sent"])
