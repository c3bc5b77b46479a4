"""The supervisor sets a platform up in the admin (the secret shown once) and sees, and retries, its webhooks."""

import pytest
import time_machine

from hotline import roles
from hotline.models import UpstreamSystem, WebhookDelivery
from tests.conftest import at, make_user

pytestmark = pytest.mark.django_db

T = at(2026, 3, 2, 10, 0)


@pytest.fixture
def supervisor(people, client):
    user = people["supervisor"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return user


def add_form(**overrides):
    return {"code": "province", "name": "省12345平台", "webhook_url": "https://12345.example.gov.cn/hook",
            "is_active": "on", "new_secret": "", **overrides}


def test_adding_a_platform_generates_a_secret_shown_once(client, supervisor):
    api_user = make_user("province-api", roles.OPERATOR)
    response = client.post("/admin/hotline/upstreamsystem/add/", add_form(user=api_user.pk))

    assert response.status_code == 200, response.content.decode()[:2000]
    platform = UpstreamSystem.objects.get(code="province")
    assert len(platform.secret) >= 32
    page = response.content.decode()
    assert platform.secret in page and "只显示这一次" in page
    assert "no-store" in response["Cache-Control"]

    change_page = client.get(f"/admin/hotline/upstreamsystem/{platform.pk}/change/").content.decode()
    assert platform.secret not in change_page  # never again
    assert platform.secret[:4] in change_page  # a hint to tell secrets apart
    assert platform.history.first().history_user == supervisor
    assert not hasattr(platform.history.first(), "secret")  # not kept in the history


def test_a_secret_agreed_with_the_platform_can_be_set_and_regenerated(client, supervisor, city):
    response = client.post(
        f"/admin/hotline/upstreamsystem/{city.pk}/change/",
        add_form(code="city", user=city.user.pk, new_secret="agreed-with-the-city-2026"),
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.secret == "agreed-with-the-city-2026"

    response = client.post(
        f"/admin/hotline/upstreamsystem/{city.pk}/change/", add_form(code="city", user=city.user.pk, regenerate_secret="on")
    )
    city.refresh_from_db()
    assert response.status_code == 200 and city.secret != "agreed-with-the-city-2026"
    assert city.secret in response.content.decode()

    client.post(f"/admin/hotline/upstreamsystem/{city.pk}/change/", add_form(code="city", user=city.user.pk, name="市平台"))
    unchanged = city.secret
    city.refresh_from_db()
    assert (city.name, city.secret) == ("市平台", unchanged)  # a plain edit keeps the secret


@pytest.mark.parametrize("role", [roles.SUPERVISOR, roles.UNIT_LIAISON, None])
def test_the_api_login_must_be_a_dedicated_operator_account(client, supervisor, role, units):
    user = make_user("not-for-api", role or roles.OPERATOR)
    if role is None:
        user.is_superuser = True
        user.save()
    response = client.post("/admin/hotline/upstreamsystem/add/", add_form(user=user.pk))
    assert response.status_code == 200
    assert "只有“话务员”角色" in response.content.decode()
    assert not UpstreamSystem.objects.exists()


def test_the_lists_open_and_show_the_delivery_problems(client, supervisor, upstream_ticket, receiver):
    with time_machine.travel(T, tick=False):
        ticket = upstream_ticket("dispatched", external_id="SZ-404")
    WebhookDelivery.objects.filter(event="received").update(attempts=3, last_error="HTTP 500: boom", response_status=500)

    page = client.get("/admin/hotline/upstreamsystem/").content.decode()
    assert "city 12345" in page
    response = client.get("/admin/hotline/webhookdelivery/?problem=retrying")
    assert response.status_code == 200
    page = response.content.decode()
    assert "HTTP 500: boom" in page and "SZ-404" in page and ticket.number in page
    waiting = client.get("/admin/hotline/webhookdelivery/?problem=waiting").content.decode()
    assert "dispatched" in waiting
    row = WebhookDelivery.objects.get(event="received")
    detail = client.get(f"/admin/hotline/webhookdelivery/{row.pk}/change/")
    assert detail.status_code == 200 and "SZ-404" in detail.content.decode()


def test_retry_now_sends_a_failed_row_and_the_ones_behind_it(client, supervisor, upstream_ticket, receiver):
    with time_machine.travel(T, tick=False):
        ticket = upstream_ticket("dispatched")
    WebhookDelivery.objects.filter(event="received").update(status="failed", attempts=5, last_error="gave up")
    failed = WebhookDelivery.objects.get(event="received")

    response = client.post(
        "/admin/hotline/webhookdelivery/",
        {"action": "retry_now", "_selected_action": [failed.pk]},
    )

    assert response.status_code == 302
    # the test client's request runs in the test's transaction: the sending waits for a commit that never
    # comes here, so send what is due as the scheduler would
    from hotline import tasks

    tasks.deliver_due_webhooks.enqueue()
    assert [r.status for r in WebhookDelivery.objects.filter(ticket=ticket).order_by("pk")] == ["delivered", "delivered"]
    assert receiver.events() == [(ticket.number, "received"), (ticket.number, "dispatched")]


def test_other_staff_do_not_see_the_platforms(client, people):
    operator = people["operator"]
    operator.is_staff = True
    operator.save()
    client.force_login(operator)
    assert client.get("/admin/hotline/upstreamsystem/").status_code == 403
    assert client.get("/admin/hotline/webhookdelivery/").status_code == 403
