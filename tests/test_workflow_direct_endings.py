"""The ways a new ticket ends without dispatch: 直办 (answer directly), 转110/119/120, 无效件."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Message, Ticket

pytestmark = pytest.mark.django_db


# --- answer directly -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_answer_directly_closes_and_sends_the_answer_and_survey(
    people, resident, make_ticket, outbox, django_capture_on_commit_callbacks, who
):
    ticket = make_ticket("new")
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer_directly(ticket=ticket, by=people[who], answer="请到政务中心3号窗口办理", source="户籍办理指南")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.close_reason) == ("closed", "answered")
    assert (ticket.answer, ticket.answer_source) == ("请到政务中心3号窗口办理", "户籍办理指南")
    assert ticket.closed_at is not None and ticket.survey_sent_at == ticket.closed_at
    assert ticket.history.first().history_user == people[who]
    event = ticket.events.get(action="answer")
    assert event.public and event.note == "请到政务中心3号窗口办理"
    sms = Message.objects.filter(ticket=ticket, template__in=["answered", "survey"], resident=resident)
    assert sorted(m.template for m in sms) == ["answered", "survey"]
    assert [m["template"] for m in outbox] == ["answered", "survey"]
    assert "3号窗口" in outbox[0]["text"]


@pytest.mark.parametrize("who", ["liaison", "head", "editor", "system"])
def test_only_the_hotline_answers_directly(people, make_ticket, refused, who):
    ticket = make_ticket("new")
    with refused(ticket, NotAllowed):
        workflow.answer_directly(ticket=ticket, by=people[who], answer="答复")


def test_answer_directly_needs_an_answer(people, make_ticket, refused):
    ticket = make_ticket("new")
    with refused(ticket, InvalidInput):
        workflow.answer_directly(ticket=ticket, by=people["operator"], answer="  ")


@pytest.mark.parametrize("state", ["dispatched", "closed"])
def test_only_a_new_ticket_is_answered_directly(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.answer_directly(ticket=ticket, by=people["operator"], answer="答复")


# --- refer to emergency services -------------------------------------------------------


@pytest.mark.parametrize("service", ["110", "119", "120"])
def test_refer_to_emergency_services_closes_at_once(people, resident, make_ticket, service):
    ticket = make_ticket("new", priority="urgent")
    workflow.refer_emergency(ticket=ticket, by=people["operator"], service=service, note="山火")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.close_reason, ticket.emergency_service) == ("closed", "emergency", service)
    assert ticket.history.first().history_user == people["operator"]
    event = ticket.events.get(action="emergency")
    assert event.public and service in event.note and "山火" in event.note
    sms = Message.objects.get(ticket=ticket, template="emergency")
    assert sms.resident == resident and service in sms.body


def test_refer_needs_a_known_service(people, make_ticket, refused):
    ticket = make_ticket("new")
    with refused(ticket, InvalidInput):
        workflow.refer_emergency(ticket=ticket, by=people["operator"], service="12345")


@pytest.mark.parametrize("who", ["liaison", "editor", "system"])
def test_only_the_hotline_refers_to_emergency_services(people, make_ticket, refused, who):
    ticket = make_ticket("new")
    with refused(ticket, NotAllowed):
        workflow.refer_emergency(ticket=ticket, by=people[who], service="110")


def test_only_a_new_ticket_is_referred(people, make_ticket, refused):
    ticket = make_ticket("dispatched")
    with refused(ticket, InvalidState):
        workflow.refer_emergency(ticket=ticket, by=people["operator"], service="110")


# --- mark invalid ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_mark_invalid_closes_without_telling_anyone_and_leaves_the_kpis(people, make_ticket, who):
    ticket = make_ticket("new")
    messages_before = Message.objects.count()
    workflow.mark_invalid(ticket=ticket, by=people[who], reason="骚扰电话")

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.close_reason) == ("closed", "invalid")
    assert ticket.history.first().history_user == people[who]
    event = ticket.events.get(action="invalid")
    assert not event.public and event.note == "骚扰电话"
    assert Message.objects.count() == messages_before
    assert not Ticket.objects.countable().filter(pk=ticket.pk).exists()
    assert Ticket.objects.countable().count() == Ticket.objects.count() - 1


def test_mark_invalid_needs_a_reason(people, make_ticket, refused):
    ticket = make_ticket("new")
    with refused(ticket, InvalidInput):
        workflow.mark_invalid(ticket=ticket, by=people["operator"], reason="")


@pytest.mark.parametrize("who", ["liaison", "head", "editor", "system"])
def test_only_the_hotline_marks_invalid(people, make_ticket, refused, who):
    ticket = make_ticket("new")
    with refused(ticket, NotAllowed):
        workflow.mark_invalid(ticket=ticket, by=people[who], reason="骚扰电话")


@pytest.mark.parametrize("state", ["dispatched", "in_progress"])
def test_only_a_new_ticket_is_marked_invalid(people, make_ticket, refused, state):
    ticket = make_ticket(state)
    with refused(ticket, InvalidState):
        workflow.mark_invalid(ticket=ticket, by=people["operator"], reason="骚扰电话")
