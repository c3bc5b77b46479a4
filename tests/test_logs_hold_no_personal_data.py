"""No full phone number and no SMS text in the application's logs (issue 10, docs/privacy.md).

A whole lifecycle runs with every log record captured at DEBUG (caplog on the root logger; loggers the
app sets quieter on purpose, such as the twilio HTTP client's, stay as configured) and stdout/stderr
captured too: an SMS in through the Twilio webhook, dispatch (SMS to the unit), sign, reply, review
(survey SMS out), the rating by SMS; once through the console gateway and once through Twilio (the fake
server), with a status callback and a delivery Twilio refuses. Neither the resident's nor the staff's
numbers, in any form, nor any SMS text appear. The records are scanned raw, before the masking filter
(hotline/logging.py), which is the safety net tested at the end.
"""

import io
import logging
import re

import pytest
from django.conf import settings as django_settings

from hotline import workflow
from hotline.logging import MaskPhonesFilter, mask_phones
from hotline.models import Message, Ticket
from hotline.models.choices import ContactMethod, Outcome
from tests.conftest import twilio_params, twilio_signature

pytestmark = pytest.mark.django_db

RESIDENT = "+8613800138000"
BASE = "https://hotline.example.cn"  # TWILIO_PUBLIC_BASE_URL in the fake_twilio fixture
WORDS = ("石门村口路灯坏了三天", "夜里走路摔了一跤", "路灯已经全部修好")


def forms(e164):
    """The ways a number shows up in text: E.164, national, spaced, dashed, URL-encoded, 0086."""
    e164 = str(e164)
    national = e164.removeprefix("+86")
    return {
        e164, e164[1:], national, f"{national[:3]} {national[3:7]} {national[7:]}",
        f"{national[:3]}-{national[3:7]}-{national[7:]}", "%2B" + e164[1:], "0086" + national,
    }


def lifecycle(people, units, post_sms, capture):
    """One ticket from an inbound SMS to the resident's rating by SMS."""
    with capture(execute=True):
        post_sms(f"{WORDS[0]}，{WORDS[1]}")
    ticket = Ticket.objects.latest("created_at")
    with capture(execute=True):
        ticket = workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    with capture(execute=True):
        ticket = workflow.sign(ticket=ticket, by=people["liaison"])
    with capture(execute=True):
        workflow.reply(
            ticket=ticket, by=people["liaison"], text=WORDS[2], outcome=Outcome.RESOLVED,
            contact_method=ContactMethod.PHONE, contacted_at=ticket.signed_at,
        )
    ticket.refresh_from_db()
    with capture(execute=True):
        workflow.review(ticket=ticket, by=people["operator"], accept=True)  # the reply summary and the survey SMS
    with capture(execute=True):
        post_sms("1")  # 满意
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.satisfaction == "satisfied"
    return ticket


def assert_clean(text, people):
    numbers = set().union(forms(RESIDENT), *(forms(p.staff.phone) for p in people.values() if p.staff_phone))
    leaked = sorted(n for n in numbers if n in text)
    assert not leaked, f"phone numbers in the logs: {leaked}"
    bodies = set(Message.objects.exclude(body="").values_list("body", flat=True)) | set(WORDS)
    for body in bodies:
        # the rating "1" and other one-character texts say nothing; every longer text must not appear
        if len(body) >= 4:
            assert body not in text, f"an SMS text in the logs: {body!r}"
    for word in WORDS:
        assert word not in text


@pytest.fixture
def everything(caplog, capsys):
    caplog.set_level(logging.DEBUG)

    def collected():
        out = capsys.readouterr()
        records = "\n".join(
            f"{r.name} {r.getMessage()} {logging.Formatter().formatException(r.exc_info) if r.exc_info else ''}"
            for r in caplog.records
        )
        return records + "\n" + out.out + "\n" + out.err, caplog.records

    return collected


@pytest.fixture
def staff(people):
    for person in people.values():
        person.staff_phone = getattr(getattr(person, "staff", None), "phone", "")
    return people


def test_a_lifecycle_through_the_console_gateway_logs_no_number_and_no_text(
    staff, units, sms, settings, everything, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "console"
    ticket = lifecycle(staff, units, lambda body: sms.send(body, phone=RESIDENT), django_capture_on_commit_callbacks)

    text, records = everything()
    assert "[SMS" in text and "138****8000" in text  # the console gateway did print, masked, without the text
    assert Message.objects.filter(ticket=ticket, direction="out", provider="console").count() >= 4
    assert_clean(text, staff)


def test_a_lifecycle_through_twilio_with_a_failed_sms_logs_no_number_and_no_text(
    staff, units, sms, client, fake_twilio, everything, django_capture_on_commit_callbacks
):
    def post_sms(body):
        params = twilio_params(body=body, phone=RESIDENT)
        response = sms.post(params, url=f"{BASE}/twilio/sms/")
        assert response.status_code == 200

    # the liaison's notice of the new ticket is refused by Twilio; its error text quotes the number
    fake_twilio.fail_next(
        status=400, code=21211, method="POST", resource="Messages",
        message=f"The 'To' number {staff['liaison'].staff.phone} is not a valid phone number.",
    )
    ticket = lifecycle(staff, units, post_sms, django_capture_on_commit_callbacks)
    failed = Message.objects.get(ticket=ticket, status="failed")
    assert failed.error_code == "21211"

    # a status callback for the survey SMS, as Twilio sends it
    survey = Message.objects.get(ticket=ticket, template="survey")
    url = f"{BASE}/twilio/status/?m={survey.pk}"
    params = {
        "MessageSid": survey.external_id, "MessageStatus": "delivered", "To": RESIDENT, "From": "+15005550006",
        "AccountSid": django_settings.TWILIO_ACCOUNT_SID,
    }
    response = client.post(
        f"/twilio/status/?m={survey.pk}", params, HTTP_X_TWILIO_SIGNATURE=twilio_signature(url, params)
    )
    assert response.status_code == 204

    text, records = everything()
    assert any("attempt 1 failed" in r.getMessage() for r in records)  # the failure is logged, without the number
    assert len(fake_twilio.messages) >= 3  # dispatched, reply summary, survey (the acknowledgement is TwiML)
    assert_clean(text, staff)


# --- the safety net ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, masked", [
    ("+8613800138000", "138****8000"),
    ("13800138000", "138****8000"),
    ("138 0013 8000", "138****8000"),
    ("138-0013-8000", "138****8000"),
    ("0086 138 0013 8000", "138****8000"),
    ("%2B8613800138000", "138****8000"),
    ("工单号回电13800138000谢谢", "工单号回电138****8000谢谢"),
    ("+13177592786", "131****2786"),
    ("0871-6512 3456", "08******3456"),
])
def test_the_filter_masks_every_common_form(raw, masked):
    assert mask_phones(raw) == masked


@pytest.mark.parametrize("kept", [
    "ticket 2026001 sent", "SM13800138000aaaaaaaaaaaaaaaaaaaaa", "Task id=8mc1L5gIoUNSVHSeFhwfjaI6zXLR9fmr",
    "2026-11-27 03:16:22", "attempt 1764212839000", "message 12345678901234",
])
def test_the_filter_leaves_ids_dates_and_sids_alone(kept):
    assert mask_phones(kept) == kept


def test_the_root_handler_masks_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPhonesFilter())
    logger = logging.getLogger("tests.privacy.safety_net")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("GET /residents/lookup/?phone=%s", "13800138000")
        try:
            raise ValueError("duplicate key (phone)=(+8613800138000)")
        except ValueError:
            logger.exception("could not save")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "138****8000" in written and "ValueError" in written
    assert not re.search(r"13800138000", written)


def test_the_settings_put_the_filter_on_the_root_handler():
    config = django_settings.LOGGING
    handlers = config["root"]["handlers"]
    assert handlers and all("mask_phones" in config["handlers"][h].get("filters", []) for h in handlers)
    assert config["filters"]["mask_phones"]["()"] == "hotline.logging.MaskPhonesFilter"
