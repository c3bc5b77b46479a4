"""`manage.py run_scheduler --once` enqueues one round of the periodic jobs: the deadline sweep and
the SMS deliveries that are due (with the immediate task backend of the tests they run at once)."""

import datetime as dt
import io
import signal

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hotline import messaging
from hotline.models import Message, TicketEvent
from tests.conftest import at

DISPATCHED = at(2026, 3, 2, 10, 0)  # help ticket: sign reminder due Monday 15:00
SIGN_REMIND = at(2026, 3, 2, 15, 0)


def run_scheduler():
    call_command("run_scheduler", "--once", stdout=io.StringIO())


@pytest.mark.django_db
def test_one_round_runs_the_sweep_and_delivers_what_is_due(ticket_at, people, resident, outbox):
    ticket = ticket_at(DISPATCHED)
    with time_machine.travel(SIGN_REMIND, tick=False):
        retry_later = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": ticket.number})
    Message.objects.filter(pk=retry_later.pk).update(attempts=1, next_attempt_at=SIGN_REMIND + dt.timedelta(minutes=5))

    with time_machine.travel(SIGN_REMIND + dt.timedelta(seconds=30), tick=False):
        run_scheduler()

    # the sweep ran: one sign reminder to the lead unit's liaison
    assert TicketEvent.objects.filter(ticket=ticket, action="remind").count() == 1
    reminder = Message.objects.get(ticket=ticket, template="unit_sign_reminder")
    # the due deliveries ran after it: the reminder and the dispatch's messages went out
    assert reminder.status == "sent"
    assert Message.objects.filter(ticket=ticket).exclude(status="sent").count() == 0
    assert ("+8613900000002", "unit_sign_reminder") in [(sms["to"], sms["template"]) for sms in outbox]
    # a retry that is not due yet waits
    assert Message.objects.get(pk=retry_later.pk).status == "queued"

    sent = len(outbox)
    with time_machine.travel(SIGN_REMIND + dt.timedelta(seconds=90), tick=False):
        run_scheduler()
    assert TicketEvent.objects.filter(ticket=ticket, action="remind").count() == 1
    assert len(outbox) == sent


@pytest.mark.django_db
def test_it_leaves_the_signal_handlers_as_it_found_them():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    run_scheduler()

    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


@pytest.mark.django_db
def test_with_the_database_backend_it_enqueues_the_jobs_and_prunes_old_results_at_night(settings, ticket_at):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ticket = ticket_at(DISPATCHED)
    with time_machine.travel(at(2026, 2, 20, 3, 0), tick=False):
        call_command("run_scheduler", "--once")  # a round two weeks ago, done by a worker since
        DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=at(2026, 2, 20, 3, 1))

    with time_machine.travel(at(2026, 3, 3, 3, 0), tick=False):  # 03:00: the nightly jobs are due too
        run_scheduler()

    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("hotline.tasks.deliver_due_messages", "READY"),
        ("hotline.tasks.sweep_deadlines", "READY"),
    ]
    # enqueued, not run: the worker does that
    assert not TicketEvent.objects.filter(ticket=ticket, action__in=["remind", "supervise"]).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_the_worker_runs_what_the_scheduler_enqueued(settings, ticket_at, outbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    ticket = ticket_at(DISPATCHED)
    DBTaskResult.objects.all().delete()  # the dispatch's own deliveries: not what this test is about

    try:
        with time_machine.travel(SIGN_REMIND + dt.timedelta(seconds=30), tick=False):
            run_scheduler()
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=io.StringIO())
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    assert TicketEvent.objects.filter(ticket=ticket, action="remind").count() == 1
    assert Message.objects.get(ticket=ticket, template="unit_sign_reminder").status == "sent"
    assert [sms["template"] for sms in outbox].count("unit_sign_reminder") == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db
def test_jobs_do_not_pile_up_while_no_worker_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _ in range(3):
        call_command("run_scheduler", "--once")
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # one sweep, one retry round
    DBTaskResult.objects.update(status="SUCCESSFUL")
    call_command("run_scheduler", "--once")
    assert DBTaskResult.objects.filter(status="READY").count() == 2
