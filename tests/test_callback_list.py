"""The landline callback list (待电话告知): updates for residents without SMS wait until an operator
or the supervisor has told them by phone; marking one done records who and when."""

import pytest

from hotline import messaging, supervision, workflow
from hotline.errors import InvalidState, NotAllowed
from hotline.models import Message, Resident, TicketEvent
from tests.helpers import drain, listen

pytestmark = pytest.mark.django_db


@pytest.fixture
def landline(db):
    return Resident.objects.create(phone="+861062345678", name="王五")  # a Beijing fixed line


@pytest.fixture
def landline_ticket(people, units, landline):
    ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="自来水停了", resident=landline)
    return workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["water"])


def _callbacks(ticket):
    return list(Message.objects.filter(ticket=ticket, status="callback").order_by("pk"))


def test_a_landline_residents_updates_wait_on_the_callback_list(landline_ticket, resident, people, outbox):
    mobile = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯", resident=resident)
    received, dispatched = _callbacks(landline_ticket)

    listed = list(supervision.callback_messages())

    assert listed == [received, dispatched]  # oldest first; the mobile resident's SMS are not on it
    assert all(m.ticket_id != mobile.pk for m in listed)
    assert "区水务局" in dispatched.body


def test_the_supervisor_sees_the_full_number_to_dial(client, people, landline_ticket):
    client.force_login(people["supervisor"])
    page = client.get("/supervisor/panel/callbacks/").content.decode()
    assert 'href="tel:+861062345678"' in page and "王五" in page
    assert landline_ticket.number in page and "已转区水务局办理" in page
    assert page.count("已电话告知</button>") == 2


def test_marking_a_callback_done_records_who_and_when(people, landline_ticket, monday):
    message = _callbacks(landline_ticket)[1]

    done = messaging.mark_called(message=message, by=people["operator"])

    message.refresh_from_db()
    assert done.pk == message.pk
    assert (message.status, message.called_by, message.called_at) == ("called", people["operator"], monday)
    assert message not in supervision.callback_messages()
    event = TicketEvent.objects.get(ticket=landline_ticket, action="resident_called")
    assert (event.actor, event.public, event.note) == (people["operator"], False, message.body)
    assert event.get_action_display() == "已电话告知群众"


def test_a_called_message_is_never_sent_by_sms(people, landline_ticket, outbox):
    message = _callbacks(landline_ticket)[0]
    messaging.mark_called(message=message, by=people["supervisor"])
    assert messaging.deliver(message_id=message.pk) == "called"
    assert message.pk not in messaging.due_message_ids()
    assert outbox == []


def test_marking_it_twice_is_refused_and_records_nothing_more(people, landline_ticket):
    message = _callbacks(landline_ticket)[0]
    messaging.mark_called(message=message, by=people["operator"])
    events = TicketEvent.objects.count()

    with pytest.raises(InvalidState):
        messaging.mark_called(message=message, by=people["supervisor"])

    message.refresh_from_db()
    assert (message.called_by, TicketEvent.objects.count()) == (people["operator"], events)


def test_only_callback_rows_can_be_marked(people, make_ticket):
    ticket = make_ticket("new")  # a mobile resident: the receipt is a queued SMS
    sms = Message.objects.get(ticket=ticket, template="received")
    with pytest.raises(InvalidState):
        messaging.mark_called(message=sms, by=people["operator"])
    sms.refresh_from_db()
    assert sms.status != "called" and sms.called_by is None


@pytest.mark.parametrize("who", ["liaison", "head", "member", "other_liaison", "editor", "system"])
def test_unit_users_and_others_cannot_mark_a_callback(people, landline_ticket, who):
    message = _callbacks(landline_ticket)[1]
    events = TicketEvent.objects.count()
    with pytest.raises(NotAllowed):
        messaging.mark_called(message=message, by=people[who])
    message.refresh_from_db()
    assert (message.status, message.called_by, TicketEvent.objects.count()) == ("callback", None, events)


def test_the_button_marks_it_and_refreshes_the_panel(client, people, landline_ticket):
    first, second = _callbacks(landline_ticket)
    client.force_login(people["supervisor"])

    response = client.post("/supervisor/panel/callbacks/", {"message": first.pk}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    fragment = response.content.decode()
    assert f'data-message="{first.pk}"' not in fragment and f'data-message="{second.pk}"' in fragment
    assert "已记录" in fragment and landline_ticket.number in fragment
    assert 'id="count-callbacks"' in fragment and 'hx-swap-oob="true"' in fragment
    first.refresh_from_db()
    assert (first.status, first.called_by) == ("called", people["supervisor"])


def test_without_htmx_the_button_returns_to_the_dashboard(client, people, landline_ticket):
    message = _callbacks(landline_ticket)[0]
    client.force_login(people["supervisor"])
    response = client.post("/supervisor/panel/callbacks/", {"message": message.pk})
    assert response.status_code == 302 and response["Location"] == "/supervisor/"
    assert Message.objects.get(pk=message.pk).status == "called"


def test_a_second_click_says_it_was_already_done(client, people, landline_ticket):
    message = _callbacks(landline_ticket)[0]
    messaging.mark_called(message=message, by=people["operator"])
    client.force_login(people["supervisor"])
    response = client.post("/supervisor/panel/callbacks/", {"message": message.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "已标记为已电话告知" in response.content.decode()
    assert Message.objects.get(pk=message.pk).called_by == people["operator"]


@pytest.mark.parametrize("who", ["liaison", "member", "editor"])
def test_the_callback_list_refuses_other_roles(client, people, landline_ticket, who):
    message = _callbacks(landline_ticket)[0]
    client.force_login(people[who])
    assert client.post("/supervisor/panel/callbacks/", {"message": message.pk}).status_code == 403
    assert Message.objects.get(pk=message.pk).status == "callback"


@pytest.mark.django_db(transaction=True)
def test_marking_it_is_announced_to_the_hotline_after_commit(people, landline_ticket):
    message = _callbacks(landline_ticket)[0]
    layer, channel = listen("operators", "supervisors")
    messaging.mark_called(message=message, by=people["operator"])
    assert {(e["event"], e["ticket"]) for e in drain(layer, channel)} == {("resident_called", landline_ticket.pk)}


def test_operators_work_the_callback_list_from_their_console(client, people, landline_ticket):
    client.force_login(people["operator"])
    page = client.get("/console/").content.decode()
    assert 'id="panel-callbacks"' in page and 'href="tel:+861062345678"' in page
    message = _callbacks(landline_ticket)[0]
    response = client.post("/supervisor/panel/callbacks/", {"message": message.pk})
    assert response.status_code == 302 and response.url == "/console/"
    message.refresh_from_db()
    assert (message.status, message.called_by) == ("called", people["operator"])
    # the rest of the supervisor's dashboard stays closed to operators
    assert client.get("/supervisor/panel/overdue/").status_code == 403
    assert client.get("/supervisor/").status_code == 403
