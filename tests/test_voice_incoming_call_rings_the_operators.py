"""A call to the hotline is greeted in Mandarin and put straight through to the operators (no menu)."""

import xml.etree.ElementTree as ET

import pytest

from hotline.models import Call, Resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _targets(settings):
    settings.TWILIO_OPERATOR_TARGETS = ["client:operator", "+8613900000009"]
    settings.HOTLINE = {**settings.HOTLINE, "VOICE_RING_SECONDS": 17}


def test_a_call_in_staffed_hours_rings_every_operator(monday, twilio_post, voice_payload, resident):
    response = twilio_post("/twilio/voice/", voice_payload("pstn", From=resident.phone, Caller=resident.phone))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    say, dial = list(root)
    assert say.tag == "Say" and say.get("language") == "cmn-CN" and "办实事热线" in say.text
    assert dial.tag == "Dial"
    assert dial.get("timeout") == "17"
    assert dial.get("action") == "http://testserver/twilio/voice/dial-status/"
    assert [(target.tag, target.text) for target in dial] == [("Client", "operator"), ("Number", "+8613900000009")]
    assert root.find("Gather") is None and root.find("Record") is None  # no menu, no voicemail first

    call = Call.objects.get()
    assert (call.provider, call.external_id, call.direction) == ("twilio", "CA1234567890abcdef", "in")
    assert call.phone == resident.phone and call.resident == resident
    assert call.status == "ringing" and call.started_at == monday


def test_a_caller_from_a_chinese_number_written_nationally_is_normalised(monday, twilio_post, voice_payload):
    twilio_post("/twilio/voice/", voice_payload("pstn", From="13800138000", Caller="13800138000"))
    call = Call.objects.get()
    assert call.phone == "+8613800138000"
    assert call.resident is None  # an unknown caller gets a resident only when a ticket is made
    assert not Resident.objects.exists()


@pytest.mark.parametrize(
    "name, overrides, stored",
    [
        ("pstn", {}, ""),  # +1 555 numbers are not valid numbers
        ("pstn", {"From": "anonymous", "Caller": "anonymous"}, ""),
        ("pstn", {"From": "+266696687", "Caller": "+266696687"}, ""),  # Twilio's "withheld" number
        ("client", {}, "client:joey_ramone"),
        ("client_anonymous", {}, "client:Anonymous"),
        ("sip", {}, "sip:EXTENSION"),
    ],
)
def test_callers_that_are_not_phone_numbers_are_put_through_too(monday, twilio_post, voice_payload, name, overrides, stored):
    params = voice_payload(name, **overrides)
    response = twilio_post("/twilio/voice/", params)
    assert response.status_code == 200
    assert ET.fromstring(response.content).find("Dial") is not None
    call = Call.objects.get()
    assert call.external_id == params["CallSid"] and call.phone == stored and call.resident is None
    assert not Resident.objects.exists()
