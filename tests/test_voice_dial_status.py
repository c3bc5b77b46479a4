"""After the operators' phones rang: an answered call is recorded and ends; otherwise voicemail."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from hotline.models import Call

pytestmark = pytest.mark.django_db


def _dial_result(params, **dial):
    return {**params, "CallStatus": "in-progress", "DialCallSid": "CA00000000000000000000000000000d1a", **dial}


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed", "canceled"])
def test_when_no_operator_answers_the_caller_leaves_a_voicemail(monday, twilio_post, voice_payload, settings, outcome):
    settings.HOTLINE = {**settings.HOTLINE, "VOICE_MAX_RECORDING_SECONDS": 60}
    params = voice_payload("pstn", From="+8613800138000")
    twilio_post("/twilio/voice/", params)

    response = twilio_post("/twilio/voice/dial-status/", _dial_result(params, DialCallStatus=outcome))

    root = ET.fromstring(response.content)
    assert [el.tag for el in root] == ["Say", "Say", "Record", "Say", "Hangup"]
    record = root.find("Record")
    assert record.get("maxLength") == "60"
    assert record.get("recordingStatusCallback") == "http://testserver/twilio/recording/"
    assert record.get("action") == "http://testserver/twilio/voice/dial-status/?step=recorded"
    call = Call.objects.get()
    assert call.status == f"dial-{outcome}" and call.answered_at is None


def test_an_answered_call_is_recorded_and_hung_up(monday, time_machine, twilio_post, voice_payload):
    params = voice_payload("pstn", From="+8613800138000")
    twilio_post("/twilio/voice/", params)
    time_machine.move_to(monday + dt.timedelta(minutes=5), tick=False)

    response = twilio_post(
        "/twilio/voice/dial-status/", _dial_result(params, DialCallStatus="completed", DialCallDuration="240")
    )

    root = ET.fromstring(response.content)
    assert [el.tag for el in root] == ["Hangup"]
    call = Call.objects.get()
    assert call.status == "answered" and call.duration_seconds == 240
    assert call.answered_at == monday + dt.timedelta(minutes=1)  # 4 minutes talking before now

    # a retried action changes nothing
    time_machine.move_to(monday + dt.timedelta(minutes=6), tick=False)
    twilio_post("/twilio/voice/dial-status/", _dial_result(params, DialCallStatus="completed", DialCallDuration="240"))
    assert Call.objects.get().answered_at == monday + dt.timedelta(minutes=1)


def test_the_record_action_thanks_the_caller_and_hangs_up(monday, twilio_post, voice_payload):
    params = voice_payload("record_action")
    twilio_post("/twilio/voice/", voice_payload("pstn", CallSid=params["CallSid"]))

    response = twilio_post("/twilio/voice/dial-status/?step=recorded", params)

    root = ET.fromstring(response.content)
    assert [el.tag for el in root] == ["Say", "Hangup"]
    assert root.find("Say").get("language") == "cmn-CN"
    assert Call.objects.count() == 1
