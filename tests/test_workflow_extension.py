"""延期 (extension): the lead unit asks before the reply deadline; only the supervisor decides."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import ExtensionRequest, Message, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db

LATER = at(2026, 3, 13, 17, 30)  # after the reply deadline of a ticket dispatched on `monday`


def _ask(ticket, by, new_reply_by=LATER, reason="需要协调施工队"):
    return workflow.request_extension(ticket=ticket, by=by, reason=reason, new_reply_by=new_reply_by)


@pytest.mark.parametrize("who", ["liaison", "head"])
def test_the_lead_unit_requests_an_extension(people, make_ticket, monday, who):
    ticket = make_ticket("in_progress")
    messages_before = Message.objects.count()

    request = _ask(ticket, people[who])

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "in_progress" and ticket.reply_by == at(2026, 3, 9, 10, 0)  # unchanged until decided
    assert (request.status, request.requested_by, request.requested_reply_by) == ("pending", people[who], LATER)
    assert request.history.first().history_user == people[who]
    event = ticket.events.get(action="extension_request")
    assert not event.public and "需要协调施工队" in event.note
    assert Message.objects.count() == messages_before


@pytest.mark.parametrize("who", ["operator", "supervisor", "member", "other_liaison", "editor", "system"])
def test_only_the_lead_units_liaison_or_head_requests_an_extension(people, make_ticket, refused, monday, who):
    ticket = make_ticket("in_progress")
    with refused(ticket, NotAllowed):
        _ask(ticket, people[who])


def test_a_co_unit_cannot_request_an_extension(people, units, make_ticket, refused, monday):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    workflow.sign(ticket=ticket, by=people["liaison"])
    with refused(ticket, NotAllowed):
        _ask(ticket, people["other_liaison"])


@pytest.mark.parametrize("state", ["dispatched", "replied"])
def test_an_extension_only_while_in_progress(people, make_ticket, refused, monday, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        _ask(ticket, people["liaison"])


def test_no_extension_after_the_reply_deadline(people, make_ticket, refused, monday, time_machine):
    ticket = make_ticket("in_progress")
    time_machine.move_to(at(2026, 3, 9, 10, 1), tick=False)  # one minute past reply_by
    with refused(ticket, InvalidState):
        _ask(ticket, people["liaison"])


@pytest.mark.parametrize(
    "kw", [{"reason": " "}, {"new_reply_by": None}, {"new_reply_by": at(2026, 3, 9, 10, 0)}, {"new_reply_by": at(2026, 3, 5, 10, 0)}]
)
def test_an_extension_needs_a_reason_and_a_later_date(people, make_ticket, refused, monday, kw):
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidInput):
        _ask(ticket, people["liaison"], **kw)


def test_only_one_pending_extension(people, make_ticket, refused, monday):
    ticket = make_ticket("in_progress")
    _ask(ticket, people["liaison"])
    with refused(ticket, InvalidState):
        _ask(ticket, people["head"], reason="再次申请")


def test_the_supervisor_approves_and_the_resident_is_told_the_new_date(
    people, resident, make_ticket, monday, outbox, django_capture_on_commit_callbacks
):
    ticket = make_ticket("in_progress")
    request = _ask(ticket, people["liaison"])
    outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)

    ticket = Ticket.objects.get(pk=ticket.pk)
    request.refresh_from_db()
    lead = ticket.assignments.get(is_current=True)
    assert (request.status, request.decided_by) == ("approved", people["supervisor"])
    assert ticket.reply_by == lead.reply_by == LATER
    assert lead.original_reply_by == at(2026, 3, 9, 10, 0)
    assert ticket.extension_count == 1
    assert ticket.history.first().history_user == people["supervisor"]
    event = ticket.events.get(action="extension_approve")
    assert event.public and "3月13日17:30" in event.note
    sms = Message.objects.get(ticket=ticket, template="extended")
    assert sms.resident == resident and sms.params["reply_by"] == "3月13日17:30" and sms.status == "sent"
    assert [m["to"] for m in outbox] == [resident.phone] and "3月13日17:30" in outbox[0]["text"]


@pytest.mark.parametrize("who", ["operator", "liaison", "head", "editor", "system"])
def test_only_a_supervisor_decides_an_extension(people, make_ticket, refused, monday, who):
    ticket = make_ticket("in_progress")
    _ask(ticket, people["liaison"])
    with refused(ticket, NotAllowed):
        workflow.decide_extension(ticket=ticket, by=people[who], approve=True)


def test_a_denied_extension_keeps_the_deadline_and_tells_nobody(people, make_ticket, refused, monday):
    ticket = make_ticket("in_progress")
    request = _ask(ticket, people["liaison"])
    with refused(ticket, InvalidInput):  # denying needs a reason
        workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=False)
    messages_before = Message.objects.count()

    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=False, note="期限充足")

    ticket.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("denied", "期限充足")
    assert ticket.reply_by == at(2026, 3, 9, 10, 0) and ticket.extension_count == 0
    assert ticket.events.get(action="extension_deny").note == "期限充足"
    assert Message.objects.count() == messages_before


def test_deciding_without_a_pending_extension_is_refused(people, make_ticket, refused, monday):
    ticket = make_ticket("in_progress")
    with refused(ticket, InvalidState):
        workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)


def test_no_more_extensions_than_the_setting_allows(people, make_ticket, refused, monday, settings):
    settings.HOTLINE = {**settings.HOTLINE, "MAX_EXTENSIONS": 2}
    ticket = make_ticket("in_progress")
    _ask(ticket, people["liaison"], new_reply_by=at(2026, 3, 10, 10, 0))
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    _ask(ticket, people["liaison"], new_reply_by=at(2026, 3, 11, 10, 0))
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    assert Ticket.objects.get(pk=ticket.pk).extension_count == 2

    with refused(ticket, InvalidState):
        _ask(ticket, people["liaison"], new_reply_by=at(2026, 3, 12, 10, 0))


def test_the_default_allows_a_single_extension(people, make_ticket, refused, monday, settings):
    assert settings.HOTLINE["MAX_EXTENSIONS"] == 1
    ticket = make_ticket("in_progress")
    _ask(ticket, people["liaison"])
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    with refused(ticket, InvalidState):
        _ask(ticket, people["liaison"], new_reply_by=at(2026, 3, 20, 10, 0))


def test_an_extension_overtaken_by_the_reply_cannot_be_approved(people, make_ticket, refused, monday):
    """The unit asked for more time, then replied anyway: approving must not move a closed
    round's deadline nor tell the resident a new date."""
    ticket = make_ticket("in_progress")
    _ask(ticket, people["liaison"])
    workflow.reply(
        ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
        contacted_at=monday,
    )
    with refused(ticket, InvalidState):
        workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=False, note="已答复，无需延期")
    assert not ExtensionRequest.objects.filter(ticket=ticket, status="pending").exists()


def test_a_pending_extension_of_an_earlier_round_is_closed_by_reopening(people, make_ticket, monday):
    ticket = make_ticket("in_progress")
    old = _ask(ticket, people["liaison"])
    workflow.reply(
        ticket=ticket, by=people["liaison"], text="已修复", outcome="resolved", contact_method="phone",
        contacted_at=monday,
    )
    workflow.reopen(ticket=ticket, by=people["operator"], reason="群众反映仍未修好")
    old.refresh_from_db()
    assert old.status == "denied"
    ticket.refresh_from_db()
    assert ticket.reply_by == ticket.assignments.get(is_current=True, round=2).reply_by
