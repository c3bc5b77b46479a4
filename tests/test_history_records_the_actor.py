"""Every field change is on the record with the user who made it: web, API, tasks and SMS alike."""

import datetime as dt

import pytest
from django.utils import timezone

from hotline import workflow
from hotline.models import Assignment


@pytest.mark.django_db
def test_each_workflow_step_records_its_acting_user(people, make_ticket):
    ticket = make_ticket("in_progress")
    users = [h.history_user for h in ticket.history.order_by("history_date", "history_id")]
    assert users[0] == people["operator"]  # receive
    assert users[-1] == people["liaison"]  # sign
    assert [h.status for h in ticket.history.order_by("history_date", "history_id")] == [
        "new", "dispatched", "in_progress",
    ]
    lead = Assignment.objects.get(ticket=ticket, role="lead")
    assert lead.history.earliest("history_date").history_user == people["operator"]
    assert lead.history.latest("history_date").history_user == people["liaison"]


@pytest.mark.django_db
def test_changes_made_by_the_system_name_the_system_user(people, make_ticket, time_machine):
    ticket = make_ticket("accepted")
    time_machine.move_to(timezone.now() + dt.timedelta(days=10), tick=False)  # past the survey's wait
    workflow.close(ticket=ticket, by=people["system"])
    latest = ticket.history.latest("history_date")
    assert latest.status == "closed" and latest.history_user == people["system"]
    assert latest.history_user.username == "hotline-system"


@pytest.mark.django_db
def test_an_admin_edit_records_the_request_user(client, people, make_ticket):
    people["supervisor"].is_staff = True
    people["supervisor"].save()
    ticket = make_ticket("new")
    client.force_login(people["supervisor"])
    url = f"/admin/hotline/ticket/{ticket.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"title": "路灯不亮（已更正地点）", "priority": "normal"})
    for prefix in ("assignments", "replies", "events", "messages", "calls"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    latest = ticket.history.latest("history_date")
    assert latest.title == "路灯不亮（已更正地点）" and latest.history_user == people["supervisor"]


@pytest.mark.django_db
def test_a_resident_created_from_an_sms_names_the_system_user(people):
    ticket = workflow.receive(by=people["system"], kind="help", channel="sms", title="短信诉求", phone="139 0871 0001")
    assert ticket.resident.history.get().history_user == people["system"]


@pytest.mark.django_db
def test_requests_and_replies_record_who_made_and_decided_them(people, make_ticket):
    ticket = make_ticket("in_progress")
    request = workflow.request_return(ticket=ticket, by=people["liaison"], reason="属水务局职责")
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=False, note="属本单位职责")
    users = [h.history_user for h in request.history.order_by("history_date", "history_id")]
    assert users == [people["liaison"], people["operator"]]
    replied = make_ticket("accepted")
    answer = replied.replies.get()
    assert [h.history_user for h in answer.history.order_by("history_date", "history_id")] == [
        people["liaison"], people["operator"],
    ]
