"""The SMS webhook accepts only requests signed by Twilio (signatures computed by the twilio library),
also behind a TLS-terminating proxy, with a query string, and in the HMAC-SHA256 (SharedKey) mode;
a rejected request stores nothing."""

import pytest

from hotline.models import Message, Ticket
from tests.conftest import SMS_URL, TWILIO_INBOUND_MMS, TWILIO_INBOUND_SMS, twilio_params, twilio_signature, twiml_reply

pytestmark = pytest.mark.django_db


def nothing_stored():
    return not Message.objects.exists() and not Ticket.objects.exists()


@pytest.mark.parametrize("raw", ["sms", "mms"])
def test_it_accepts_a_valid_signature(sms, raw):
    params = twilio_params(
        TWILIO_INBOUND_MMS if raw == "mms" else TWILIO_INBOUND_SMS, body="村口路灯坏了", phone="+8613800138000"
    )
    response = sms.post(params)

    assert response.status_code == 200
    assert "工单号" in twiml_reply(response)
    assert Message.objects.filter(direction="in", external_id=params["MessageSid"]).exists()


def test_it_rejects_an_invalid_signature(sms):
    params = twilio_params(body="村口路灯坏了", phone="+8613800138000")
    response = sms.post(params, signature=twilio_signature(SMS_URL, params, token="wrong"))
    assert response.status_code == 403
    assert nothing_stored()


def test_it_rejects_a_signature_over_other_parameters(sms):
    params = twilio_params(body="村口路灯坏了", phone="+8613800138000")
    signature = twilio_signature(SMS_URL, params)
    response = sms.post({**params, "Body": "改过的内容"}, signature=signature)
    assert response.status_code == 403
    assert nothing_stored()


def test_it_rejects_a_missing_signature(sms):
    response = sms.post(twilio_params(body="村口路灯坏了"), headers={"X-Twilio-Signature": None})
    assert response.status_code == 403
    assert nothing_stored()


def test_it_rejects_get(client):
    assert client.get("/twilio/sms/").status_code == 405


def test_behind_a_tls_proxy_it_trusts_x_forwarded_proto_when_configured(sms, settings):
    params = twilio_params(body="村口路灯坏了", phone="+8613800138000")
    signature = twilio_signature("https://testserver/twilio/sms/", params)  # Twilio requested https

    settings.TWILIO_TRUST_FORWARDED_PROTO = False
    response = sms.post(params, signature=signature, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 403
    assert nothing_stored()

    settings.TWILIO_TRUST_FORWARDED_PROTO = True
    response = sms.post(params, signature=signature, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_behind_a_proxy_it_checks_against_the_public_base_url(sms, settings):
    settings.TWILIO_PUBLIC_BASE_URL = "https://rexian.example.gov.cn/"
    params = twilio_params(body="村口路灯坏了", phone="+8613800138000")

    response = sms.post(params, signature=twilio_signature(SMS_URL, params))
    assert response.status_code == 403
    assert nothing_stored()

    response = sms.post(params, signature=twilio_signature("https://rexian.example.gov.cn/twilio/sms/", params))
    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_the_query_string_is_part_of_the_signed_url(sms):
    params = twilio_params(body="村口路灯坏了", phone="+8613800138000")
    url = "http://testserver/twilio/sms/?site=main&v=2"

    response = sms.post(params, url=url, signature=twilio_signature(SMS_URL, params))
    assert response.status_code == 403
    assert nothing_stored()

    response = sms.post(params, url=url)
    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_hmac_sha256_mode_with_the_shared_key(sms, settings):
    settings.TWILIO_WEBHOOK_SHARED_KEY = "shared-key-secret"
    params = twilio_params(body="村口路灯坏了", phone="+8613800138000")
    header = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_0001,algorithm=HMAC_SHA256"}

    # the legacy SHA-1 signature with the auth token is not accepted where the header names SHA-256
    response = sms.post(params, headers=header)
    assert response.status_code == 403
    wrong_key = twilio_signature(SMS_URL, params, algorithm="HMAC_SHA256")  # the auth token, not the shared key
    assert sms.post(params, headers=header, signature=wrong_key).status_code == 403
    assert nothing_stored()

    signature = twilio_signature(SMS_URL, params, token="shared-key-secret", algorithm="HMAC_SHA256")
    response = sms.post(params, headers=header, signature=signature)
    assert response.status_code == 200
    assert Ticket.objects.count() == 1
