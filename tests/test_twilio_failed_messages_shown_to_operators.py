"""Operators see which SMS failed, and why, in the admin's message list."""

import pytest

from hotline import messaging

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(people):
    user = people["operator"]
    user.is_staff = True
    user.save()
    return user


def test_failed_messages_are_listed_with_the_reason(client, operator, fake_twilio, resident):
    fake_twilio.unsubscribe(resident.phone)
    failed = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026001"}, resident=resident)
    messaging.deliver(message_id=failed.pk)
    fine = messaging.queue_sms(phone="+8613900000009", template="closed", params={"number": "2026002"})
    messaging.deliver(message_id=fine.pk)
    client.force_login(operator)

    response = client.get("/admin/hotline/message/", {"problem": "failed"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "21610 对方已退订（回复过STOP）" in page
    assert "138****8000" in page or "8000" in page  # the number, masked
    assert "139****0009" not in page and "2026002" not in page

    detail = client.get(f"/admin/hotline/message/{failed.pk}/change/")
    assert detail.status_code == 200 and "21610 对方已退订" in detail.content.decode()


def test_messages_can_be_filtered_by_status(client, operator, fake_twilio, resident):
    fake_twilio.fail_next(status=400, code=21211, method="POST")
    failed = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026001"}, resident=resident)
    messaging.deliver(message_id=failed.pk)
    client.force_login(operator)

    response = client.get("/admin/hotline/message/", {"status__exact": "failed"})

    assert response.status_code == 200
    assert "21211 号码无效" in response.content.decode()
    assert "21211 号码无效" not in client.get("/admin/hotline/message/", {"status__exact": "sent"}).content.decode()
