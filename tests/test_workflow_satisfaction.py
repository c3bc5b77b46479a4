"""回访 (record satisfaction): 满意/基本满意 close the ticket; 不满意 needs a reason."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, via, satisfaction", [
    ("operator", "phone", "satisfied"),
    ("supervisor", "phone", "basically"),
    ("system", "sms", "satisfied"),
])
def test_a_rating_closes_an_accepted_reply(people, make_ticket, who, via, satisfaction):
    ticket = make_ticket("accepted")

    workflow.record_satisfaction(ticket=ticket, by=people[who], satisfaction=satisfaction, via=via)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.close_reason, ticket.satisfaction) == ("closed", "rated", satisfaction)
    assert ticket.closed_at == ticket.satisfaction_at is not None
    assert ticket.history.first().history_user == people[who]
    rated = ticket.events.get(action="satisfaction")
    assert rated.public and rated.actor == people[who]
    assert ("短信" if via == "sms" else "电话") in rated.note
    assert ticket.events.get(action="close").public


def test_unsatisfied_needs_a_reason(people, make_ticket, refused):
    ticket = make_ticket("accepted")
    with refused(ticket, InvalidInput):
        workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="unsatisfied", reason=" ")

    workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="unsatisfied", reason="路灯又坏了")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction, ticket.satisfaction_reason) == ("closed", "unsatisfied", "路灯又坏了")
    assert "路灯又坏了" in ticket.events.get(action="satisfaction").note


def test_an_unknown_rating_is_refused(people, make_ticket, refused):
    ticket = make_ticket("accepted")
    with refused(ticket, InvalidInput):
        workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="great")


@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor"])
def test_units_cannot_rate_themselves(people, make_ticket, refused, who):
    ticket = make_ticket("accepted")
    with refused(ticket, NotAllowed):
        workflow.record_satisfaction(ticket=ticket, by=people[who], satisfaction="satisfied")


@pytest.mark.parametrize("state", ["new", "dispatched", "in_progress", "replied", "closed"])
def test_nothing_to_rate(people, make_ticket, refused, state):
    # `replied` is not yet accepted by an operator; `closed` was rated already
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="satisfied")


def test_a_direct_answer_is_rated_once_and_stays_closed_as_answered(people, make_ticket, refused):
    ticket = make_ticket("new")
    workflow.answer_directly(ticket=ticket, by=people["operator"], answer="请到政务中心3号窗口办理")

    workflow.record_satisfaction(ticket=ticket, by=people["system"], satisfaction="basically", via="sms")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.close_reason, ticket.satisfaction) == ("closed", "answered", "basically")
    assert not ticket.events.filter(action="close").exists()

    with refused(ticket, InvalidState):
        workflow.record_satisfaction(ticket=ticket, by=people["system"], satisfaction="unsatisfied", reason="改主意了")


@pytest.mark.parametrize("ending", ["invalid", "emergency"])
def test_tickets_closed_without_an_answer_are_not_rated(people, make_ticket, refused, ending):
    ticket = make_ticket("new")
    if ending == "invalid":
        workflow.mark_invalid(ticket=ticket, by=people["operator"], reason="骚扰电话")
    else:
        workflow.refer_emergency(ticket=ticket, by=people["operator"], service="119")
    with refused(ticket, InvalidState):
        workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="satisfied")


def test_an_unknown_survey_channel_is_refused(people, make_ticket, refused):
    ticket = make_ticket("accepted")
    with refused(ticket, InvalidInput):
        workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="satisfied", via="fax")
