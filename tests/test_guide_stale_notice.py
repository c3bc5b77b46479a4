"""Guides unchecked for GUIDE_STALE_DAYS are flagged to their unit: the nightly job of the scheduler
sends the unit's liaison one SMS saying how many guides need checking, once per guide and staleness
period — also when the scheduler runs twice, or two run at once."""

import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from hotline import guides
from hotline.messaging.gateways import LocmemGateway
from hotline.models import Message, ServiceGuide
from tests.conftest import at
from tests.guide_helpers import make_guide
from tests.helpers import run_concurrently

LONG_AGO = at(2025, 1, 10, 10, 0)
NIGHT = at(2026, 3, 3, 3, 0)  # 03:00: the nightly jobs are due
LIAISON, OTHER_LIAISON = "+8613900000002", "+8613900000004"


def run_scheduler():
    call_command("run_scheduler", "--once", stdout=io.StringIO())


def stale_notices():
    return list(Message.objects.filter(template="unit_guides_stale").order_by("pk").values_list("phone", "body"))


@pytest.fixture
def old_guides(people, units):
    with time_machine.travel(LONG_AGO, tick=False):
        made = [make_guide(people, units["roads"], title=title) for title in ("居民身份证换领", "户口迁移")]
        make_guide(people, units["water"], title="用水报装", by="other_liaison")
        make_guide(people, units["roads"], title="社保卡补办", state="pending")  # not public: not flagged
    with time_machine.travel(at(2026, 2, 1, 10, 0), tick=False):
        make_guide(people, units["roads"], title="低保申请")  # checked recently
    return made


@pytest.mark.django_db
def test_the_nightly_job_tells_each_unit_once(old_guides, outbox, django_capture_on_commit_callbacks):
    with time_machine.travel(NIGHT, tick=False), django_capture_on_commit_callbacks(execute=True):
        run_scheduler()
    assert sorted(stale_notices()) == sorted([
        (LIAISON, "【热线】贵单位有2项办事指南需要核对，请登录“办事指南”页核对或更新。"),
        (OTHER_LIAISON, "【热线】贵单位有1项办事指南需要核对，请登录“办事指南”页核对或更新。"),
    ])
    assert sorted(sms["to"] for sms in outbox if sms["template"] == "unit_guides_stale") == [LIAISON, OTHER_LIAISON]
    assert Message.objects.get(template="unit_guides_stale", phone=LIAISON).recipient_user.username == "liaison"

    # the next night, and a second scheduler the same night: nothing new to tell
    with time_machine.travel(NIGHT, tick=False):
        run_scheduler()
    with time_machine.travel(at(2026, 3, 4, 3, 0), tick=False):
        run_scheduler()
    assert len(stale_notices()) == 2
    assert not guides.has_stale_to_notify()


@pytest.mark.django_db
def test_a_guide_checked_and_stale_again_is_told_again(old_guides, people, settings):
    with time_machine.travel(NIGHT, tick=False):
        run_scheduler()
        guides.mark_checked(guide=old_guides[0], by=people["liaison"])
    assert ServiceGuide.objects.get(pk=old_guides[0].pk).stale_notified_at is None
    with time_machine.travel(at(2027, 3, 10, 3, 0), tick=False):
        run_scheduler()
    roads = [body for phone, body in stale_notices() if phone == LIAISON]
    # told again for the re-checked guide, stale again, and for 低保申请, stale now; 户口迁移 is still stale
    assert len(roads) == 2 and "有3项" in roads[1]


@pytest.mark.django_db
def test_the_job_is_enqueued_at_night_only_when_there_is_something_to_tell(settings, old_guides):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(NIGHT, tick=False):
        run_scheduler()
        run_scheduler()  # a second scheduler: the job already waits in the queue
    assert DBTaskResult.objects.filter(task_path="hotline.tasks.notify_stale_guides", status="READY").count() == 1
    assert not stale_notices()  # enqueued, not run: the worker does that
    DBTaskResult.objects.all().delete()
    ServiceGuide.objects.update(last_checked=NIGHT.date())
    with time_machine.travel(NIGHT, tick=False):
        run_scheduler()
    assert not DBTaskResult.objects.filter(task_path="hotline.tasks.notify_stale_guides").exists()


def _due_units_read(sql):
    return sql.startswith("SELECT DISTINCT") and 'FROM "hotline_serviceguide"' in sql


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_jobs_at_once_send_each_notice_once(old_guides):
    LocmemGateway.outbox.clear()
    barrier = threading.Barrier(2, timeout=30)
    told = [None, None]

    def hold_after_due_list(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if _due_units_read(sql):
            barrier.wait()  # both have read the same due units before either claims any
        return result

    def run(index):
        with connection.execute_wrapper(hold_after_due_list), time_machine.travel(NIGHT, tick=False):
            told[index] = guides.notify_stale()

    errors = run_concurrently(lambda: run(0), lambda: run(1), barrier=barrier, timeout=120)
    assert not errors, errors
    assert sum(told) == 2  # each unit told by one of the two
    assert sorted(phone for phone, _body in stale_notices()) == [LIAISON, OTHER_LIAISON]
    assert sorted(sms["to"] for sms in LocmemGateway.outbox) == [LIAISON, OTHER_LIAISON]
