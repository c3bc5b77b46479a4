"""The admin is good enough for a supervisor to set the hotline up, and never bypasses the workflow."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from hotline.models import Message, Ticket, TicketEvent


@pytest.fixture
def supervisor(people):
    user = people["supervisor"]
    user.is_staff = True
    user.save()
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label in ("hotline", "auth")],
                         ids=lambda m: m._meta.model_name)
def test_every_admin_list_opens_for_the_supervisor(client, supervisor, make_ticket, model):
    make_ticket("replied")
    client.force_login(supervisor)
    opts = model._meta
    response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/").status_code == 200
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/").status_code == 200


@pytest.mark.django_db
def test_a_ticket_added_in_the_admin_is_received_through_the_workflow(client, supervisor, resident):
    client.force_login(supervisor)
    response = client.post(
        "/admin/hotline/ticket/add/",
        {
            "kind": "help", "channel": "phone", "title": "自来水停了两天", "description": "石门村组停水",
            "resident": resident.pk, "priority": "normal", "place": "石门村",
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
            "replies-TOTAL_FORMS": "0", "replies-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
            "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
            "calls-TOTAL_FORMS": "0", "calls-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get(title="自来水停了两天")
    assert ticket.status == "new" and len(ticket.number) in (7, 8)
    assert TicketEvent.objects.filter(ticket=ticket, action="receive", actor=supervisor).exists()
    assert Message.objects.filter(ticket=ticket, template="received").exists()


@pytest.mark.django_db
def test_a_report_kind_is_required_to_name_a_reported_unit(client, supervisor, resident, units):
    client.force_login(supervisor)
    response = client.post(
        "/admin/hotline/ticket/add/",
        {
            "kind": "complaint", "channel": "phone", "title": "投诉", "resident": resident.pk, "priority": "normal",
            "reported_unit": units["roads"].pk,
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
            "replies-TOTAL_FORMS": "0", "replies-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
            "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
            "calls-TOTAL_FORMS": "0", "calls-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "只有举报件可以指定被举报单位" in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_workflow_fields_cannot_be_edited_in_the_admin(client, supervisor, make_ticket):
    ticket = make_ticket("dispatched")
    client.force_login(supervisor)
    form = client.get(f"/admin/hotline/ticket/{ticket.pk}/change/").context["adminform"].form
    for field in ("status", "number", "lead_unit", "sign_by", "reply_by", "satisfaction", "close_reason"):
        assert field not in form.fields


@pytest.mark.django_db
def test_an_operator_reaches_tickets_but_not_user_management(client, people, make_ticket):
    operator = people["operator"]
    operator.is_staff = True
    operator.save()
    make_ticket("new")
    client.force_login(operator)
    assert client.get("/admin/hotline/ticket/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/hotline/slapolicy/").status_code == 200  # read-only view
    assert User.objects.filter(username="operator").exists()


@pytest.mark.django_db
def test_the_ticket_page_shows_mms_pictures_and_call_recordings(client, supervisor, make_ticket, resident):
    from hotline.models import Call

    ticket = make_ticket("new")
    Message.objects.create(
        direction="in", phone=resident.phone, resident=resident, ticket=ticket, body="照片", status="received",
        provider="twilio", external_id="MM1", media=[{"url": "https://api.twilio.com/m/ME1", "content_type": "image/jpeg"}],
    )
    Call.objects.create(provider="twilio", external_id="CA9", direction="in", phone=resident.phone, ticket=ticket,
                        recording_url="https://api.twilio.com/r/RE1", recording_seconds=42)
    client.force_login(supervisor)
    page = client.get(f"/admin/hotline/ticket/{ticket.pk}/change/").content.decode()
    assert 'href="https://api.twilio.com/m/ME1"' in page and "image/jpeg" in page
    assert 'href="https://api.twilio.com/r/RE1"' in page and "42" in page
