"""The scheduler enqueues the classifier's training at night only when tickets were handled since
the last training; the worker's task trains (and the admin's button enqueues the same task)."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hotline import tasks
from hotline.models import RouterModel
from tests.conftest import at
from tests.routing_helpers import bulk_history

NIGHT = at(2026, 11, 3, 2, 30)
PATH = "hotline.tasks.train_router"


def run_scheduler():
    call_command("run_scheduler", "--once", stdout=io.StringIO())


@pytest.mark.django_db
def test_training_is_enqueued_at_night_only_with_new_history(settings, units):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(NIGHT, tick=False):
        run_scheduler()
    assert not DBTaskResult.objects.filter(task_path=PATH).exists()  # no history yet

    bulk_history(units, per_unit=80)
    with time_machine.travel(NIGHT, tick=False):
        run_scheduler()
        run_scheduler()  # a second scheduler: the job already waits in the queue
    assert DBTaskResult.objects.filter(task_path=PATH, status="READY").count() == 1


@pytest.mark.django_db
def test_the_task_trains_a_version_and_then_waits_for_new_history(units):
    bulk_history(units, per_unit=80)
    result = tasks.train_router.enqueue()  # the immediate backend runs it now
    assert result.return_value["version"] == 1 and result.return_value["status"] == "active"
    run = RouterModel.objects.get()
    assert run.trigger == "nightly" and run.started_by is None


@pytest.mark.django_db
def test_a_supervisor_trains_from_the_admin(client, people, units):
    bulk_history(units, per_unit=80)
    people["supervisor"].is_staff = True  # the admin's own gate; the access rule decides the rest
    people["supervisor"].save()
    client.force_login(people["supervisor"])
    page = client.get("/admin/hotline/routermodel/")
    assert "立即训练新版本" in page.content.decode()
    assert client.get("/admin/hotline/routermodel/train/").status_code == 405
    response = client.post("/admin/hotline/routermodel/train/", follow=True)
    assert "已开始训练新版本" in response.content.decode()
    run = RouterModel.objects.get()
    assert (run.status, run.trigger, run.started_by) == ("active", "manual", people["supervisor"])
    assert f"{run.top1 * 100:.1f}%" in client.get("/admin/hotline/routermodel/").content.decode()


@pytest.mark.django_db
def test_operators_and_units_may_not(client, people, units):
    for role in ("operator", "liaison"):
        people[role].is_staff = True
        people[role].save()
        client.force_login(people[role])
        assert client.post("/admin/hotline/routermodel/train/").status_code in (302, 403)
        assert client.get("/admin/hotline/routingrule/").status_code in (302, 403)
    assert not RouterModel.objects.exists()
