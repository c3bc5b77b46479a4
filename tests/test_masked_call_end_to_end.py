"""A masked call end to end, against the fake Twilio REST server with the real twilio client.

The liaison of a confidential ticket asks the hotline to call them; Twilio calls the liaison
from the hotline number, then fetches the masked TwiML, which dials the resident with the
hotline number as caller ID. Neither side sees the other's number. The call then serves as
the reply's "resident contacted".
"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from hotline import workflow
from hotline.intake.masked_calls import CallFailed, start_masked_call
from hotline.models import Call, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

BASE = "https://hotline.example.cn"  # TWILIO_PUBLIC_BASE_URL in the fake_twilio fixture
LIAISON_PHONE = "+8613900000002"


def _liaison_leg(voice_payload, settings, sid, **extra):
    """What Twilio posts about the outbound call to the liaison (a real voice body's parameters)."""
    hotline = settings.TWILIO_FROM_NUMBER
    return voice_payload(
        "pstn", CallSid=sid, CallStatus="in-progress", Direction="outbound-api",
        From=hotline, Caller=hotline, To=LIAISON_PHONE, Called=LIAISON_PHONE,
        FromCountry="US", ToCountry="CN", CalledCountry="CN", CallerCountry="US", **extra,
    )


def test_a_masked_call_bridges_the_liaison_and_the_resident(
    monday, time_machine, people, resident, make_ticket, fake_twilio, twilio_post, voice_payload, settings
):
    ticket = make_ticket("in_progress", confidential=True)
    liaison = people["liaison"]
    tickets_before = Ticket.objects.count()

    call = start_masked_call(ticket=ticket, by=liaison)

    # 1. Twilio was asked to call the liaison, from the hotline number
    assert len(fake_twilio.calls) == 1
    request = fake_twilio.calls[0]
    assert request["To"] == LIAISON_PHONE and request["From"] == settings.TWILIO_FROM_NUMBER
    assert request["Url"] == f"{BASE}/twilio/voice/masked/?call={call.pk}"
    assert request["StatusCallback"] == f"{BASE}/twilio/voice/call-status/"
    assert resident.phone not in str(request) and resident.phone[3:] not in str(request)
    call.refresh_from_db()
    assert call.external_id in fake_twilio.call_resources  # the SID Twilio returned
    assert (call.direction, call.provider, call.ticket, call.resident, call.requested_by) == (
        "bridged", "twilio", ticket, resident, liaison,
    )
    assert call.started_at == monday

    # 2. the liaison answers; Twilio fetches the TwiML: a notice, then the resident is dialled
    leg = _liaison_leg(voice_payload, settings, call.external_id)
    twilio_post("/twilio/voice/call-status/", {**leg, "CallStatus": "in-progress"})
    response = twilio_post(f"/twilio/voice/masked/?call={call.pk}", leg)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    say, dial = list(root)
    assert say.tag == "Say" and say.get("language") == "cmn-CN"
    assert dial.get("callerId") == settings.TWILIO_FROM_NUMBER
    assert dial.get("record") == "record-from-answer-dual"
    assert dial.get("recordingStatusCallback") == f"{BASE}/twilio/recording/"
    assert [(n.tag, n.text) for n in dial] == [("Number", resident.phone)]  # from the Call row, server side

    # 3. the resident answers and they talk; Twilio reports the dial, the end and the recording
    time_machine.move_to(monday + dt.timedelta(minutes=3), tick=False)
    hangup = twilio_post(
        "/twilio/voice/dial-status/",
        {**leg, "DialCallStatus": "completed", "DialCallDuration": "120", "DialCallSid": "CA" + "d" * 32},
    )
    assert [el.tag for el in ET.fromstring(hangup.content)] == ["Hangup"]
    twilio_post("/twilio/voice/call-status/", {**leg, "CallStatus": "completed", "CallDuration": "150"})
    twilio_post(
        "/twilio/recording/",
        voice_payload("recording", CallSid=call.external_id, RecordingSource="DialVerb", RecordingChannels="2",
                      RecordingDuration="120"),
    )
    call.refresh_from_db()
    assert call.status == "answered"  # the resident was reached (the dial's outcome, kept at the end)
    assert call.duration_seconds == 150 and call.ended_at is not None
    assert call.answered_at == monday  # the liaison picked up
    assert call.recording_seconds == 120
    assert Ticket.objects.count() == tickets_before  # a bridged call's recording is no voicemail

    # 4. on the timeline, without any number
    note = TicketEvent.objects.get(ticket=ticket, action="note")
    assert note.actor == liaison and not note.public and "中转通话" in note.note
    assert resident.phone[-4:] not in note.note and LIAISON_PHONE[-4:] not in note.note

    # 5. the call is the reply's "resident contacted"
    time_machine.move_to(monday + dt.timedelta(minutes=10), tick=False)
    answer = workflow.reply(
        ticket=ticket, by=liaison, text="已通过热线联系群众并修复路灯", outcome="resolved",
        contact_method="masked_call", contacted_at=None, call=call,
    )
    assert answer.call == call and answer.contacted_at == call.started_at == monday
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"

    # the liaison never got the resident's number: no SMS to them carries it
    to_liaison = Message.objects.filter(phone=LIAISON_PHONE)
    assert not [m for m in to_liaison if resident.phone[3:] in m.body]
    assert not [m for m in fake_twilio.messages if m["To"] == LIAISON_PHONE and resident.phone[3:] in m["Body"]]


def test_a_handed_member_with_a_phone_may_call(people, resident, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress", kind="report")
    member = people["member"]
    member.staff.phone = "+8613900000005"
    member.staff.save()
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=member)

    call = start_masked_call(ticket=ticket, by=member)

    assert fake_twilio.calls[0]["To"] == "+8613900000005"
    assert call.requested_by == member and call.ticket == ticket


def test_twilio_refusing_the_call_is_reported_and_recorded(people, make_ticket, fake_twilio):
    ticket = make_ticket("in_progress", confidential=True)
    fake_twilio.fail_next(status=400, code=21211, resource="Calls", method="POST")

    with pytest.raises(CallFailed):
        start_masked_call(ticket=ticket, by=people["liaison"])

    call = Call.objects.get()
    assert call.status == "failed" and call.ended_at is not None
    assert not TicketEvent.objects.filter(ticket=ticket, action="note").exists()


def test_the_masked_twiml_only_serves_its_own_call(
    people, resident, make_ticket, fake_twilio, twilio_post, voice_payload, settings
):
    ticket = make_ticket("in_progress", confidential=True)
    call = start_masked_call(ticket=ticket, by=people["liaison"])

    # a signed request for this call id but another call's SID gets no Dial
    other = twilio_post(f"/twilio/voice/masked/?call={call.pk}", _liaison_leg(voice_payload, settings, "CA" + "0" * 32))
    root = ET.fromstring(other.content)
    assert root.find("Dial") is None and root.find("Hangup") is not None
    assert resident.phone not in other.content.decode()
    # nor does an unknown call id
    unknown = twilio_post(f"/twilio/voice/masked/?call={call.pk + 1000}", _liaison_leg(voice_payload, settings, call.external_id))
    assert ET.fromstring(unknown.content).find("Dial") is None


def test_twiml_asked_before_the_sid_was_stored_is_served_and_stores_it(
    people, resident, make_ticket, fake_twilio, twilio_post, voice_payload, settings
):
    ticket = make_ticket("in_progress", confidential=True)
    call = start_masked_call(ticket=ticket, by=people["liaison"])
    sid = call.external_id
    Call.objects.filter(pk=call.pk).update(external_id="pending:0123")  # as if Twilio had been faster than us

    response = twilio_post(f"/twilio/voice/masked/?call={call.pk}", _liaison_leg(voice_payload, settings, sid))

    assert [(n.tag, n.text) for n in ET.fromstring(response.content).find("Dial")] == [("Number", resident.phone)]
    assert Call.objects.get(pk=call.pk).external_id == sid
