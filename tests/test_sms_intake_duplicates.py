"""A retried or concurrently duplicated delivery (same MessageSid) is a no-op answering the same reply:
exactly one inbound Message, one ticket and one acknowledgement — also with two deliveries at the
same moment on PostgreSQL (the second INSERT waits on the unique index until the first commits) and
on the embedded SQLite file (IMMEDIATE transactions)."""

import threading
import time

import pytest
from django.db import IntegrityError, connection
from django.test import Client

from hotline.models import Message, PromotionRequest, Resident, Ticket
from tests.conftest import SmsWebhook, twilio_params, twiml_reply
from tests.helpers import run_concurrently

PHONE = "+8613800138000"


@pytest.mark.django_db
def test_a_retried_delivery_answers_the_same_reply_and_changes_nothing(sms):
    params = twilio_params(body="村口路灯坏了", phone=PHONE)
    first = sms.post(params)
    second = sms.post(params)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    ticket = Ticket.objects.get()
    assert ticket.number in twiml_reply(first)
    assert Message.objects.filter(direction="in").count() == 1
    assert Message.objects.filter(direction="out").count() == 1
    assert ticket.events.count() == 1


@pytest.mark.django_db
def test_a_retried_command_is_not_done_twice(sms):
    params = twilio_params(body="TG 石门村脆红李500斤", phone=PHONE)
    assert sms.post(params).content == sms.post(params).content
    assert PromotionRequest.objects.count() == 1
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_a_second_message_with_another_sid_is_not_a_duplicate(sms):
    sms.send("村口路灯坏了")
    sms.send("村口路灯坏了")
    assert Message.objects.filter(direction="in").count() == 2
    assert Ticket.objects.count() == 1  # the second one is added to the first ticket


def deliver_at_once(both_params):
    """POST the two requests from two threads at the same moment; returns the responses and how many
    INSERTs failed on a unique constraint. The first thread to store its message holds its transaction
    open a moment, so the other request certainly arrives while it is uncommitted."""
    barrier = threading.Barrier(2, timeout=30)
    responses, conflicts = [None, None], []

    def deliver(index):
        held = []

        def hold_the_first_insert(execute, sql, params_, many, context):
            try:
                result = execute(sql, params_, many, context)
            except IntegrityError:
                conflicts.append(index)
                raise
            if sql.startswith('INSERT INTO "hotline_message"') and not held:
                held.append(sql)
                time.sleep(0.3)
            return result

        with connection.execute_wrapper(hold_the_first_insert):
            barrier.wait()
            responses[index] = SmsWebhook(Client()).post(both_params[index])

    errors = run_concurrently(lambda: deliver(0), lambda: deliver(1), barrier=barrier)
    assert not errors, errors
    assert [r.status_code for r in responses] == [200, 200]
    return responses, conflicts


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_concurrent_deliveries_make_one_ticket_and_one_acknowledgement():
    params = twilio_params(body="村口路灯坏了，晚上很危险", phone=PHONE)

    responses, conflicts = deliver_at_once([params, params])

    assert len(conflicts) == 1  # one delivery's INSERT failed on the unique (provider, MessageSid)
    assert responses[0].content == responses[1].content
    ticket = Ticket.objects.get()
    assert ticket.number in twiml_reply(responses[0])
    inbound = Message.objects.get(direction="in")
    assert Message.objects.get(direction="out").in_reply_to == inbound
    assert Resident.objects.count() == 1
    assert ticket.events.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_different_messages_at_once_from_a_new_resident_make_one_ticket_and_an_addition():
    first = twilio_params(body="村口路灯坏了", phone="+8613912345678")
    second = twilio_params(body="是靠近小学那一盏", phone="+8613912345678")

    responses, _ = deliver_at_once([first, second])

    ticket = Ticket.objects.get()
    assert Resident.objects.get().phone == "+8613912345678"
    assert ticket.messages.filter(direction="in").count() == 2
    assert ticket.events.filter(action="append").count() == 1
    replies = sorted(twiml_reply(r) for r in responses)
    assert replies[0].startswith("已受理") and replies[1].startswith("已将您的补充内容加入工单")
    assert all(ticket.number in reply for reply in replies)
