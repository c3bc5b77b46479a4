"""The flood check of every inbound SMS reads the sender's own newest messages, not the last hour's SMS of
everybody: in a flood the hour holds thousands of other people's messages that PostgreSQL's statistics
predate (autovacuum analyses a big table rarely), and it used to take them for a handful and scan them all,
by time, for each new SMS (issue 9: 8–12 ms a message at 10,000 an hour, growing with the flood). The
counts themselves are tests/test_sms_flood.py's; the plan is read on PostgreSQL (SQLite: the count only)."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hotline.intake import flood
from hotline.models import Message, Resident

pytestmark = pytest.mark.django_db


def inbound(phone, at):
    return Message(provider="twilio", direction="in", status="received", phone=phone, body="路灯坏了", created_at=at)


def rows_read(plan, table):
    """Rows the plan's nodes on `table` produced or filtered out, in all."""
    total = 0
    if plan.get("Relation Name") == table:
        total += plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1) + plan.get("Rows Removed by Filter", 0)
    for child in plan.get("Plans", []):
        total += rows_read(child, table)
    return total


def test_a_flood_of_other_senders_is_not_read():
    now = timezone.now()
    # last week's SMS, analysed; then 3,000 SMS of the last minutes from other numbers, not yet analysed
    Message.objects.bulk_create(
        [inbound(f"+86137{n:08d}", now - dt.timedelta(days=7, minutes=n)) for n in range(3000)]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE hotline_message")
    Message.objects.bulk_create(
        [inbound(f"+86138{n:08d}", now - dt.timedelta(seconds=n % 600)) for n in range(3000)]
    )
    resident = Resident.objects.create(phone="+8613900139000")
    message = inbound(resident.phone, now)
    message.resident = resident
    message.save()

    with CaptureQueriesContext(connection) as queries:
        state = flood.measure(message, resident, now)
    assert state.messages == 1
    if connection.vendor != "postgresql":
        return

    read = 0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            read += rows_read(plan[0]["Plan"], "hotline_message")
    assert read <= 20  # the sender's own few, not the hour's 3,000
