"""Webhook rows are POSTed, signed, to the platform's receiver (a real HTTP server on loopback):
retried with exponential backoff until accepted, one ticket's rows in order, never by two workers at once."""

import datetime as dt
import hashlib
import hmac
import json
import threading

import pytest
import time_machine
from django.db import connection

from hotline import tasks, upstream, workflow
from hotline.models import UpstreamSystem, WebhookDelivery
from tests.conftest import at
from tests.fake_upstream import SECRET, FakeUpstream
from tests.helpers import run_concurrently

T = at(2026, 3, 2, 10, 0)


def rows(ticket):
    return list(WebhookDelivery.objects.filter(ticket=ticket).order_by("pk"))


def deliver_due(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.deliver_due_webhooks.enqueue().return_value


@pytest.fixture
def dispatched(upstream_ticket):
    """An upstream ticket received and dispatched at T: two rows waiting, nothing sent yet."""
    with time_machine.travel(T, tick=False):
        return upstream_ticket("dispatched")


@pytest.mark.django_db
def test_each_row_is_posted_signed_and_verifiable(dispatched, receiver):
    assert deliver_due(T) == 2

    received, dispatched_row = rows(dispatched)
    assert [r["headers"]["X-Hotline-Event"] for r in receiver.requests] == ["received", "dispatched"]
    for request, row in zip(receiver.requests, (received, dispatched_row)):
        raw, headers = request["body"], request["headers"]
        # what a receiver does, written independently of our code
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Hotline-Signature"], expected)
        body = json.loads(raw)
        assert headers["X-Hotline-Delivery"] == str(row.pk) == str(body["delivery"])
        assert body["timestamp"] == int(T.timestamp()) == int(headers["X-Hotline-Timestamp"])  # signed, in the body
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        assert body["event"] == row.event and body["ticket"] == row.payload["ticket"]
        assert request["valid"]
    for row in (received, dispatched_row):
        row.refresh_from_db()
        assert (row.status, row.attempts, row.response_status, row.last_error, row.lease_until) == (
            "delivered", 1, 204, "", None,
        )
        assert row.delivered_at == T
    assert receiver.events() == [(dispatched.number, "received"), (dispatched.number, "dispatched")]


def test_a_tampered_body_or_an_old_timestamp_fails_verification():
    body = json.dumps({"delivery": 1, "timestamp": 1_772_416_800, "event": "signed"}).encode()
    header = upstream.signature(SECRET, body)
    assert upstream.verify_signature(SECRET, body, header)
    assert not upstream.verify_signature(SECRET, body.replace(b"signed", b"closed"), header)
    assert not upstream.verify_signature("another secret", body, header)
    assert not upstream.verify_signature(SECRET, body, None)
    assert upstream.verify_signature(SECRET, body, header, max_age=300, now=1_772_416_800 + 299)
    assert not upstream.verify_signature(SECRET, body, header, max_age=300, now=1_772_416_800 + 301)


@pytest.mark.django_db
def test_a_server_error_is_retried_with_exponential_backoff_until_accepted(dispatched, receiver):
    receiver.fail_next(status=500, times=3)
    first, second = rows(dispatched)

    assert deliver_due(T) == 1  # the second waits behind the first
    first.refresh_from_db()
    assert (first.status, first.attempts, first.response_status, first.next_attempt_at) == (
        "pending", 1, 500, T + dt.timedelta(seconds=30),
    )
    assert first.last_error.startswith("HTTP 500")

    assert deliver_due(T + dt.timedelta(seconds=29)) == 0  # not due yet
    deliver_due(T + dt.timedelta(seconds=30))
    first.refresh_from_db()
    assert (first.attempts, first.next_attempt_at) == (2, T + dt.timedelta(seconds=30 + 60))
    deliver_due(T + dt.timedelta(seconds=90))
    first.refresh_from_db()
    assert (first.attempts, first.next_attempt_at) == (3, T + dt.timedelta(seconds=90 + 120))

    assert deliver_due(T + dt.timedelta(seconds=210)) == 2  # accepted, and the second follows at once
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, first.response_status, first.last_error) == ("delivered", 4, 204, "")
    assert (second.status, second.attempts) == ("delivered", 1)
    assert [r["status"] for r in receiver.requests] == [500, 500, 500, 204, 204]
    assert receiver.events() == [(dispatched.number, "received"), (dispatched.number, "dispatched")]


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.HOTLINE = {**settings.HOTLINE, "WEBHOOK_BACKOFF_SECONDS": 30, "WEBHOOK_MAX_BACKOFF_SECONDS": 3600}
    waits = [upstream.backoff(n).total_seconds() for n in (1, 2, 3, 4, 5, 6, 7, 8, 100, 30000)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


@pytest.mark.django_db
def test_a_timeout_is_retried(dispatched, receiver, settings):
    settings.HOTLINE = {**settings.HOTLINE, "WEBHOOK_TIMEOUT_SECONDS": 0.5}
    receiver.delay_next(seconds=3)
    first = rows(dispatched)[0]

    deliver_due(T)
    first.refresh_from_db()
    assert (first.status, first.attempts, first.response_status) == ("pending", 1, None)
    assert "timed out" in first.last_error

    deliver_due(T + dt.timedelta(seconds=30))
    first.refresh_from_db()
    assert first.status == "delivered"
    assert receiver.events()[0] == (dispatched.number, "received")


@pytest.mark.django_db
def test_a_refused_connection_is_retried(dispatched, receiver):
    receiver.stop()  # nobody listens on its port now
    first = rows(dispatched)[0]

    deliver_due(T)
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("pending", 1)
    assert "refused" in first.last_error.lower()

    replacement = FakeUpstream(SECRET).start()
    try:
        UpstreamSystem.objects.filter(code="city").update(webhook_url=replacement.url)
        assert deliver_due(T + dt.timedelta(seconds=30)) == 2
    finally:
        replacement.stop()
    assert replacement.events() == [(dispatched.number, "received"), (dispatched.number, "dispatched")]


@pytest.mark.django_db
def test_an_answer_that_is_not_http_is_retried(dispatched, receiver):
    receiver.fail_next(status="garbage")
    assert deliver_due(T) == 1
    first = rows(dispatched)[0]
    assert (first.status, first.attempts, first.lease_until) == ("pending", 1, None)
    assert "BadStatusLine" in first.last_error
    assert deliver_due(T + dt.timedelta(seconds=30)) == 2


@pytest.mark.django_db
def test_a_redirect_is_not_an_acceptance(dispatched, receiver):
    receiver.fail_next(status=302)
    deliver_due(T)
    first = rows(dispatched)[0]
    assert (first.status, first.response_status) == ("pending", 302)


@pytest.mark.django_db
def test_a_later_event_waits_until_the_earlier_one_is_accepted(dispatched, receiver, people, django_capture_on_commit_callbacks):
    receiver.fail_next(status=503)
    deliver_due(T)  # the receipt fails once; the dispatch waits behind it

    with time_machine.travel(T + dt.timedelta(seconds=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # the sign's row is "sent" after its commit
            workflow.sign(ticket=dispatched, by=people["liaison"])
    assert [r["headers"]["X-Hotline-Event"] for r in receiver.requests] == ["received"]
    assert [r.status for r in rows(dispatched)] == ["pending", "pending", "pending"]
    assert [r.attempts for r in rows(dispatched)] == [1, 0, 0]

    assert deliver_due(T + dt.timedelta(seconds=30)) == 3
    assert receiver.events() == [
        (dispatched.number, "received"), (dispatched.number, "dispatched"), (dispatched.number, "signed"),
    ]


@pytest.mark.django_db
def test_other_tickets_do_not_wait_for_a_failing_one(upstream_ticket, receiver):
    with time_machine.travel(T, tick=False):
        stuck, other = upstream_ticket("new"), upstream_ticket("new")
    receiver.fail_next(status=500)

    assert deliver_due(T) == 2
    assert [r.status for r in rows(stuck)] == ["pending"]
    assert [r.status for r in rows(other)] == ["delivered"]


@pytest.mark.django_db
def test_with_a_cap_a_row_is_marked_failed_blocks_its_ticket_and_can_be_retried(dispatched, receiver, settings):
    settings.HOTLINE = {**settings.HOTLINE, "WEBHOOK_MAX_ATTEMPTS": 2}
    receiver.fail_next(status=500, times=2)
    first, second = rows(dispatched)

    deliver_due(T)
    deliver_due(T + dt.timedelta(seconds=30))
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("failed", 2)
    assert first.last_error.startswith("HTTP 500")
    assert upstream.due_delivery_ids(now=T + dt.timedelta(days=1)) == []  # the ticket's line stops: order holds
    assert deliver_due(T + dt.timedelta(days=1)) == 0

    with time_machine.travel(T + dt.timedelta(days=1), tick=False):
        assert upstream.retry_now(WebhookDelivery.objects.filter(pk=first.pk)) == 1
    first.refresh_from_db()
    assert (first.status, first.attempts, first.next_attempt_at) == ("pending", 0, T + dt.timedelta(days=1))
    assert deliver_due(T + dt.timedelta(days=1)) == 2
    second.refresh_from_db()
    assert second.status == "delivered"
    assert receiver.events() == [(dispatched.number, "received"), (dispatched.number, "dispatched")]


@pytest.mark.django_db
def test_a_row_in_an_active_lease_is_not_sent_again_and_an_expired_lease_is_picked_up(dispatched, receiver, settings):
    settings.HOTLINE = {**settings.HOTLINE, "WEBHOOK_LEASE_SECONDS": 60}
    first, second = rows(dispatched)
    # a worker claimed the first row at T and died in the middle of the send
    WebhookDelivery.objects.filter(pk=first.pk).update(lease_until=T + dt.timedelta(seconds=60), attempts=1)

    during = T + dt.timedelta(seconds=59)
    assert upstream.due_delivery_ids(now=during) == []
    assert upstream.deliver(delivery_id=first.pk, now=during) == "pending"
    assert upstream.deliver(delivery_id=second.pk, now=during) == "pending"  # waits behind the leased one
    assert receiver.requests == []

    after = T + dt.timedelta(seconds=61)
    assert upstream.due_delivery_ids(now=after) == [first.pk]
    assert deliver_due(after) == 2
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("delivered", 2)


@pytest.mark.django_db
def test_a_row_of_a_deactivated_platform_is_marked_failed_and_can_be_retried_later(dispatched, receiver):
    UpstreamSystem.objects.filter(code="city").update(is_active=False)
    deliver_due(T)
    first, second = rows(dispatched)
    assert (first.status, second.status) == ("failed", "pending")
    assert "停用" in first.last_error
    assert receiver.requests == []

    UpstreamSystem.objects.filter(code="city").update(is_active=True)
    with time_machine.travel(T, tick=False):
        upstream.retry_now(WebhookDelivery.objects.all())
    assert deliver_due(T) == 2
    assert [r.status for r in rows(dispatched)] == ["delivered", "delivered"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_workers_sending_the_same_row_at_once_send_it_once(upstream_ticket, receiver, settings):
    """Both workers are held at a barrier just before their claim, so both try to claim at the same time."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no sending at commit
    with time_machine.travel(T - dt.timedelta(minutes=1), tick=False):
        ticket = upstream_ticket("new")
    row = rows(ticket)[0]
    barrier = threading.Barrier(2, timeout=30)
    statuses, holds = [], []

    def run():
        first_update = [True]

        def hold_before_claim(execute, sql, params, many, context):
            if sql.startswith('UPDATE "hotline_webhookdelivery"') and first_update[0]:
                first_update[0] = False
                holds.append(1)
                barrier.wait()
            return execute(sql, params, many, context)

        with connection.execute_wrapper(hold_before_claim):
            statuses.append(upstream.deliver(delivery_id=row.pk))

    errors = run_concurrently(run, run, barrier=barrier)

    assert not errors, errors
    assert len(holds) == 2
    assert len(receiver.requests) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 1)
    assert sorted(statuses) in (["delivered", "delivered"], ["delivered", "pending"])
