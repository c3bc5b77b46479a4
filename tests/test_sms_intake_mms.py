"""MMS: MediaUrlN/MediaContentTypeN are recorded on the inbound Message, which is linked to the ticket
(new or appended) so the ticket page shows the pictures."""

import pytest

from hotline.models import Message, Ticket
from tests.conftest import TWILIO_INBOUND_MMS, twilio_params, twiml_reply

pytestmark = pytest.mark.django_db


def test_the_recorded_mms_keeps_its_media(sms):
    params = twilio_params(TWILIO_INBOUND_MMS, phone="+8613800138000")  # NumMedia=2, MediaUrl0/1, Body "Msg"
    reply = twiml_reply(sms.post(params))

    message = Message.objects.get(direction="in")
    assert message.media == [{"url": "cat.jpg", "content_type": ""}, {"url": "dog.jpg", "content_type": ""}]
    ticket = Ticket.objects.get()
    assert message.ticket == ticket and ticket.description == "Msg"
    assert list(ticket.messages.filter(direction="in")) == [message]
    assert ticket.number in reply


def test_media_urls_and_content_types(sms):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/MM1/Media/ME{}"
    params = twilio_params(
        TWILIO_INBOUND_MMS, body="水渠塌了，见照片", phone="+8613800138000", NumMedia="3",
        MediaUrl0=url.format(0), MediaContentType0="image/jpeg",
        MediaUrl1=url.format(1), MediaContentType1="image/png",
        MediaUrl2=url.format(2), MediaContentType2="video/3gpp",
        MediaUrl3=url.format(3), MediaContentType3="image/gif",  # beyond NumMedia: not Twilio's, ignored
    )
    sms.post(params)
    message = Message.objects.get(direction="in")
    assert message.media == [
        {"url": url.format(0), "content_type": "image/jpeg"},
        {"url": url.format(1), "content_type": "image/png"},
        {"url": url.format(2), "content_type": "video/3gpp"},
    ]
    assert message.ticket == Ticket.objects.get()


def test_a_picture_without_text_is_a_ticket_too(sms):
    params = twilio_params(
        TWILIO_INBOUND_MMS, body="", phone="+8613800138000", NumMedia="1",
        MediaUrl0="https://example.com/m/ME0", MediaContentType0="image/jpeg",
    )
    del params["MediaUrl1"]
    reply = twiml_reply(sms.post(params))
    ticket = Ticket.objects.get()
    assert ticket.title == "［彩信附件1个］" and ticket.description == ""
    assert Message.objects.get(direction="in").ticket == ticket
    assert ticket.number in reply


def test_a_picture_sent_after_the_text_is_added_to_the_ticket(sms):
    sms.send("村口路灯坏了")
    ticket = Ticket.objects.get()
    params = twilio_params(
        TWILIO_INBOUND_MMS, body="照片", phone="+8613800138000", NumMedia="1",
        MediaUrl0="https://example.com/m/ME0", MediaContentType0="image/jpeg",
    )
    del params["MediaUrl1"]
    reply = twiml_reply(sms.post(params))
    assert Ticket.objects.count() == 1
    assert ticket.events.get(action="append").note == "照片\n［彩信附件1个］"
    pictures = [m.media for m in ticket.messages.filter(direction="in").order_by("created_at", "pk")]
    assert pictures == [[], [{"url": "https://example.com/m/ME0", "content_type": "image/jpeg"}]]
    assert ticket.number in reply
