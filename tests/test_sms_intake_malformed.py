"""Malformed or unexpected SMS get a clear answer and lose nothing: the inbound Message row is always
stored (empty, whitespace, 2,000 characters, emoji, NUL, unknown or someone else's ticket number, a
mistyped number, a sender that is not a phone number, missing or garbled Twilio parameters)."""

import pytest

from hotline import workflow
from hotline.models import Message, Resident, Ticket
from hotline.numbers import random_number
from tests.conftest import TWILIO_INBOUND_SMS, twilio_params, twiml_reply

pytestmark = pytest.mark.django_db

EMPTY_REPLY = "短信内容为空。请用文字描述您要反映的问题，我们会尽快受理。"
NOT_FOUND = "未查到该工单。请核对工单号，或直接发送您的问题。"


def inbound():
    return Message.objects.get(direction="in")


def reply_row():
    return Message.objects.get(direction="out", in_reply_to__isnull=False)


@pytest.mark.parametrize("body", ["", "   ", "\u3000\n\t "])
def test_an_empty_or_blank_message_asks_for_a_description(sms, body):
    _, reply = sms.send(body)
    assert reply == EMPTY_REPLY
    assert not Ticket.objects.exists()
    assert inbound().body == body and inbound().resident.phone == "+8613800138000"
    assert reply_row().in_reply_to == inbound()


def test_a_request_without_a_body_parameter(sms):
    params = twilio_params(TWILIO_INBOUND_SMS, phone="+8613800138000")
    del params["Body"]
    assert twiml_reply(sms.post(params)) == EMPTY_REPLY
    assert inbound().body == ""


def test_2000_characters_keep_the_full_text(sms):
    text = ("村里的灌溉水渠年久失修，" * 200)[:2000]
    response, reply = sms.send(text, NumSegments="30")
    ticket = Ticket.objects.get()
    assert ticket.description == text and len(ticket.description) == 2000
    assert ticket.title == text[:30] + "…"
    assert inbound().body == text and inbound().segments == 30
    assert ticket.number in reply


def test_emoji_are_kept_intact(sms):
    text = "🚧村口路灯坏了😡👍🏽👨‍👩‍👧 请尽快修🙏"
    _, reply = sms.send(text)
    ticket = Ticket.objects.get()
    assert ticket.description == text and ticket.title == text
    assert inbound().body == text
    assert ticket.number in reply


def test_a_nul_character_is_stored_as_a_replacement(sms):
    sms.send("路灯\x00坏了")
    assert inbound().body == "路灯\ufffd坏了"
    assert Ticket.objects.get().description == "路灯\ufffd坏了"


def test_garbled_counts_from_twilio(sms):
    _, reply = sms.send("路灯坏了", NumSegments="abc", NumMedia="-3", MediaUrl0="https://example.com/x.jpg")
    assert (inbound().segments, inbound().media) == (1, [])
    assert "已受理" in reply


def test_an_unknown_ticket_number(sms):
    number = random_number()
    while Ticket.objects.filter(number=number).exists():
        number = random_number()
    _, reply = sms.send(f"CX {number}")
    assert reply == NOT_FOUND
    assert inbound().ticket is None


def test_someone_elses_ticket_number_gets_the_same_answer_as_an_unknown_one(sms, make_ticket):
    ticket = make_ticket("in_progress")  # the resident +8613800138000's ticket
    _, reply = sms.send(f"CX {ticket.number}", phone="+8613912345678")
    assert reply == NOT_FOUND
    assert inbound().ticket is None
    assert ticket.number not in reply_row().body and reply_row().ticket is None


@pytest.mark.parametrize("typed", ["CX 1234568", "CX 12345", "查询 123456789"])
def test_a_mistyped_number_is_called_mistyped(sms, typed):
    _, reply = sms.send(typed)
    assert reply == "工单号有误，请核对后回复“CX 工单号”查询。"


@pytest.mark.parametrize("sender", ["10086", "client:joey_ramone", "abc", "", "+86123"])
def test_a_sender_that_is_not_a_phone_number(sms, sender):
    _, reply = sms.send("路灯坏了", phone=sender)
    assert reply == "无法识别您的号码，请用手机号发送短信，或拨打热线电话反映问题。"
    message = inbound()
    assert (message.phone, message.resident, message.ticket, message.body) == (sender, None, None, "路灯坏了")
    assert message.params["From"] == sender
    assert not Ticket.objects.exists() and not Resident.objects.exists()
    assert (reply_row().phone, reply_row().status) == (sender, "sent")


def test_a_national_format_sender_is_normalised(sms):
    sms.send("路灯坏了", phone="13800138000")
    assert inbound().phone == "+8613800138000"
    assert Ticket.objects.get().resident.phone == "+8613800138000"


def test_a_us_sender_from_the_recorded_payload_is_a_resident_too(sms):
    params = twilio_params(TWILIO_INBOUND_SMS)  # From +13177592786, Body "Hi there from Twilio"
    reply = twiml_reply(sms.post(params))
    ticket = Ticket.objects.get()
    assert (ticket.resident.phone, ticket.description) == ("+13177592786", "Hi there from Twilio")
    assert ticket.number in reply


def test_a_failure_while_acting_keeps_the_message_and_still_answers(sms, settings, people):
    # the system login cannot act (deactivated): the workflow refuses, the SMS is kept for the operators
    system = workflow.system_user()
    system.is_active = False
    system.save()
    _, reply = sms.send("路灯坏了")
    assert reply == "已收到您的短信，工作人员会尽快处理。"
    message = inbound()
    assert (message.body, message.ticket, message.resident) == ("路灯坏了", None, None)
    assert not Ticket.objects.exists() and not Resident.objects.exists()
