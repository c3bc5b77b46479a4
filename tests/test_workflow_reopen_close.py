"""重办 (reopen) and 办结 (close of an accepted reply nobody rated)."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Assignment, Message, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db


def _unsatisfied(make_ticket, people, **kw):
    ticket = make_ticket("accepted", **kw)
    workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="unsatisfied", reason="路灯又坏了")
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_reopen_sends_a_new_round_to_the_same_lead_unit(people, units, resident, make_ticket, monday, time_machine, who):
    ticket = _unsatisfied(make_ticket, people)
    time_machine.move_to(at(2026, 3, 4, 9, 0), tick=False)

    workflow.reopen(ticket=ticket, by=people[who], reason="群众反映路灯仍不亮")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.lead_unit, ticket.reopen_count) == ("dispatched", units["roads"], 1)
    assert ticket.close_reason == "" and ticket.closed_at is None and ticket.satisfaction == ""
    assert ticket.signed_at is None and ticket.replied_at is None and ticket.reply_accepted_at is None
    # a new round, with deadlines from the reopening
    first, second = Assignment.objects.filter(ticket=ticket).order_by("round")
    assert (first.round, first.is_current, first.ended_at) == (1, False, at(2026, 3, 4, 9, 0))
    assert (second.round, second.is_current, second.unit, second.dispatched_by) == (2, True, units["roads"], people[who])
    assert second.dispatched_at == ticket.dispatched_at == at(2026, 3, 4, 9, 0)
    assert second.sign_by == ticket.sign_by == at(2026, 3, 5, 9, 0)
    assert ticket.history.first().history_user == people[who]
    event = ticket.events.get(action="reopen")
    assert event.public and "群众反映路灯仍不亮" in event.note
    assert Message.objects.get(ticket=ticket, template="reopened").resident == resident
    assert Message.objects.get(ticket=ticket, template="unit_reopened").recipient_user == people["liaison"]
    # the unit signs the new round as usual
    workflow.sign(ticket=ticket, by=people["liaison"])
    assert Assignment.objects.get(ticket=ticket, round=2).signed_at is not None


def test_reopen_to_another_unit_and_again(people, units, make_ticket):
    ticket = _unsatisfied(make_ticket, people)
    workflow.reopen(ticket=ticket, by=people["operator"], reason="应由水务局办理", lead_unit=units["water"])
    ticket.refresh_from_db()
    assert ticket.lead_unit == units["water"]
    assert Assignment.objects.get(ticket=ticket, is_current=True).unit == units["water"]

    workflow.sign(ticket=ticket, by=people["other_liaison"])
    workflow.reply(
        ticket=ticket, by=people["other_liaison"], text="已处理", outcome="partly", contact_method="phone",
        contacted_at=Ticket.objects.get(pk=ticket.pk).signed_at,
    )
    workflow.reopen(ticket=ticket, by=people["operator"], reason="答复不完整")  # from `replied`
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count, ticket.lead_unit) == ("dispatched", 2, units["water"])
    assert Assignment.objects.get(ticket=ticket, is_current=True).round == 3


def test_reopen_keeps_the_co_units(people, units, make_ticket):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["town"]])
    workflow.sign(ticket=ticket, by=people["liaison"])
    workflow.reply(
        ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
        contacted_at=Ticket.objects.get(pk=ticket.pk).signed_at,
    )
    workflow.reopen(ticket=ticket, by=people["operator"], reason="未修好")
    current = Assignment.objects.filter(ticket=ticket, is_current=True)
    assert sorted(current.values_list("unit__name", "role", "round")) == [("区交通运输局", "lead", 2), ("青山镇", "co", 2)]


@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor", "system"])
def test_only_the_hotline_reopens(people, make_ticket, refused, who):
    ticket = _unsatisfied(make_ticket, people)
    with refused(ticket, NotAllowed):
        workflow.reopen(ticket=ticket, by=people[who], reason="重办")


def test_reopen_needs_a_reason(people, make_ticket, refused):
    ticket = _unsatisfied(make_ticket, people)
    with refused(ticket, InvalidInput):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="  ")


@pytest.mark.parametrize("state", ["new", "dispatched", "in_progress"])
def test_an_open_ticket_not_yet_replied_cannot_be_reopened(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="重办")


@pytest.mark.parametrize("ending", ["invalid", "emergency", "duplicate"])
def test_tickets_closed_as_invalid_emergency_or_duplicate_cannot_be_reopened(people, units, make_ticket, refused, ending):
    ticket = make_ticket("new")
    if ending == "invalid":
        workflow.mark_invalid(ticket=ticket, by=people["operator"], reason="重复来电骚扰")
    elif ending == "emergency":
        workflow.refer_emergency(ticket=ticket, by=people["operator"], service="120")
    else:
        workflow.merge(ticket=ticket, by=people["operator"], into=make_ticket("new"))
    with refused(ticket, InvalidState):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="重办", lead_unit=units["roads"])


def test_a_direct_answer_reopens_only_with_a_lead_unit(people, units, make_ticket, refused):
    ticket = make_ticket("new")
    workflow.answer_directly(ticket=ticket, by=people["operator"], answer="请到政务中心办理")
    with refused(ticket, InvalidInput):  # nobody handled it before: the operator must choose a unit
        workflow.reopen(ticket=ticket, by=people["operator"], reason="窗口说不归他们管")
    workflow.reopen(ticket=ticket, by=people["operator"], reason="窗口说不归他们管", lead_unit=units["town"])
    ticket.refresh_from_db()
    assert (ticket.status, ticket.lead_unit, ticket.reopen_count) == ("dispatched", units["town"], 1)


# --- close -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "supervisor", "system"])
def test_an_accepted_reply_nobody_rated_is_closed_as_not_rated(people, make_ticket, monday, time_machine, who):
    ticket = make_ticket("accepted")  # survey sent Monday 10:00; 3 working days end Thursday 10:00
    time_machine.move_to(at(2026, 3, 5, 10, 0), tick=False)
    workflow.close(ticket=ticket, by=people[who])
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.close_reason, ticket.satisfaction) == ("closed", "unrated", "")
    assert ticket.closed_at is not None
    assert ticket.history.first().history_user == people[who]
    assert ticket.events.get(action="close").public


@pytest.mark.parametrize("who", ["operator", "supervisor", "system"])
def test_nobody_closes_before_the_survey_had_its_working_days(people, make_ticket, monday, time_machine, refused,
                                                              who):
    ticket = make_ticket("accepted")
    time_machine.move_to(at(2026, 3, 5, 9, 59), tick=False)
    with refused(ticket, InvalidState) as info:
        workflow.close(ticket=ticket, by=people[who])
    assert "3个工作日" in info.value.message


@pytest.mark.parametrize("who", ["liaison", "head", "editor"])
def test_units_cannot_close(people, make_ticket, refused, who):
    ticket = make_ticket("accepted")
    with refused(ticket, NotAllowed):
        workflow.close(ticket=ticket, by=people[who])


@pytest.mark.parametrize("state", ["new", "dispatched", "in_progress", "replied", "closed"])
def test_no_close_before_the_reply_is_accepted(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.close(ticket=ticket, by=people["operator"])


def test_reopen_starts_a_fresh_round_unsupervised_and_supersedes_an_unreviewed_reply(people, make_ticket):
    from hotline.models import Reply

    ticket = make_ticket("replied")
    workflow.supervise(ticket=ticket, by=people["supervisor"], note="超期")
    workflow.reopen(ticket=ticket, by=people["operator"], reason="群众电话反映仍未修好")
    ticket.refresh_from_db()
    assert ticket.status == "dispatched" and not ticket.supervised and ticket.supervised_at is None
    old = Reply.objects.get(ticket=ticket)
    assert old.review_status == "sent_back" and old.reviewed_by == people["operator"]
