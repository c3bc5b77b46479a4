"""The console's 待电话回访 (rating) and 不满意待处理 (unsatisfied) queues (issue 9: bounded and indexed).

待电话回访 holds what an operator still has to ask: a reply's ticket until the sweep closes it unrated,
a direct answer only while a rating would still count (SURVEY_ANSWER_DAYS); 不满意待处理 holds closed
不满意 tickets until an operator reopens them or notes why not.
"""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import workflow
from hotline.models import Ticket


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["operator"])
    return client


def _in_queue(client, queue, ticket):
    return f'data-ticket-number="{ticket.number}"' in client.get(f"/console/queue/{queue}/").content.decode()


def _walk_in(people, *, title="咨询社保卡补办"):
    """A ticket with no phone to send the survey to: an operator must ask for the rating."""
    return workflow.receive(
        by=people["operator"], kind="consultation", channel="walk_in", title=title, description=title, resident=None,
    )


def test_a_direct_answer_waits_for_its_rating_only_while_a_rating_still_counts(operator_client, people, settings):
    ticket = workflow.answer_directly(ticket=_walk_in(people), by=people["operator"], answer="带身份证到社保窗口办理")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.satisfaction == ""
    assert _in_queue(operator_client, "rating", ticket)

    days = settings.HOTLINE["SURVEY_ANSWER_DAYS"]
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=days - 1))
    assert _in_queue(operator_client, "rating", ticket)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=days + 1))
    assert not _in_queue(operator_client, "rating", ticket)


def test_a_replied_ticket_waits_for_its_rating_until_it_is_closed(operator_client, people, units):
    ticket = _walk_in(people, title="路灯不亮")
    ticket = workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    ticket = workflow.sign(ticket=ticket, by=people["liaison"])
    workflow.reply(ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
                   contacted_at=ticket.signed_at)
    ticket.refresh_from_db()
    workflow.review(ticket=ticket, by=people["operator"], accept=True)
    ticket.refresh_from_db()
    Ticket.objects.filter(pk=ticket.pk).update(reply_accepted_at=timezone.now() - dt.timedelta(days=30))
    assert _in_queue(operator_client, "rating", ticket)  # however long: the sweep closes it, not the queue

    workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="satisfied")
    assert not _in_queue(operator_client, "rating", ticket)


def test_an_unsatisfied_ticket_leaves_its_queue_when_an_operator_notes_why_not_reopened(operator_client, make_ticket, people):
    ticket = make_ticket("accepted")
    workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="unsatisfied", reason="没修好")
    ticket.refresh_from_db()
    assert _in_queue(operator_client, "unsatisfied", ticket)

    workflow.add_note(ticket=ticket, by=people["liaison"], note="单位认为已修复")  # a unit's note does not count
    assert _in_queue(operator_client, "unsatisfied", ticket)
    workflow.add_note(ticket=ticket, by=people["operator"], note="已电话解释，群众同意不再重办")
    assert not _in_queue(operator_client, "unsatisfied", ticket)
