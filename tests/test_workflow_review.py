"""审核 (review): an operator accepts the unit's reply (resident told, survey sent) or sends it back."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_accepting_tells_the_resident_and_sends_the_survey(
    people, units, resident, make_ticket, outbox, django_capture_on_commit_callbacks, who
):
    ticket = make_ticket("replied")
    outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answer = workflow.review(ticket=ticket, by=people[who], accept=True)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "replied" and ticket.reply_accepted_at is not None
    assert ticket.survey_sent_at == ticket.reply_accepted_at
    assert (answer.review_status, answer.reviewed_by) == ("accepted", people[who])
    assert ticket.history.first().history_user == people[who]
    accept = ticket.events.get(action="review_accept")
    assert not accept.public and accept.actor == people[who]
    # the reply now shows on the resident's public timeline, in the unit's name
    public_reply = ticket.events.get(action="reply", public=True)
    assert public_reply.note == "已修复路灯" and public_reply.actor_unit == units["roads"]
    sms = Message.objects.filter(ticket=ticket, resident=resident, template__in=["replied", "survey"])
    assert sorted(m.template for m in sms) == ["replied", "survey"] and {m.status for m in sms} == {"sent"}
    assert [m["template"] for m in outbox] == ["replied", "survey"]
    assert "已修复路灯" in outbox[0]["text"]


def test_sending_back_returns_the_ticket_to_the_unit(people, resident, make_ticket, refused):
    ticket = make_ticket("replied")
    with refused(ticket, InvalidInput):  # sending back needs a note
        workflow.review(ticket=ticket, by=people["operator"], accept=False, note="")

    answer = workflow.review(ticket=ticket, by=people["operator"], accept=False, note="请补充维修时间")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "in_progress" and ticket.replied_at is None and ticket.reply_accepted_at is None
    assert (answer.review_status, answer.review_note) == ("sent_back", "请补充维修时间")
    lead = ticket.assignments.get(is_current=True)
    assert lead.replied_at is None and lead.reply_hours is None and lead.replied_on_time is None
    assert ticket.events.get(action="review_send_back").note == "请补充维修时间"
    assert not ticket.events.filter(action="reply", public=True).exists()
    # the unit's liaison hears of it; the resident does not
    notice = Message.objects.get(ticket=ticket, template="unit_sent_back")
    assert notice.recipient_user == people["liaison"]
    assert not Message.objects.filter(ticket=ticket, resident=resident, template__in=["replied", "survey"]).exists()

    # the unit answers again; the new reply is the one under review
    second = workflow.reply(
        ticket=ticket, by=people["liaison"], text="已于3日修复", outcome="resolved", contact_method="phone",
        contacted_at=ticket.signed_at,
    )
    assert workflow.review(ticket=ticket, by=people["operator"], accept=True).pk == second.pk


@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor", "system"])
def test_only_the_hotline_reviews(people, make_ticket, refused, who):
    ticket = make_ticket("replied")
    with refused(ticket, NotAllowed):
        workflow.review(ticket=ticket, by=people[who], accept=True)


@pytest.mark.parametrize("state", ["new", "dispatched", "in_progress", "accepted", "closed"])
def test_nothing_to_review(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.review(ticket=ticket, by=people["operator"], accept=True)
