"""An upstream platform's deadline is kept: at dispatch the unit's reply-by is the earlier of the
SLA deadline and the platform's, while the platform's still lies ahead."""

import datetime as dt

import pytest
import time_machine

from hotline import workflow
from hotline.models import Assignment
from tests.conftest import at

pytestmark = pytest.mark.django_db

# Monday 2026-03-02 10:00 (the `monday` fixture); a help ticket's SLA: sign by Tuesday 10:00,
# return by Wednesday 10:00, reply by the next Monday 10:00 (5 working days)
SLA_SIGN_BY, SLA_RETURN_BY, SLA_REPLY_BY = at(2026, 3, 3, 10, 0), at(2026, 3, 4, 10, 0), at(2026, 3, 9, 10, 0)


def dispatch(ticket, people, units):
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    ticket.refresh_from_db()
    return ticket, Assignment.objects.get(ticket=ticket, is_current=True)


def test_an_earlier_upstream_deadline_becomes_the_reply_deadline(monday, upstream_ticket, people, units):
    upstream_by = at(2026, 3, 5, 17, 0)
    ticket = upstream_ticket("new", upstream_reply_by=upstream_by)
    assert ticket.upstream_reply_by == upstream_by

    ticket, lead = dispatch(ticket, people, units)

    assert ticket.reply_by == lead.reply_by == lead.original_reply_by == upstream_by
    assert (ticket.sign_by, lead.return_by) == (SLA_SIGN_BY, SLA_RETURN_BY)  # both still before it
    assert monday < lead.reply_remind_at < upstream_by


def test_a_very_close_upstream_deadline_brings_every_deadline_forward(monday, upstream_ticket, people, units):
    upstream_by = at(2026, 3, 2, 15, 0)
    ticket, lead = dispatch(upstream_ticket("new", upstream_reply_by=upstream_by), people, units)

    assert ticket.reply_by == ticket.sign_by == lead.sign_by == lead.return_by == upstream_by
    assert monday < lead.sign_remind_at <= upstream_by and monday < lead.reply_remind_at <= upstream_by


def test_a_later_upstream_deadline_leaves_the_sla_deadline(monday, upstream_ticket, people, units):
    ticket, lead = dispatch(upstream_ticket("new", upstream_reply_by=at(2026, 3, 20, 17, 0)), people, units)
    assert (ticket.sign_by, ticket.reply_by, lead.return_by) == (SLA_SIGN_BY, SLA_REPLY_BY, SLA_RETURN_BY)


def test_without_an_upstream_deadline_the_sla_applies(monday, upstream_ticket, people, units):
    ticket, _lead = dispatch(upstream_ticket("new"), people, units)
    assert (ticket.sign_by, ticket.reply_by) == (SLA_SIGN_BY, SLA_REPLY_BY)


def test_a_naive_or_textual_deadline_is_read_in_the_hotlines_zone(monday, upstream_ticket):
    assert upstream_ticket("new", upstream_reply_by=dt.datetime(2026, 3, 5, 17, 0)).upstream_reply_by == at(2026, 3, 5, 17, 0)
    assert upstream_ticket("new", upstream_reply_by="2026-03-05T09:00:00Z").upstream_reply_by == at(2026, 3, 5, 17, 0)


def test_a_reopen_keeps_the_upstream_deadline_while_it_lies_ahead(monday, upstream_ticket, people, units):
    upstream_by = at(2026, 3, 6, 17, 0)
    ticket = upstream_ticket("closed", upstream_reply_by=upstream_by)

    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="路灯又坏了")
    ticket.refresh_from_db()
    assert ticket.reply_by == upstream_by


def test_once_the_upstream_deadline_has_passed_a_new_round_gets_the_sla_deadline(monday, upstream_ticket, people, units):
    ticket = upstream_ticket("closed", upstream_reply_by=at(2026, 3, 2, 17, 0))
    reopened_at = at(2026, 3, 3, 10, 0)

    with time_machine.travel(reopened_at, tick=False):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="路灯又坏了")
    ticket.refresh_from_db()
    assert ticket.reply_by == at(2026, 3, 10, 10, 0)  # 5 working days from the reopen
    assert ticket.upstream_reply_by == at(2026, 3, 2, 17, 0)  # still on record, and in the webhooks
