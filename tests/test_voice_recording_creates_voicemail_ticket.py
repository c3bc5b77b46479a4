"""A caller's voicemail (recording status callback) becomes a ticket of channel voicemail, once."""

import pytest

from hotline.models import Call, Message, Resident, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def unanswered_call(twilio_post, voice_payload):
    """A call whose CallSid is the one in the real recording callback, left unanswered."""

    def make(**caller):
        params = voice_payload("pstn", CallSid=voice_payload("recording")["CallSid"], **caller)
        twilio_post("/twilio/voice/", params)
        twilio_post("/twilio/voice/dial-status/", {**params, "DialCallStatus": "no-answer", "CallStatus": "in-progress"})
        return Call.objects.get(external_id=params["CallSid"])

    return make


def test_a_voicemail_becomes_a_ticket_with_the_acknowledgement(monday, twilio_post, voice_payload, unanswered_call):
    call = unanswered_call(From="+8613800138000", Caller="+8613800138000")
    params = voice_payload("recording")

    response = twilio_post("/twilio/recording/", params)

    assert response.status_code == 204
    call.refresh_from_db()
    assert call.recording_sid == params["RecordingSid"]
    assert call.recording_url == params["RecordingUrl"] and call.recording_seconds == 3
    ticket = Ticket.objects.get()
    assert call.ticket == ticket
    assert (ticket.channel, ticket.kind, ticket.status) == ("voicemail", "help", "new")
    assert ticket.title.startswith("语音留言（") and "8000" not in ticket.title
    assert "3秒" in ticket.description
    assert ticket.resident.phone == "+8613800138000" and call.resident == ticket.resident
    assert ticket.created_by.username == "hotline-system"
    ack = Message.objects.get(ticket=ticket)
    assert (ack.template, ack.phone, ack.direction) == ("received", "+8613800138000", "out")
    assert ticket.number in ack.body


def test_a_known_caller_keeps_their_resident(monday, twilio_post, voice_payload, unanswered_call, resident):
    unanswered_call(From=resident.phone, Caller=resident.phone)
    twilio_post("/twilio/recording/", voice_payload("recording"))
    assert Ticket.objects.get().resident == resident
    assert Resident.objects.count() == 1


def test_a_retried_callback_makes_no_second_ticket(monday, twilio_post, voice_payload, unanswered_call):
    unanswered_call(From="+8613800138000")
    params = voice_payload("recording")
    twilio_post("/twilio/recording/", params)
    twilio_post("/twilio/recording/", params)
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(template="received").count() == 1


def test_a_landline_caller_gets_a_ticket_but_no_sms(monday, twilio_post, voice_payload, unanswered_call):
    unanswered_call(From="+8687165123456", Caller="+8687165123456")  # Kunming landline 0871-6512 3456
    twilio_post("/twilio/recording/", voice_payload("recording"))
    ticket = Ticket.objects.get()
    assert ticket.resident.phone == "+8687165123456"
    assert not Message.objects.exists()


def test_a_caller_without_a_number_still_leaves_a_ticket(monday, twilio_post, voice_payload, unanswered_call):
    unanswered_call(From="anonymous", Caller="anonymous")
    twilio_post("/twilio/recording/", voice_payload("recording"))
    ticket = Ticket.objects.get()
    assert ticket.resident is None and ticket.title.startswith("语音留言（")
    assert not Message.objects.exists() and not Resident.objects.exists()


@pytest.mark.parametrize("change", [{"RecordingStatus": "failed", "ErrorCode": "13617"}, {"RecordingDuration": "0"}])
def test_a_failed_or_empty_recording_makes_no_ticket(monday, twilio_post, voice_payload, unanswered_call, change):
    call = unanswered_call(From="+8613800138000")
    assert twilio_post("/twilio/recording/", voice_payload("recording", **change)).status_code == 204
    call.refresh_from_db()
    assert not Ticket.objects.exists() and call.ticket is None and call.recording_sid == ""


def test_a_recording_for_a_call_we_never_saw_is_kept(monday, twilio_post, voice_payload):
    params = voice_payload("recording_api")
    twilio_post("/twilio/recording/", params)
    call = Call.objects.get(external_id=params["CallSid"])
    assert call.direction == "in" and call.recording_seconds == 11 and call.ticket is not None


def test_an_answered_call_makes_no_voicemail_ticket(monday, twilio_post, voice_payload):
    params = voice_payload("pstn", CallSid=voice_payload("recording")["CallSid"], From="+8613800138000")
    twilio_post("/twilio/voice/", params)
    twilio_post("/twilio/voice/dial-status/", {**params, "DialCallStatus": "completed", "DialCallDuration": "30"})
    twilio_post("/twilio/recording/", voice_payload("recording"))
    assert not Ticket.objects.exists()
    assert Call.objects.get().recording_seconds == 3
