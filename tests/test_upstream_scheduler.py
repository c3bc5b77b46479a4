"""The scheduler's minutely round sends the webhook rows that are due (retries, expired leases), and only
enqueues that job while rows are pending; two rounds at once send each row once."""

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from hotline import tasks
from hotline.models import WebhookDelivery
from tests.conftest import at
from tests.helpers import run_concurrently

T = at(2026, 3, 2, 10, 0)


def run_scheduler():
    call_command("run_scheduler", "--once", stdout=io.StringIO())


@pytest.mark.django_db
def test_one_round_sends_the_rows_that_are_due(upstream_ticket, receiver):
    with time_machine.travel(T, tick=False):
        ticket = upstream_ticket("dispatched")
        other = upstream_ticket("new")
    WebhookDelivery.objects.filter(ticket=other).update(attempts=1, next_attempt_at=T + dt.timedelta(minutes=5))

    with time_machine.travel(T + dt.timedelta(seconds=30), tick=False):
        run_scheduler()

    assert [r.status for r in WebhookDelivery.objects.filter(ticket=ticket).order_by("pk")] == ["delivered", "delivered"]
    assert WebhookDelivery.objects.get(ticket=other).status == "pending"  # its retry is not due yet
    assert receiver.events() == [(ticket.number, "received"), (ticket.number, "dispatched")]

    with time_machine.travel(T + dt.timedelta(minutes=5), tick=False):
        run_scheduler()
    assert WebhookDelivery.objects.get(ticket=other).status == "delivered"


@pytest.mark.django_db
def test_with_the_database_backend_the_job_is_enqueued_only_while_rows_are_pending(settings, upstream_ticket):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run_scheduler()
    assert not DBTaskResult.objects.filter(task_path="hotline.tasks.deliver_due_webhooks").exists()

    upstream_ticket("new")
    DBTaskResult.objects.all().delete()  # the receipt's own delivery task: not what this test is about
    for _ in range(2):
        run_scheduler()
    assert sorted(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)) == [
        "hotline.tasks.deliver_due_messages", "hotline.tasks.deliver_due_webhooks", "hotline.tasks.sweep_deadlines",
    ]  # one of each: they do not pile up while no worker runs

    DBTaskResult.objects.update(status="SUCCESSFUL")
    WebhookDelivery.objects.update(status="delivered")
    run_scheduler()
    assert not DBTaskResult.objects.filter(status="READY", task_path="hotline.tasks.deliver_due_webhooks").exists()


@pytest.mark.django_db
def test_the_delivery_task_sends_the_row_and_a_failure_waits_for_the_scheduler(upstream_ticket, receiver):
    with time_machine.travel(T, tick=False):
        ticket = upstream_ticket("new")
    row = WebhookDelivery.objects.get(ticket=ticket)
    receiver.fail_next(status=500)

    with time_machine.travel(T, tick=False):
        assert tasks.deliver_webhook.enqueue(delivery_id=row.pk).return_value == "pending"
    with time_machine.travel(T + dt.timedelta(seconds=30), tick=False):
        run_scheduler()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("delivered", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_rounds_at_once_send_each_row_once(upstream_ticket, receiver, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nothing sent at commit
    with time_machine.travel(T, tick=False):
        tickets = [upstream_ticket("dispatched") for _ in range(4)]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    barrier = threading.Barrier(2, timeout=30)

    def round_():
        started = [False]

        def hold_before_first_claim(execute, sql, params, many, context):
            if sql.startswith('UPDATE "hotline_webhookdelivery"') and not started[0]:
                started[0] = True
                barrier.wait()
            return execute(sql, params, many, context)

        with connection.execute_wrapper(hold_before_first_claim):
            tasks.deliver_due_webhooks.enqueue()

    errors = run_concurrently(round_, round_, barrier=barrier)

    assert not errors, errors
    assert WebhookDelivery.objects.exclude(status="delivered").count() == 0
    assert len(receiver.requests) == len(receiver.accepted) == 8  # no row twice
    for ticket in tickets:  # each ticket's rows in order
        assert [e for n, e in receiver.events() if n == ticket.number] == ["received", "dispatched"]


@pytest.mark.django_db
def test_with_the_database_backend_a_failed_attempt_is_retried_when_due(settings, upstream_ticket, receiver):
    with time_machine.travel(T, tick=False):
        ticket = upstream_ticket("new")
    row = WebhookDelivery.objects.get(ticket=ticket)
    receiver.fail_next(status=500)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with time_machine.travel(T, tick=False):
        assert tasks.deliver_webhook.call(delivery_id=row.pk) == "pending"  # as a worker runs it

    retry = DBTaskResult.objects.get(task_path="hotline.tasks.deliver_webhook")
    assert retry.run_after == T + dt.timedelta(seconds=30)
    assert retry.args_kwargs["kwargs"] == {"delivery_id": row.pk}
