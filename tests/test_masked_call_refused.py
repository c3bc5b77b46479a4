"""Only the lead unit starts a masked call, and only where the resident is hidden from it.

A ticket that does not hide the resident is refused too: the unit sees the number and calls
it itself; the hotline's bridged line is for residents the unit may not see.
"""

import pytest

from hotline import access, workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.intake.masked_calls import start_masked_call
from hotline.models import Call

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nowhere(settings):
    # a refused request must never reach Twilio: nothing listens here
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"
    settings.TWILIO_PUBLIC_BASE_URL = "http://testserver"


@pytest.mark.parametrize("who", ["operator", "supervisor", "editor", "other_liaison", "member", "system"])
def test_others_than_the_lead_unit_are_refused(people, make_ticket, refused, who):
    ticket = make_ticket("in_progress", confidential=True)
    assert not access.can(people[who], "masked_call", ticket)
    with refused(ticket, NotAllowed):
        start_masked_call(ticket=ticket, by=people[who])
    assert not Call.objects.exists()


def test_a_co_unit_is_refused(people, units, make_ticket, refused):
    ticket = make_ticket("new", confidential=True)
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    with refused(ticket, NotAllowed):
        start_masked_call(ticket=ticket, by=people["other_liaison"])
    assert not Call.objects.exists()


def test_a_ticket_that_does_not_hide_the_resident_is_refused(people, make_ticket, refused):
    ticket = make_ticket("in_progress")
    assert access.sees_resident(people["liaison"], ticket)
    assert not access.can(people["liaison"], "masked_call", ticket)
    with refused(ticket, NotAllowed):
        start_masked_call(ticket=ticket, by=people["liaison"])
    assert not Call.objects.exists()


@pytest.mark.parametrize("who", ["liaison", "head"])
def test_the_lead_unit_may_on_confidential_tickets_and_reports(people, make_ticket, who):
    assert access.can(people[who], "masked_call", make_ticket("in_progress", confidential=True))
    assert access.can(people[who], "masked_call", make_ticket("dispatched", kind="report"))


def test_a_member_may_once_the_ticket_was_handed_to_them(people, make_ticket):
    ticket = make_ticket("in_progress", confidential=True)
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    assert access.can(people["member"], "masked_call", ticket)
    assert not access.can(people["other_member"], "masked_call", ticket)


def test_a_caller_without_a_phone_of_their_own_is_refused(people, make_ticket, refused):
    ticket = make_ticket("in_progress", confidential=True)
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])  # member has no phone
    with refused(ticket, InvalidInput) as info:
        start_masked_call(ticket=ticket, by=people["member"])
    assert "phone" in info.value.field_errors
    assert not Call.objects.exists()


def test_a_replied_ticket_is_refused(people, make_ticket, refused):
    ticket = make_ticket("replied", confidential=True)
    with refused(ticket, InvalidState):
        start_masked_call(ticket=ticket, by=people["liaison"])
    assert not Call.objects.exists()
