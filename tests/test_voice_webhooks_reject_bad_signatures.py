"""Every voice webhook refuses a missing or invalid Twilio signature: 403, nothing stored."""

import pytest
from twilio.request_validator import RequestValidator

from hotline.models import Call, Message, Resident, Ticket

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("/twilio/voice/", "pstn"),
    ("/twilio/voice/dial-status/", "pstn"),
    ("/twilio/voice/call-status/", "pstn"),
    ("/twilio/voice/masked/?call=1", "pstn"),
    ("/twilio/recording/", "recording"),
]


def _nothing_stored():
    return not (Call.objects.exists() or Ticket.objects.exists() or Message.objects.exists() or Resident.objects.exists())


@pytest.mark.parametrize("path, payload", ENDPOINTS)
def test_an_invalid_signature_is_refused(monday, twilio_post, voice_payload, path, payload):
    params = voice_payload(payload, From="+8613800138000")
    response = twilio_post(path, params, signature="bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==")
    assert response.status_code == 403
    assert _nothing_stored()


@pytest.mark.parametrize("path, payload", ENDPOINTS)
def test_a_missing_signature_is_refused(monday, twilio_post, voice_payload, path, payload):
    response = twilio_post(path, voice_payload(payload), signature="")
    assert response.status_code == 403
    assert _nothing_stored()


def test_a_signature_for_other_parameters_or_another_token_is_refused(monday, twilio_post, voice_payload, settings):
    params = voice_payload("pstn")
    url = "http://testserver/twilio/voice/"
    tampered = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, {**params, "From": "+8613800138000"})
    assert twilio_post("/twilio/voice/", params, signature=tampered).status_code == 403
    foreign = RequestValidator("someone-elses-token").compute_signature(url, params)
    assert twilio_post("/twilio/voice/", params, signature=foreign).status_code == 403
    assert _nothing_stored()


def test_a_get_is_refused(client):
    assert client.get("/twilio/voice/").status_code == 405
