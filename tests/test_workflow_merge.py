"""合并重复件 (merge): an open ticket closes as a duplicate; the resident is told the surviving number."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Assignment, Message, Resident, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["new", "dispatched", "in_progress", "replied"])
@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_merge_closes_the_duplicate_and_tells_its_resident(people, resident, make_ticket, state, who):
    survivor = make_ticket("dispatched")
    duplicate = make_ticket(state)

    workflow.merge(ticket=duplicate, by=people[who], into=survivor, note="同一路灯")

    duplicate = Ticket.objects.get(pk=duplicate.pk)
    assert (duplicate.status, duplicate.close_reason, duplicate.merged_into) == ("closed", "duplicate", survivor)
    assert duplicate.closed_at is not None
    assert duplicate.history.first().history_user == people[who]
    assert not Assignment.objects.filter(ticket=duplicate, is_current=True).exists()
    event = duplicate.events.get(action="merge")
    assert event.public and survivor.number in event.note
    # the surviving ticket notes it internally and is otherwise untouched
    assert duplicate.number in survivor.events.get(action="merge").note
    assert not survivor.events.get(action="merge").public
    assert Ticket.objects.get(pk=survivor.pk).status == "dispatched"
    sms = Message.objects.get(ticket=duplicate, template="merged")
    assert sms.resident == resident and sms.params["into"] == survivor.number and survivor.number in sms.body
    assert Ticket.objects.countable().filter(pk=duplicate.pk).count() == 0


def test_the_merged_sms_goes_out_after_commit(people, units, make_ticket, outbox, django_capture_on_commit_callbacks):
    survivor = make_ticket("new")
    other = Resident.objects.create(phone="+8613800138009")
    duplicate = workflow.receive(by=people["operator"], kind="help", channel="sms", title="路灯坏了", resident=other)
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.merge(ticket=duplicate, by=people["operator"], into=survivor)
    [sent] = outbox
    assert sent["to"] == "+8613800138009" and survivor.number in sent["text"]


def test_merge_denies_the_duplicates_pending_requests(people, units, make_ticket):
    survivor = make_ticket("new")
    duplicate = make_ticket("in_progress")
    workflow.request_return(ticket=duplicate, by=people["liaison"], reason="误派")
    workflow.merge(ticket=duplicate, by=people["operator"], into=survivor)
    assert duplicate.return_requests.get().status == "denied"


@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor", "system"])
def test_only_the_hotline_merges(people, make_ticket, refused, who):
    survivor, duplicate = make_ticket("new"), make_ticket("dispatched")
    with refused(duplicate, NotAllowed):
        workflow.merge(ticket=duplicate, by=people[who], into=survivor)


def test_merge_needs_another_live_target(people, make_ticket, refused):
    ticket = make_ticket("new")
    with refused(ticket, InvalidInput):
        workflow.merge(ticket=ticket, by=people["operator"], into=None)
    with refused(ticket, InvalidInput):
        workflow.merge(ticket=ticket, by=people["operator"], into=ticket)

    invalid = make_ticket("new")
    workflow.mark_invalid(ticket=invalid, by=people["operator"], reason="空号来电")
    with refused(ticket, InvalidInput):
        workflow.merge(ticket=ticket, by=people["operator"], into=invalid)

    merged = make_ticket("new")
    workflow.merge(ticket=merged, by=people["operator"], into=make_ticket("new"))
    with refused(ticket, InvalidInput):
        workflow.merge(ticket=ticket, by=people["operator"], into=merged)

    finished = make_ticket("closed")  # a finished matter is reopened, not merged into
    with refused(ticket, InvalidInput):
        workflow.merge(ticket=ticket, by=people["operator"], into=finished)


def test_a_closed_ticket_cannot_be_merged(people, make_ticket, refused):
    survivor, closed = make_ticket("new"), make_ticket("closed")
    with refused(closed, InvalidState):
        workflow.merge(ticket=closed, by=people["operator"], into=survivor)
