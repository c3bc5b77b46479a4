"""Disputed returns (有争议的退单): an operator refers a return to the supervisor, and a ticket
returned before has its next return decided by the supervisor; operators may not decide them."""

import pytest

from dashboards import actions
from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import ReturnRequest, Ticket
from tests.helpers import drain, listen

pytestmark = pytest.mark.django_db


def _ask(ticket, people, units, by="liaison"):
    return workflow.request_return(
        ticket=ticket, by=people[by], reason="不属于本单位职责", suggested_unit=units["water"]
    )


def _escalate(ticket, people, note="单位职责划分有争议，请督办裁决"):
    return workflow.escalate_return(ticket=ticket, by=people["operator"], note=note)


def test_an_operator_refers_a_return_request_to_the_supervisor(people, units, make_ticket, monday):
    ticket = make_ticket("dispatched")
    request = _ask(ticket, people, units)

    escalated = _escalate(ticket, people)

    request.refresh_from_db()
    assert escalated.pk == request.pk
    assert (request.status, request.escalated_by, request.escalated_at) == ("pending", people["operator"], monday)
    assert request.escalation_note == "单位职责划分有争议，请督办裁决"
    assert request.history.first().history_user == people["operator"]
    assert workflow.return_disputed(ReturnRequest.objects.get(pk=request.pk))
    event = ticket.events.get(action="return_escalate")
    assert (event.actor, event.public, event.note) == (people["operator"], False, "单位职责划分有争议，请督办裁决")
    assert event.get_action_display() == "退单提交督办裁决"
    assert Ticket.objects.get(pk=ticket.pk).status == "dispatched"  # still waiting for the decision


@pytest.mark.parametrize("note", ["", "  "])
def test_a_referral_needs_a_note(people, units, make_ticket, refused, note):
    ticket = make_ticket("dispatched")
    _ask(ticket, people, units)
    with refused(ticket, InvalidInput) as info:
        _escalate(ticket, people, note=note)
    assert "note" in info.value.field_errors


@pytest.mark.parametrize("who", ["supervisor", "liaison", "head", "other_liaison", "editor", "system"])
def test_only_operators_refer_a_return_to_the_supervisor(people, units, make_ticket, refused, who):
    ticket = make_ticket("dispatched")
    _ask(ticket, people, units)
    with refused(ticket, NotAllowed):
        workflow.escalate_return(ticket=ticket, by=people[who], note="请督办裁决")


def test_nothing_to_refer_without_a_pending_request_or_twice(people, units, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidState):
        _escalate(ticket, people)
    _ask(ticket, people, units)
    _escalate(ticket, people)
    with refused(ticket, InvalidState):
        _escalate(ticket, people, note="再次提交")


def test_an_operator_cannot_decide_a_referred_return(people, units, make_ticket, refused):
    ticket = make_ticket("in_progress")
    _ask(ticket, people, units)
    _escalate(ticket, people)

    for approve, note in [(True, ""), (False, "理由不成立")]:
        with refused(ticket, NotAllowed) as info:
            workflow.decide_return(ticket=ticket, by=people["operator"], approve=approve, note=note)
        assert "督办" in info.value.message


@pytest.mark.parametrize("who", ["supervisor", "superuser"])
def test_the_supervisor_decides_a_referred_return(people, units, make_ticket, who, django_user_model):
    if who == "superuser":
        people["superuser"] = django_user_model.objects.create_superuser("root", password="pw-root")
    ticket = make_ticket("in_progress")
    _ask(ticket, people, units)
    _escalate(ticket, people)

    request = workflow.decide_return(ticket=ticket, by=people[who], approve=True, note="确属误派")

    assert (request.status, request.decided_by) == ("approved", people[who])
    assert Ticket.objects.get(pk=ticket.pk).status == "returned"


def test_the_supervisor_denies_a_referred_return_with_a_reason(people, units, make_ticket):
    ticket = make_ticket("in_progress")
    _ask(ticket, people, units)
    _escalate(ticket, people)

    request = workflow.decide_return(ticket=ticket, by=people["supervisor"], approve=False, note="属于本单位职责")

    assert (request.status, request.decision_note) == ("denied", "属于本单位职责")
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def _returned_once(people, units, make_ticket):
    """A ticket the roads bureau returned (approved by an operator), dispatched again to the water bureau."""
    ticket = make_ticket("dispatched")
    _ask(ticket, people, units)
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    workflow.dispatch(ticket=Ticket.objects.get(pk=ticket.pk), by=people["operator"], lead_unit=units["water"])
    return Ticket.objects.get(pk=ticket.pk)


def test_a_second_return_is_disputed_automatically(people, units, make_ticket, refused):
    ticket = _returned_once(people, units, make_ticket)
    second = workflow.request_return(ticket=ticket, by=people["other_liaison"], reason="也不归我们管")

    assert second.escalated_at is None
    assert workflow.returned_before(second) and workflow.return_disputed(second)
    with refused(ticket, NotAllowed):
        workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    with refused(ticket, InvalidState):  # already the supervisor's: nothing to refer
        _escalate(ticket, people)

    decided = workflow.decide_return(ticket=ticket, by=people["supervisor"], approve=False, note="由区水务局办理")
    assert (decided.status, decided.decided_by) == ("denied", people["supervisor"])


def test_a_first_return_and_a_denied_earlier_one_are_not_disputed(people, units, make_ticket):
    ticket = make_ticket("dispatched")
    first = _ask(ticket, people, units)
    assert not workflow.return_disputed(first)
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=False, note="请先核实")

    again = _ask(ticket, people, units, by="head")  # same round, the earlier one denied

    assert not workflow.return_disputed(again)
    assert workflow.decide_return(ticket=ticket, by=people["operator"], approve=True).status == "approved"


@pytest.mark.django_db(transaction=True)
def test_a_referral_is_announced_to_the_supervisors_after_commit(people, units, make_ticket):
    ticket = make_ticket("dispatched")
    _ask(ticket, people, units)
    layer, channel = listen("supervisors")

    _escalate(ticket, people)

    events = drain(layer, channel)
    assert [(e["event"], e["ticket"]) for e in events] == [("return_escalated", ticket.pk)]


def test_the_ticket_page_offers_the_referral_to_operators_only_while_undisputed(people, units, make_ticket):
    ticket = make_ticket("dispatched")

    def offered(who):
        fresh = Ticket.objects.get(pk=ticket.pk)
        return "escalate_return" in [a.name for a in actions.available(people[who], fresh, actions.facts_for(fresh, people[who]))]

    assert not offered("operator")  # no request yet
    _ask(ticket, people, units)
    assert offered("operator")
    assert not offered("supervisor") and not offered("liaison")
    _escalate(ticket, people)
    assert not offered("operator")


def test_the_referral_action_posts_through_the_ticket_page(client, people, units, make_ticket):
    ticket = make_ticket("dispatched")
    _ask(ticket, people, units)
    client.force_login(people["operator"])
    url = f"/tickets/{ticket.number}/do/escalate_return/"

    empty = client.post(url, {"escalate_return-note": ""})
    assert empty.status_code == 400 and not ReturnRequest.objects.get().escalated_at

    response = client.post(url, {"escalate_return-note": "两个单位互相推诿"})
    assert response.status_code == 302
    assert ReturnRequest.objects.get().escalation_note == "两个单位互相推诿"
