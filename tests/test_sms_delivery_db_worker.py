"""With the real django-tasks-db backend, a workflow action's SMS are queued as tasks after the
commit and sent by `manage.py db_worker`."""

import io
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hotline.models import Message


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for signum, handler in handlers.items():  # db_worker installs its own and leaves them
        signal.signal(signum, handler)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_the_worker_sends_the_sms_of_a_dispatch(database_tasks, make_ticket, outbox):
    ticket = make_ticket("dispatched")  # receive, then dispatch: each commits and queues its SMS

    messages = Message.objects.filter(ticket=ticket)
    assert sorted(messages.values_list("template", "status")) == [
        ("dispatched", "queued"), ("received", "queued"), ("unit_new", "queued"),
    ]
    queued = DBTaskResult.objects.filter(task_path="hotline.tasks.deliver_message")
    assert queued.count() == 3 and set(queued.values_list("status", flat=True)) == {"READY"}
    assert outbox == []

    run_worker()

    assert sorted(messages.values_list("template", "status")) == [
        ("dispatched", "sent"), ("received", "sent"), ("unit_new", "sent"),
    ]
    assert sorted((sms["to"], sms["template"]) for sms in outbox) == [
        ("+8613800138000", "dispatched"), ("+8613800138000", "received"), ("+8613900000002", "unit_new"),
    ]
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}

    run_worker()  # nothing left to do, nothing sent twice
    assert len(outbox) == 3
