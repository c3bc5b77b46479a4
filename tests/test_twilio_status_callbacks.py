"""Twilio's signed status callbacks move an outbound SMS forward: queued → sent → delivered, or failed.

The callbacks are the shapes Twilio really sends (/work/shared/twilio/webhook_payloads.json,
"sms_status_callback" entries), with their SIDs and numbers replaced by ours, posted to the
exact URL our message gave Twilio as StatusCallback and signed by the real twilio library.
"""

import threading
from urllib.parse import parse_qsl, urlencode

import pytest
from django.db import connection
from django.test import Client
from twilio.request_validator import RequestValidator

from hotline import messaging
from hotline.models import Message


BASE = "https://hotline.example.cn"

# sms_status_sent_courier_capture
SENT = (
    "MessageStatus=sent&ApiVersion=2010-04-01&SmsSid=SM7ac25b8b7f04410093ff54e1fd2b4256&SmsStatus=sent"
    "&To=%2B13177933221&From=%2B13177592786&MessageSid=SM7ac25b8b7f04410093ff54e1fd2b4256"
    "&AccountSid=AC7ef44158dbb01b972d64d7e5c851c8d7"
)
# sms_status_messaging_service_courier_test
SENT_BY_SERVICE = (
    "SmsStatus=sent&MessageStatus=sent&To=2021&MessagingServiceSid=MGdb23ec0f89ee2632e46e91d8128f5e2b"
    "&MessageSid=SM0b6e2697aae04182a9f5b5c7a8994c7f&AccountSid=acctid&From=%2B14133881111&ApiVersion=2010-04-01"
)
# sms_status_failed_stop_courier_test (ErrorCode 21610: the recipient unsubscribed)
FAILED_STOP = "ErrorCode=21610&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&MessageStatus=failed&To=%2B12028831111"


def report(raw, message, settings, status=None, **extra):
    """Twilio's callback `raw`, about our `message` (its SID, numbers, account), with `status` if given."""
    params = dict(parse_qsl(raw, keep_blank_values=True))
    for key, value in {
        "MessageSid": message.external_id, "SmsSid": message.external_id, "To": message.phone,
        "From": settings.TWILIO_FROM_NUMBER, "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "MessageStatus": status, "SmsStatus": status,
    }.items():
        if key in params and value is not None:
            params[key] = value
    params.update(extra)
    return params


def post(client, url, params, *, signature=None, token=None):
    from django.conf import settings

    if signature is None:
        signature = RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(
        url.removeprefix(BASE), data=urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )


@pytest.fixture
def sent(fake_twilio, resident):
    """An SMS delivered through (fake) Twilio, and the status-callback URL Twilio was given for it."""
    message = messaging.queue_sms(phone=resident.phone, template="received", params={"number": "2026001"}, resident=resident)
    assert message.status == "queued"
    messaging.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "sent"
    return message, fake_twilio.messages[-1]["StatusCallback"]


def snapshot(message):
    return Message.objects.filter(pk=message.pk).values(
        "status", "error_code", "status_updated_at", "external_id", "provider", "segments"
    ).get()


@pytest.mark.django_db
def test_reports_move_the_message_from_sent_to_delivered(client, sent, settings):
    message, url = sent
    assert url == f"{BASE}/twilio/status/?m={message.pk}"

    assert post(client, url, report(SENT, message, settings, status="queued")).status_code == 204
    assert snapshot(message)["status"] == "sent"  # Twilio's own queue: it has the message, nothing new
    assert post(client, url, report(SENT, message, settings)).status_code == 204
    assert snapshot(message)["status"] == "sent"

    assert post(client, url, report(SENT, message, settings, status="delivered")).status_code == 204

    after = snapshot(message)
    assert (after["status"], after["error_code"], after["external_id"]) == ("delivered", "", message.external_id)
    assert after["status_updated_at"] is not None


@pytest.mark.django_db
def test_a_late_report_never_moves_the_status_back(client, sent, settings):
    message, url = sent
    post(client, url, report(SENT, message, settings, status="delivered"))
    delivered = snapshot(message)

    for late in ("sent", "sending", "queued", "undelivered", "failed"):
        assert post(client, url, report(SENT, message, settings, status=late)).status_code == 204
        assert snapshot(message) == delivered


@pytest.mark.django_db
def test_a_failure_report_records_the_error_code(client, sent, settings):
    message, url = sent

    response = post(client, url, report(FAILED_STOP, message, settings, ErrorCode="30003"))

    assert response.status_code == 204
    after = snapshot(message)
    assert (after["status"], after["error_code"]) == ("failed", "30003")
    # failed is final: a delivered report arriving after it changes nothing
    post(client, url, report(SENT, message, settings, status="delivered"))
    assert snapshot(message) == after
    assert message.pk not in messaging.due_message_ids()


@pytest.mark.django_db
def test_the_real_unsubscribed_failure_report_is_recorded(client, sent, settings):
    message, url = sent

    assert post(client, url, report(FAILED_STOP, message, settings)).status_code == 204

    assert (snapshot(message)["status"], snapshot(message)["error_code"]) == ("failed", "21610")


@pytest.mark.django_db
def test_an_undelivered_report_is_final_with_its_code(client, sent, settings):
    message, url = sent

    post(client, url, report(SENT, message, settings, status="undelivered", ErrorCode="30005"))

    assert (snapshot(message)["status"], snapshot(message)["error_code"]) == ("undelivered", "30005")


@pytest.mark.django_db
def test_a_messaging_service_report_is_understood(client, sent, settings):
    message, url = sent

    post(client, url, report(SENT_BY_SERVICE, message, settings, status="delivered"))

    assert snapshot(message)["status"] == "delivered"


@pytest.mark.django_db
def test_a_repeated_report_changes_nothing(client, sent, settings):
    message, url = sent
    params = report(SENT, message, settings, status="delivered")
    post(client, url, params)
    first = snapshot(message)

    assert post(client, url, params).status_code == 204
    assert snapshot(message) == first


@pytest.mark.django_db
@pytest.mark.parametrize("signature", ["bad-signature", ""], ids=["invalid", "missing"])
def test_an_unsigned_or_badly_signed_report_is_refused_and_changes_nothing(client, sent, settings, signature):
    message, url = sent
    before = snapshot(message)

    response = post(client, url, report(SENT, message, settings, status="delivered"), signature=signature)

    assert response.status_code == 403
    assert snapshot(message) == before


@pytest.mark.django_db
def test_a_report_signed_with_another_token_or_for_another_url_is_refused(client, sent, settings):
    message, url = sent
    before = snapshot(message)
    params = report(SENT, message, settings, status="delivered")

    assert post(client, url, params, token="someone-elses-token").status_code == 403
    other = f"{BASE}/twilio/status/?m={message.pk + 1}"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(other, params)
    assert post(client, url, params, signature=signature).status_code == 403
    assert snapshot(message) == before


@pytest.mark.django_db
def test_a_report_about_an_unknown_message_is_acknowledged_and_ignored(client, sent, settings):
    message, url = sent
    before = snapshot(message)
    params = report(SENT, message, settings, status="delivered", MessageSid="SM" + "f" * 32, SmsSid="SM" + "f" * 32)

    assert post(client, f"{BASE}/twilio/status/", params).status_code == 204
    # our id in the URL, but another SID than the one the message has: not ours either
    assert post(client, url, params).status_code == 204
    assert snapshot(message) == before


@pytest.mark.django_db
def test_a_report_that_comes_before_the_sid_was_stored_finds_the_message_by_its_url(client, resident, settings):
    """The worker died after Twilio took the message: its callback still finds the row and settles it."""
    settings.TWILIO_PUBLIC_BASE_URL = BASE
    message = messaging.queue_sms(phone=resident.phone, template="received", params={"number": "2026001"}, resident=resident)
    Message.objects.filter(pk=message.pk).update(status="sending", attempts=1)  # claimed, then the worker died
    message.external_id = "SM" + "a" * 32

    post(client, f"{BASE}/twilio/status/?m={message.pk}", report(SENT, message, settings))

    after = snapshot(message)
    assert (after["status"], after["external_id"], after["provider"]) == ("sent", "SM" + "a" * 32, "twilio")
    assert message.pk not in messaging.due_message_ids()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_a_report_that_overtakes_twilios_answer_is_not_overwritten_by_the_worker(fake_twilio, resident, settings):
    """Twilio calls back (here: delivered) before the worker has its answer: the worker keeps that status."""
    message = messaging.queue_sms(phone=resident.phone, template="received", params={"number": "2026001"}, resident=resident)
    answers, errors = [], []

    def call_back_at_once(resource, form):
        try:
            during = Message.objects.get(pk=message.pk)
            assert (during.status, during.external_id) == ("sending", None)
            params = report(SENT, Message(external_id=resource["sid"], phone=resource["to"]), settings, status="delivered")
            answers.append(post(Client(), form["StatusCallback"], params))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    fake_twilio.on_message = call_back_at_once

    assert messaging.deliver(message_id=message.pk) == "delivered"

    assert not errors, errors
    assert [a.status_code for a in answers] == [204]
    after = snapshot(message)
    (sid,) = fake_twilio.message_resources
    assert (after["status"], after["external_id"], after["provider"]) == ("delivered", sid, "twilio")
    assert Message.objects.get(pk=message.pk).lease_until is None
