"""Replied tickets accepted at review whose survey got no answer close after
HOTLINE['SURVEY_CLOSE_WORKING_DAYS'] working days (default 3), as not rated (close_reason 'unrated').

Working days: weekends (and holidays) do not count, and a working day ends at the same
working time on a later day.
"""

import pytest

from hotline import workflow
from hotline.models import TicketEvent
from hotline.sweep import sweep
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_working_days(settings):
    settings.HOTLINE = {**settings.HOTLINE, "SURVEY_CLOSE_WORKING_DAYS": 3}


def closes(ticket, moment):
    counts = sweep(now=moment)
    ticket.refresh_from_db()
    return counts["auto_closed"], ticket.status


def test_it_closes_after_three_working_days_counting_no_weekend(ticket_at):
    # survey sent Thursday 2026-03-05 10:00: Thu, Fri, (weekend), Mon -> Tuesday 03-10 10:00
    ticket = ticket_at(at(2026, 3, 5, 10, 0), "accepted")
    assert ticket.survey_sent_at == at(2026, 3, 5, 10, 0)

    assert closes(ticket, at(2026, 3, 8, 10, 0)) == (0, "replied")  # three calendar days: not yet
    assert closes(ticket, at(2026, 3, 10, 9, 59)) == (0, "replied")
    assert closes(ticket, at(2026, 3, 10, 10, 0)) == (1, "closed")

    assert ticket.close_reason == "unrated"
    assert ticket.closed_at == at(2026, 3, 10, 10, 0)
    assert ticket.satisfaction == ""
    event = ticket.events.get(action=TicketEvent.Action.CLOSE)
    assert event.actor == workflow.system_user() and event.public
    assert closes(ticket, at(2026, 3, 10, 10, 1)) == (0, "closed")
    assert ticket.events.filter(action=TicketEvent.Action.CLOSE).count() == 1


def test_it_closes_on_time_when_three_working_days_end_before_three_calendar_days(ticket_at):
    # from Monday 8:30, the start of a working day, three working days end on Wednesday 17:30
    ticket = ticket_at(at(2026, 3, 2, 8, 30), "accepted")

    assert closes(ticket, at(2026, 3, 4, 17, 29)) == (0, "replied")
    assert closes(ticket, at(2026, 3, 4, 17, 30)) == (1, "closed")


def test_the_number_of_working_days_is_a_setting(ticket_at, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SURVEY_CLOSE_WORKING_DAYS": 1}
    ticket = ticket_at(at(2026, 3, 6, 10, 0), "accepted")  # a Friday

    assert closes(ticket, at(2026, 3, 9, 9, 59)) == (0, "replied")
    assert closes(ticket, at(2026, 3, 9, 10, 0)) == (1, "closed")


def test_history_of_the_close_names_the_system_user(ticket_at):
    ticket = ticket_at(at(2026, 3, 5, 10, 0), "accepted")

    sweep(now=at(2026, 3, 10, 10, 0))

    latest = ticket.history.order_by("-history_id").first()
    assert (latest.status, latest.close_reason) == ("closed", "unrated")
    assert latest.history_user == workflow.system_user()


def test_it_leaves_rated_and_unreviewed_tickets_alone(ticket_at):
    rated = ticket_at(at(2026, 3, 2, 10, 0), "closed")
    unreviewed = ticket_at(at(2026, 3, 2, 10, 0), "replied")

    assert sweep(now=at(2026, 3, 20, 10, 0))["auto_closed"] == 0

    rated.refresh_from_db()
    unreviewed.refresh_from_db()
    assert (rated.status, rated.close_reason) == ("closed", "rated")
    assert unreviewed.status == "replied" and unreviewed.reply_accepted_at is None
    assert not unreviewed.events.filter(action="close").exists()


def test_an_answer_to_the_survey_before_the_sweep_wins(ticket_at, people):
    ticket = ticket_at(at(2026, 3, 5, 10, 0), "accepted")
    workflow.record_satisfaction(ticket=ticket, by=workflow.system_user(), satisfaction="satisfied", via="sms")

    assert closes(ticket, at(2026, 3, 11, 10, 0)) == (0, "closed")
    assert ticket.close_reason == "rated"


def test_a_ticket_with_no_resident_to_survey_closes_from_its_accepted_reply(ticket_at, people, units):
    import time_machine

    from hotline.models.choices import ContactMethod, Outcome

    with time_machine.travel(at(2026, 3, 5, 10, 0), tick=False):
        walk_in = workflow.receive(by=people["operator"], kind="suggestion", channel="walk_in", title="来访建议")
        workflow.dispatch(ticket=walk_in, by=people["operator"], lead_unit=units["roads"])
        workflow.sign(ticket=walk_in, by=people["liaison"])
        workflow.reply(ticket=walk_in, by=people["liaison"], text="已采纳", outcome=Outcome.RESOLVED,
                       contact_method=ContactMethod.VISIT, contacted_at=at(2026, 3, 5, 10, 0))
        workflow.review(ticket=walk_in, by=people["operator"], accept=True)
    walk_in.refresh_from_db()
    assert walk_in.survey_sent_at is None and walk_in.reply_accepted_at == at(2026, 3, 5, 10, 0)
    assert closes(walk_in, at(2026, 3, 10, 9, 59)) == (0, "replied")
    assert closes(walk_in, at(2026, 3, 10, 10, 0)) == (1, "closed")
