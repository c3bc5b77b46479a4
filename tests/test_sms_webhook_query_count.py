"""An inbound SMS that opens a ticket costs a small, fixed number of SQL queries, from a new resident and
from a repeat one, whatever the history in the database (issue 9: the webhook's throughput is bound by
them; bench/webhook_load.py reports them on PostgreSQL). The bounds are today's counts: a change that
adds a query to every SMS should say so here."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hotline.models import Message, Resident, Ticket

pytestmark = pytest.mark.django_db

# statements of one webhook inside the test's transaction, savepoints included (SQLite and PostgreSQL alike;
# before issue 9: 34 and 31)
NEW_RESIDENT = 26
REPEAT_RESIDENT = 24


def counted(sms, body, phone):
    with CaptureQueriesContext(connection) as queries:
        _response, reply = sms.send(body, phone=phone)
    assert "工单号" in reply
    return len(queries.captured_queries)


def test_a_new_residents_sms(sms, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    sms.send("村口路灯坏了", phone="+8613800138000")  # the first request of a process pays for imports

    assert counted(sms, "白沙村到镇上的路塌了一块 车过不去", "+8613900139000") <= NEW_RESIDENT
    assert Resident.objects.count() == 2


def test_a_repeat_residents_sms_with_history(sms, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    for i in range(5):  # a history: earlier tickets of the resident, long answered
        time_machine.move_to(start + dt.timedelta(days=i), tick=False)
        sms.send(f"第{i}件事 村里的水管又漏了", phone="+8613800138000")
    Ticket.objects.update(status="closed")
    time_machine.move_to(start + dt.timedelta(days=10), tick=False)

    assert counted(sms, "我们组的自来水停了三天了，没得水喝", "+8613800138000") <= REPEAT_RESIDENT
    assert Ticket.objects.count() == 6
    assert Message.objects.filter(direction="in").count() == 6
