"""The call's status callbacks: final status, end time and duration; who answered; idempotent."""

import datetime as dt

import pytest

from hotline import roles
from hotline.models import Call

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _final(params, status="completed", duration="95"):
    return {**params, "CallStatus": status, "CallDuration": duration, "Duration": "2", "Timestamp": "Mon, 02 Mar 2026 02:05:00 +0000",
            "CallbackSource": "call-progress-events", "SequenceNumber": "0"}


def test_the_final_status_ends_the_call(monday, time_machine, twilio_post, voice_payload):
    params = voice_payload("pstn", From="+8613800138000")
    twilio_post("/twilio/voice/", params)
    end = monday + dt.timedelta(minutes=5)
    time_machine.move_to(end, tick=False)

    response = twilio_post("/twilio/voice/call-status/", _final(params))

    assert response.status_code == 204
    call = Call.objects.get()
    assert (call.status, call.ended_at, call.duration_seconds) == ("completed", end, 95)


def test_a_retried_or_late_callback_changes_nothing(monday, time_machine, twilio_post, voice_payload):
    params = voice_payload("pstn")
    twilio_post("/twilio/voice/", params)
    twilio_post("/twilio/voice/call-status/", _final(params, status="no-answer", duration="0"))
    ended = Call.objects.get().ended_at

    time_machine.move_to(monday + dt.timedelta(minutes=3), tick=False)
    twilio_post("/twilio/voice/call-status/", _final(params, status="no-answer", duration="0"))
    twilio_post("/twilio/voice/call-status/", {**params, "CallStatus": "ringing"})

    call = Call.objects.get()
    assert (call.status, call.ended_at, call.duration_seconds) == ("no-answer", ended, 0)


def test_a_callback_for_an_unknown_call_stores_nothing(monday, twilio_post, voice_payload):
    assert twilio_post("/twilio/voice/call-status/", _final(voice_payload("pstn"))).status_code == 204
    assert not Call.objects.exists()


def test_the_operator_who_answered_is_recorded(monday, twilio_post, voice_payload, settings):
    settings.TWILIO_OPERATOR_TARGETS = ["client:wang", "+8613900000009"]
    wang = make_user("wang", roles.OPERATOR)
    li = make_user("li", roles.OPERATOR, phone="+8613900000009")
    params = voice_payload("pstn")
    twilio_post("/twilio/voice/", params)
    leg = {
        "AccountSid": params["AccountSid"], "ApiVersion": "2010-04-01", "CallSid": "CA000000000000000000000000000c11d",
        "ParentCallSid": params["CallSid"], "CallStatus": "in-progress", "Direction": "outbound-dial",
        "From": params["From"], "To": "client:wang", "Called": "client:wang", "Caller": params["Caller"],
        "CallbackSource": "call-progress-events", "SequenceNumber": "0", "Timestamp": "Mon, 02 Mar 2026 02:00:08 +0000",
    }

    twilio_post("/twilio/voice/call-status/", leg)
    twilio_post("/twilio/voice/call-status/", {**leg, "To": "+8613900000009", "Called": "+8613900000009"})

    call = Call.objects.get()
    assert call.answered_by == wang and call.answered_at == monday  # the first to answer
    assert Call.objects.count() == 1  # an operator's leg is not a call of its own
    Call.objects.update(answered_by=None)
    twilio_post("/twilio/voice/call-status/", {**leg, "To": "+8613900000009", "Called": "+8613900000009"})
    assert Call.objects.get().answered_by == li


def test_the_dial_outcome_is_kept_when_the_call_ends(monday, twilio_post, voice_payload):
    params = voice_payload("pstn")
    twilio_post("/twilio/voice/", params)
    twilio_post("/twilio/voice/dial-status/", {**params, "DialCallStatus": "no-answer"})
    twilio_post("/twilio/voice/call-status/", _final(params, duration="40"))
    call = Call.objects.get()
    assert (call.status, call.duration_seconds) == ("dial-no-answer", 40) and call.ended_at == monday
