"""A workflow action's SMS goes out through the real twilio client to (a fake) Twilio, end to end."""

import pytest

from hotline import messaging, workflow
from hotline.models import Message, SmsTemplate

pytestmark = pytest.mark.django_db

BASE = "https://hotline.example.cn"


def test_the_acknowledgement_of_a_new_ticket_is_sent_through_twilio(
    fake_twilio, people, resident, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯不亮", resident=resident)

    message = Message.objects.get(ticket=ticket, template="received")
    assert fake_twilio.messages == [
        {
            "To": "+8613800138000",
            "From": settings.TWILIO_FROM_NUMBER,
            # a resident's first acknowledgement links the privacy notice (hotline.privacy, docs/privacy.md)
            "Body": f"已受理您的诉求，工单号{ticket.number}。回复“CX {ticket.number}”查询进度。隐私说明：{BASE}/public/privacy/",
            "StatusCallback": f"{BASE}/twilio/status/?m={message.pk}",
        }
    ]
    (sid,) = fake_twilio.message_resources
    assert sid.startswith("SM") and len(sid) == 34
    assert (message.status, message.provider, message.external_id) == ("sent", "twilio", sid)
    assert (message.attempts, message.error, message.error_code, message.lease_until) == (1, "", "", None)
    assert message.sent_at is not None and message.segments == 2  # with the privacy notice's link


def test_a_dispatch_tells_the_resident_and_the_unit_each_with_its_own_callback_url(
    fake_twilio, make_ticket, people, units, django_capture_on_commit_callbacks
):
    ticket = make_ticket("new")  # its acknowledgement is never sent: no commit callbacks ran

    with django_capture_on_commit_callbacks(execute=True):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])

    sent = {m.template: m for m in Message.objects.filter(ticket=ticket, template__in=["dispatched", "unit_new"])}
    assert sorted((p["To"], p["StatusCallback"]) for p in fake_twilio.messages) == sorted(
        [
            ("+8613800138000", f"{BASE}/twilio/status/?m={sent['dispatched'].pk}"),
            ("+8613900000002", f"{BASE}/twilio/status/?m={sent['unit_new'].pk}"),
        ]
    )
    by_body = {p["Body"]: p for p in fake_twilio.messages}
    for message in sent.values():
        assert message.body in by_body
        assert (message.status, message.provider) == ("sent", "twilio")
        assert fake_twilio.message_resources[message.external_id]["body"] == message.body
    assert Message.objects.get(ticket=ticket, template="received").status == "queued"


def test_the_segment_count_twilio_reports_is_recorded(fake_twilio, resident):
    # plain ASCII wording: our count says 2 segments of 70, Twilio packs it into one GSM-7 segment
    SmsTemplate.objects.update_or_create(code="closed", defaults={"text": "Ticket {number} is closed. " * 4})
    message = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026001"}, resident=resident)
    assert message.segments == 2

    assert messaging.deliver(message_id=message.pk) == "sent"

    message.refresh_from_db()
    assert fake_twilio.message_resources[message.external_id]["num_segments"] == "1"
    assert message.segments == 1


def test_a_long_chinese_text_records_the_segments_twilio_counted(fake_twilio, resident):
    message = messaging.queue_sms(
        phone=resident.phone, template="answered", params={"number": "2026001", "answer": "请携带身份证到镇便民服务中心办理。" * 8},
        resident=resident,
    )

    messaging.deliver(message_id=message.pk)

    message.refresh_from_db()
    assert len(message.body) > 134 and message.segments == 3
    assert fake_twilio.message_resources[message.external_id]["num_segments"] == "3"


def test_without_a_public_base_url_it_still_sends_without_a_callback(fake_twilio, resident, settings):
    settings.TWILIO_PUBLIC_BASE_URL = ""
    message = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026001"}, resident=resident)

    assert messaging.deliver(message_id=message.pk) == "sent"
    assert "StatusCallback" not in fake_twilio.messages[0]


def test_the_client_authenticates_with_the_account_credentials(fake_twilio, resident, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    message = messaging.queue_sms(phone=resident.phone, template="closed", params={"number": "2026001"}, resident=resident)

    assert messaging.deliver(message_id=message.pk) == "queued"  # 401: retried once the credentials are fixed

    message.refresh_from_db()
    assert message.error_code == "20003" and fake_twilio.messages == []
