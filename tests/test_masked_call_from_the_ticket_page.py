"""The liaison of a confidential ticket starts a masked call from the ticket page and replies with it."""

import pytest

from hotline.models import Call, Ticket
from hotline.models.choices import Status

pytestmark = pytest.mark.django_db


def test_the_liaison_starts_a_masked_call_and_replies_with_the_answered_call(client, people, make_ticket, fake_twilio, monday):
    ticket = make_ticket("in_progress", confidential=True)
    client.force_login(people["liaison"])
    response = client.post(f"/tickets/{ticket.number}/do/masked_call/", {"masked_call-x": ""})
    assert response.status_code == 302
    assert len(fake_twilio.calls) == 1 and fake_twilio.calls[0]["To"] == "+8613900000002"
    call = Call.objects.get(ticket=ticket)
    page = client.get(response.url).content.decode()
    assert "正在呼叫您的手机" in page and "13800138000" not in page

    Call.objects.filter(pk=call.pk).update(status="answered", duration_seconds=95)  # as the voice webhooks record it
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'<option value="{call.pk}">' in page  # offered as the reply's contact record
    response = client.post(f"/tickets/{ticket.number}/do/reply/", {
        "reply-text": "已电话联系群众并处理", "reply-outcome": "resolved", "reply-contact_method": "masked_call",
        "reply-call": call.pk, "reply-contacted": "on",
    })
    assert response.status_code == 302, response.content.decode()[:300]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_when_twilio_refuses_the_call_the_liaison_is_told_and_nothing_is_dialled(client, people, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress", confidential=True)
    fake_twilio.fail_next(status=500, code=20500, resource="Calls")
    client.force_login(people["liaison"])
    response = client.post(f"/tickets/{ticket.number}/do/masked_call/", {"masked_call-x": ""})
    assert response.status_code == 502
    assert "通话未能发起" in response.content.decode()


def test_an_ordinary_ticket_offers_no_masked_call(client, people, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress")
    client.force_login(people["liaison"])
    assert 'data-action="masked_call"' not in client.get(f"/tickets/{ticket.number}/").content.decode()
    response = client.post(f"/tickets/{ticket.number}/do/masked_call/", {})
    assert response.status_code == 403
    assert fake_twilio.calls == []
