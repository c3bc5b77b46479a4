"""The TwiML reply to an inbound SMS is an outbound Message row like any other: traceable to delivered or
failed through Twilio's status callbacks (the <Message action> names the row's callback URL), subject to
the landline rule (no SMS: the operators' callback list), and a failure while acting on the SMS is
logged without the exception's text (it may quote phone numbers)."""

import logging
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from twilio.request_validator import RequestValidator

from hotline.intake import commands
from hotline.models import Message, Ticket
from tests.conftest import twilio_params, twiml_reply

pytestmark = pytest.mark.django_db

BASE = "https://hotline.example.cn"
LANDLINE = "+861062345678"  # a Beijing fixed line


def reply_row():
    return Message.objects.get(direction="out", in_reply_to__isnull=False)


def twiml_message(response):
    [message] = ET.fromstring(response.content).findall("Message")
    return message


def status_callback(client, settings, url, **params):
    """Post a delivery report to `url` as Twilio does: form-encoded, signed over the full public URL."""
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    return client.post(
        url.removeprefix(BASE), data=urlencode(params), content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


@pytest.fixture
def public(settings):
    settings.TWILIO_PUBLIC_BASE_URL = BASE
    return BASE


def send_public(sms, body, **kwargs):
    """An inbound SMS signed over the public URL (as Twilio signs it once TWILIO_PUBLIC_BASE_URL is set)."""
    return sms.post(twilio_params(body=body, **kwargs), url=f"{BASE}/twilio/sms/")


def test_the_twiml_reply_names_the_reply_rows_status_callback(sms, public):
    response = send_public(sms, "村口路灯坏了", phone="+8613800138000")
    assert response.status_code == 200

    reply = reply_row()
    message = twiml_message(response)
    assert message.text == reply.body
    assert message.attrib == {"action": f"{BASE}/twilio/status/?m={reply.pk}", "method": "POST"}


def test_a_status_callback_to_that_url_moves_the_reply_to_delivered(client, sms, public, settings):
    response = send_public(sms, "村口路灯坏了", phone="+8613800138000")
    url = twiml_message(response).attrib["action"]
    reply = reply_row()
    assert (reply.status, reply.external_id) == ("sent", None)

    sid = "SM" + "7" * 32
    report = {
        "MessageSid": sid, "SmsSid": sid, "AccountSid": settings.TWILIO_ACCOUNT_SID, "From": "+13177933221",
        "To": "+8613800138000", "ApiVersion": "2010-04-01",
    }
    assert status_callback(client, settings, url, **report, MessageStatus="sent", SmsStatus="sent").status_code == 204
    reply.refresh_from_db()
    assert (reply.status, reply.provider, reply.external_id) == ("sent", "twilio", sid)

    assert status_callback(
        client, settings, url, **report, MessageStatus="delivered", SmsStatus="delivered"
    ).status_code == 204
    reply.refresh_from_db()
    assert (reply.status, reply.external_id) == ("delivered", sid)
    assert reply.status_updated_at is not None


def test_a_failed_reply_is_recorded_with_its_error_code(client, sms, public, settings):
    response = send_public(sms, "村口路灯坏了", phone="+8613800138000")
    url = twiml_message(response).attrib["action"]
    sid = "SM" + "8" * 32
    status_callback(client, settings, url, MessageSid=sid, MessageStatus="undelivered", ErrorCode="30003")
    reply = reply_row()
    assert (reply.status, reply.error_code, reply.external_id) == ("undelivered", "30003", sid)


def test_a_repeated_delivery_answers_with_the_same_action(sms, public):
    sid = "SM" + "9" * 32
    first = send_public(sms, "村口路灯坏了", phone="+8613800138000", sid=sid)
    again = send_public(sms, "村口路灯坏了", phone="+8613800138000", sid=sid)
    assert first.content == again.content
    assert twiml_message(again).attrib["action"].endswith(f"?m={reply_row().pk}")


# --- landlines: no SMS, the operators call back ------------------------------------------------


def test_an_sms_from_a_landline_is_answered_by_the_callback_list_not_by_sms(sms, outbox):
    response, reply = sms.send("村口路灯坏了", phone=LANDLINE)

    assert reply is None
    assert response.content.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    ticket = Ticket.objects.get()
    row = reply_row()
    assert (row.status, row.ticket, row.template, row.phone) == ("callback", ticket, "received", LANDLINE)
    assert (row.sent_at, row.next_attempt_at, row.external_id) == (None, None, None)
    assert outbox == []


def test_a_repeated_delivery_from_a_landline_still_gets_no_sms(sms, public):
    sid = "SM" + "6" * 32
    send_public(sms, "村口路灯坏了", phone=LANDLINE, sid=sid)
    again = send_public(sms, "村口路灯坏了", phone=LANDLINE, sid=sid)
    assert twiml_reply(again) is None
    assert reply_row().status == "callback"


# --- a failure while acting on the SMS ---------------------------------------------------------


def test_a_failure_is_logged_by_class_and_message_id_without_its_text(sms, monkeypatch, caplog):
    def fail(inbound, **kwargs):
        raise ValidationError(f"号码 {inbound.phone} 无效")

    monkeypatch.setattr(commands, "handle", fail)
    caplog.set_level(logging.INFO)

    _, reply = sms.send("村口路灯坏了", phone="+8613800138000")

    assert reply is not None  # the fallback answer still goes back
    inbound = Message.objects.get(direction="in")
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert error.name == "hotline.intake.sms" and error.exc_info is None
    assert str(inbound.pk) in error.getMessage()
    assert "django.core.exceptions.ValidationError" in error.getMessage()
    assert "13800138000" not in caplog.text
    assert not any(r.exc_info for r in caplog.records)


def test_the_traceback_is_logged_only_at_debug(sms, monkeypatch, caplog):
    def fail(inbound, **kwargs):
        raise ValidationError(f"号码 {inbound.phone} 无效")

    monkeypatch.setattr(commands, "handle", fail)
    caplog.set_level(logging.DEBUG, logger="hotline.intake.sms")

    sms.send("村口路灯坏了", phone="+8613800138000")

    [traced] = [r for r in caplog.records if r.exc_info]
    assert traced.levelno == logging.DEBUG and traced.exc_info[0] is ValidationError
