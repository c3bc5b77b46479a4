"""The sweep sends each reminder and escalation once even when run twice concurrently (on PostgreSQL,
and on the embedded SQLite file too).

Two sweeps run in two threads, each on its own database connection. Both are held at a barrier
after reading each step's list of due rows, so both have read the same due rows before either
claims or commits anything: only the claim under the ticket's lock decides who does the work.
"""

import threading
import time
from collections import Counter

import pytest
import time_machine
from django.db import connection

from hotline import workflow
from hotline.messaging.gateways import LocmemGateway
from hotline.models import Message, TicketEvent
from hotline.sweep import sweep
from tests.conftest import at
from tests.helpers import run_concurrently

NOW = at(2026, 3, 9, 15, 0)  # a Monday


def _due_list_read(sql):
    return sql.startswith("SELECT") and 'FROM "hotline_assignment"' in sql and (
        '_reminded_at" IS NULL' in sql or '_escalated_at" IS NULL' in sql
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_concurrent_sweeps_send_each_reminder_and_escalation_once(make_ticket, people):
    def ticket(moment, state):
        with time_machine.travel(moment, tick=False):
            return make_ticket(state)

    # unsigned since last Monday: both deadlines passed -> two escalations each
    overdue = [ticket(at(2026, 3, 2, 10, 0), "dispatched") for _ in range(2)]
    # dispatched this morning: the sign reminder is due at 15:00
    fresh = [ticket(at(2026, 3, 9, 10, 0), "dispatched") for _ in range(2)]
    # signed last Tuesday, reply due Tuesday 10:00: the reply reminder is due at 15:00
    working = [ticket(at(2026, 3, 3, 10, 0), "in_progress") for _ in range(2)]
    LocmemGateway.outbox.clear()
    setup_messages = set(Message.objects.values_list("pk", flat=True))

    barrier = threading.Barrier(2, timeout=30)
    results = [None, None]

    def hold_after_due_list(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if _due_list_read(sql):
            barrier.wait()
        return result

    def run(index):
        with connection.execute_wrapper(hold_after_due_list):
            results[index] = sweep(now=NOW)

    errors = run_concurrently(lambda: run(0), lambda: run(1), barrier=barrier, timeout=120)
    assert not errors, errors

    total = Counter()
    for result in results:
        total.update(result)
    assert (total["remind_sign"], total["remind_reply"], total["escalate_sign"], total["escalate_reply"]) == (2, 2, 2, 2)

    def events(tickets, action):
        return [TicketEvent.objects.filter(ticket=t, action=action).count() for t in tickets]

    assert events(overdue, "supervise") == [2, 2]
    assert events(fresh, "remind") == [1, 1]
    assert events(working, "remind") == [1, 1]
    assert events(fresh + working, "supervise") == [0, 0, 0, 0]
    assert events(overdue, "remind") == [0, 0]

    new = Message.objects.exclude(pk__in=setup_messages)
    # nobody got the same notice twice: two escalations of an overdue ticket, one reminder of the others
    expected = Counter()
    for t in overdue:
        expected.update({(t.pk, "supervised", "+8613900000001"): 2, (t.pk, "supervised", "+8613900000003"): 2})
    expected.update((t.pk, "unit_sign_reminder", "+8613900000002") for t in fresh)
    expected.update((t.pk, "unit_reply_reminder", "+8613900000002") for t in working)
    assert Counter((m.ticket_id, m.template, m.phone) for m in new) == expected
    assert Counter(m.template for m in new) == {"supervised": 8, "unit_sign_reminder": 2, "unit_reply_reminder": 2}
    # each delivered once, after its sweep's commit (the immediate task backend in tests)
    assert sorted(m.status for m in new) == ["sent"] * 12
    assert Counter(sms["template"] for sms in LocmemGateway.outbox) == Counter(m.template for m in new)
    for t in overdue:
        t.refresh_from_db()
        assert t.supervised
        assert t.history.order_by("-history_id").first().history_user == workflow.system_user()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_a_sweep_and_a_liaison_signing_at_the_same_time_do_not_deadlock(make_ticket, people):
    """The sweep takes the ticket's lock before the assignment's, like every workflow action.

    The sweep is held right after claiming the sign escalation; then the liaison signs. Had the
    sweep locked the assignment first, the signature would hold the ticket and wait for the
    assignment while the sweep waits for the ticket: PostgreSQL would abort one of them.
    """
    from hotline import clock

    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        ticket = make_ticket("dispatched")
    moment = at(2026, 3, 3, 10, 30)  # past the sign deadline (Tuesday 10:00)
    claimed = threading.Barrier(2, timeout=30)
    results = {}

    def hold_after_claim(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "hotline_assignment" SET "sign_escalated_at"'):
            claimed.wait()
            time.sleep(0.3)  # let the signature take what locks it can
        return result

    def run_sweep():
        with connection.execute_wrapper(hold_after_claim):
            results["sweep"] = sweep(now=moment)

    def run_sign():
        claimed.wait()
        with clock.at(moment):
            workflow.sign(ticket=ticket, by=people["liaison"])

    errors = run_concurrently(run_sweep, run_sign, barrier=claimed, timeout=120)
    assert not errors, errors
    assert results["sweep"]["escalate_sign"] == 1
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.supervised
    assert TicketEvent.objects.filter(ticket=ticket, action="supervise").count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="sign").count() == 1
