"""POST /api/tickets/{number}/masked-call/: the lead unit asks the hotline to bridge a call to a
resident it may not see (fake Twilio, real twilio client); Twilio refusing is a 502 in the error shape."""

import pytest
from rest_framework.test import APIClient

from hotline.models import Call

pytestmark = pytest.mark.django_db

LIAISON_PHONE = "+8613900000002"


def liaison_client(people):
    client = APIClient()
    client.force_authenticate(people["liaison"])
    return client


def test_the_liaison_is_called_and_the_call_shows_without_numbers(people, resident, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress", confidential=True)
    client = liaison_client(people)
    response = client.post(f"/api/tickets/{ticket.number}/masked-call/")
    assert response.status_code == 200, response.content.decode()
    assert [c["To"] for c in fake_twilio.calls] == [LIAISON_PHONE]
    call = Call.objects.get(ticket=ticket, direction="bridged")
    assert call.requested_by == people["liaison"]
    assert resident.phone[3:] not in response.content.decode()
    calls = client.get(f"/api/tickets/{ticket.number}/calls/").json()["results"]
    assert [(c["id"], c["phone"]) for c in calls] == [(call.pk, None)]


def test_twilio_refusing_the_call_is_a_502(people, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress", confidential=True)
    fake_twilio.fail_next(status=500, code=20500, method="POST", resource="Calls")
    response = liaison_client(people).post(f"/api/tickets/{ticket.number}/masked-call/")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "请稍后再试" in response.json()["error"]["message"]


def test_no_masked_call_where_the_unit_sees_the_resident(people, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress")
    response = liaison_client(people).post(f"/api/tickets/{ticket.number}/masked-call/")
    assert response.status_code == 403
    assert fake_twilio.calls == []
