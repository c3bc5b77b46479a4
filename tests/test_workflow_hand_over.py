"""单位内转交 (hand over): the lead unit's liaison or head hands the ticket to a colleague, who then sees it."""

import pytest

from hotline import access, workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state, who", [("dispatched", "liaison"), ("in_progress", "head")])
def test_hand_over_to_a_colleague(people, make_ticket, state, who):
    ticket = make_ticket(state)
    messages_before = Message.objects.count()
    assert not access.can_see(people["member"], ticket)

    workflow.hand_over(ticket=ticket, by=people[who], to_user=people["member"], note="请去现场查看")

    ticket.refresh_from_db()
    assert ticket.status == state
    lead = ticket.assignments.get(is_current=True)
    assert lead.handler == people["member"]
    assert lead.history.first().history_user == people[who]
    event = ticket.events.get(action="hand_over")
    assert not event.public and "member" in event.note and "请去现场查看" in event.note
    assert Message.objects.count() == messages_before
    # the colleague now sees it and may reply; the one who was not handed it does not
    assert access.can_see(people["member"], ticket) and access.can(people["member"], "reply", ticket)
    assert not access.can_see(people["other_member"], ticket)
    assert not access.can(people["other_member"], "reply", ticket)


def test_handing_over_again_moves_the_ticket_to_the_new_colleague(people, make_ticket):
    ticket = make_ticket("in_progress")
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["other_member"])
    assert access.can(people["other_member"], "reply", ticket)
    assert not access.can(people["member"], "reply", ticket)


@pytest.mark.parametrize("target", ["other_liaison", "operator", "editor"])
def test_only_to_someone_of_the_same_unit(people, make_ticket, refused, target):
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidInput):
        workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people[target])


@pytest.mark.parametrize("who", ["member", "operator", "supervisor", "other_liaison", "editor", "system"])
def test_only_the_lead_units_liaison_or_head_hands_over(people, make_ticket, refused, who):
    ticket = make_ticket("in_progress")
    with refused(ticket, NotAllowed):
        workflow.hand_over(ticket=ticket, by=people[who], to_user=people["other_member"])


def test_a_handed_member_cannot_pass_it_on(people, make_ticket, refused):
    ticket = make_ticket("in_progress")
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    with refused(ticket, NotAllowed):
        workflow.hand_over(ticket=ticket, by=people["member"], to_user=people["other_member"])


def test_a_co_unit_cannot_hand_over(people, units, make_ticket, refused):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    with refused(ticket, NotAllowed):
        workflow.hand_over(ticket=ticket, by=people["other_liaison"], to_user=people["other_liaison"])


@pytest.mark.parametrize("state", ["replied", "closed"])
def test_no_hand_over_after_the_reply(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])


def test_not_to_a_colleague_whose_account_is_disabled(people, make_ticket, refused):
    ticket = make_ticket("in_progress")
    people["member"].is_active = False
    people["member"].save()
    with refused(ticket, InvalidInput):
        workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
