"""Twilio retries a voice webhook with the same CallSid: still one Call, and the same answer."""

import pytest

from hotline.models import Call

pytestmark = pytest.mark.django_db


def test_a_retried_call_webhook_stores_one_call(monday, twilio_post, voice_payload, resident):
    params = voice_payload("pstn", From=resident.phone, Caller=resident.phone)
    first = twilio_post("/twilio/voice/", params)
    second = twilio_post("/twilio/voice/", params)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert Call.objects.count() == 1
    assert Call.objects.get().external_id == params["CallSid"]


def test_another_call_sid_is_another_call(monday, twilio_post, voice_payload):
    twilio_post("/twilio/voice/", voice_payload("pstn"))
    twilio_post("/twilio/voice/", voice_payload("pstn", CallSid="CA0000000000000000000000000000ffff"))
    assert Call.objects.count() == 2
