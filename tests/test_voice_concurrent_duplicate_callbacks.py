"""Twilio delivering the same call webhook or recording callback twice at once: one Call, one ticket.

Two threads, each on its own database connection (PostgreSQL in CI, the SQLite file locally),
post the same signed request at the same moment.
"""

import threading

import pytest
from django.test import Client

from hotline.models import Call, Message, Ticket
from tests.helpers import run_concurrently

pytestmark = pytest.mark.usefixtures("migration_data")


def _twice_at_once(twilio_post_with, path, params):
    barrier = threading.Barrier(2, timeout=30)
    statuses = []

    def run():
        post = twilio_post_with(Client())
        barrier.wait()
        statuses.append(post(path, params).status_code)

    errors = run_concurrently(run, run, barrier=barrier)
    assert not errors, errors
    return statuses


@pytest.fixture
def twilio_post_with(settings):
    from urllib.parse import urlencode

    from twilio.request_validator import RequestValidator

    def bind(client):
        def post(path, params):
            signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature("http://testserver" + path, params)
            return client.post(path, urlencode(params), content_type="application/x-www-form-urlencoded",
                               HTTP_X_TWILIO_SIGNATURE=signature)

        return post

    return bind


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_of_a_call_store_one_call(monday, twilio_post_with, voice_payload):
    statuses = _twice_at_once(twilio_post_with, "/twilio/voice/", voice_payload("pstn", From="+8613800138000"))
    assert statuses == [200, 200]
    assert Call.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_recording_callbacks_make_one_ticket(monday, twilio_post_with, voice_payload):
    recording = voice_payload("recording")
    post = twilio_post_with(Client())
    call = voice_payload("pstn", CallSid=recording["CallSid"], From="+8613800138000")
    post("/twilio/voice/", call)
    post("/twilio/voice/dial-status/", {**call, "DialCallStatus": "no-answer"})

    statuses = _twice_at_once(twilio_post_with, "/twilio/recording/", recording)

    assert statuses == [204, 204]
    assert Ticket.objects.count() == 1
    assert Call.objects.get().ticket == Ticket.objects.get()
    assert Message.objects.filter(template="received").count() == 1
