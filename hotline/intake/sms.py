"""Inbound SMS from Twilio: POST /twilio/sms/ (DESIGN.md §5 rules 3 and 4).

One transaction per delivery that starts by inserting the inbound Message,
unique by (provider, MessageSid). A retried or concurrently duplicated delivery
fails that INSERT (on PostgreSQL it waits on the unique index until the first
delivery commits; on SQLite the IMMEDIATE transaction waits for the write lock)
and answers with the reply the first one stored: one ticket, one
acknowledgement. The reply is an outbound Message row like any other, marked
sent because it goes back as the webhook's TwiML; nothing slow happens inline.
Its TwiML <Message> names the row's status-callback URL as its `action`, so
Twilio's delivery reports move the row on to delivered or failed, as for any
other SMS (hotline.intake.status).

The rules of messaging.queue_sms hold for replies too: a reply that queue_sms
put on the operators' callback list (a landline) or skipped keeps that status
and the webhook answers an empty <Response/>. So does Twilio's own STOP/START
handling, which answers the resident itself, and a flood from one number past its one
notice (hotline.intake.flood): that reply is stored as skipped, with the reason.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from twilio.twiml.messaging_response import MessagingResponse

from hotline import clock, messaging
from hotline.intake import commands
from hotline.intake.signatures import twilio_webhook
from hotline.messaging.twilio_gateway import TwilioGateway
from hotline.models import Message
from hotline.phones import normalize_phone

logger = logging.getLogger(__name__)

PROVIDER = "twilio"
NOT_SENT = (Message.Status.CALLBACK, Message.Status.SKIPPED)  # queue_sms decided: no SMS to this resident
MAX_MEDIA = 100  # Twilio sends at most 10; a bigger NumMedia is not worth looping over


@twilio_webhook
def inbound_sms(request):
    reply = receive(request.POST)
    response = MessagingResponse()
    if reply is not None and reply.body and reply.status not in NOT_SENT:
        action = TwilioGateway.status_callback_url(reply.pk)
        response.message(reply.body, **({"action": action, "method": "POST"} if action else {}))
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def receive(params):
    """Store one inbound SMS (once per MessageSid) and act on it; returns the reply Message."""
    sid = (params.get("MessageSid") or params.get("SmsSid") or "").strip()[:64] or None
    raw_from = params.get("From", "")
    phone, sender_valid = _sender(raw_from)
    body = params.get("Body", "").replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL
    try:
        with transaction.atomic():
            # the transaction's first statement, with no savepoint of its own (two round trips fewer): a
            # repeated delivery fails here and rolls back nothing but itself
            try:
                inbound = Message.objects.create(
                    provider=PROVIDER,
                    external_id=sid,
                    direction=Message.Direction.INBOUND,
                    status=Message.Status.RECEIVED,
                    phone=phone,
                    body=body,
                    segments=_segments(params, body),
                    media=_media(params),
                    params={key: value.replace("\x00", "\ufffd") for key, value in params.items()},
                    created_at=clock.now(),
                )
            except IntegrityError as exc:
                if sid is None:
                    raise
                raise _Repeated from exc
            try:
                with transaction.atomic():
                    answer = commands.handle(inbound, sender_valid=sender_valid)
            except Exception as exc:
                # keep the message (operators see it) and still answer. The log names the failure but not
                # its text, which may quote phone numbers (validation messages, PostgreSQL DETAIL lines);
                # the traceback only at DEBUG.
                logger.error(
                    "could not act on inbound SMS %s: %s.%s", inbound.pk, type(exc).__module__,
                    type(exc).__qualname__,
                )
                logger.debug("traceback of the failure on inbound SMS %s", inbound.pk, exc_info=True)
                inbound = Message.objects.get(pk=inbound.pk)  # drop what the rolled-back savepoint set
                answer = commands.Answer("sms_fallback")
            return _reply(inbound, answer)
    except _Repeated:
        return _earlier_reply(sid)


class _Repeated(Exception):
    """The MessageSid is stored already: a retried (or concurrently duplicated) delivery."""


def _sender(raw):
    """(phone to store, whether it is a number we can treat as a resident's)."""
    try:
        return normalize_phone(raw), True
    except ValidationError:
        return (raw or "").strip()[:20], False


def _segments(params, body):
    try:
        count = int(params.get("NumSegments", ""))
    except ValueError:
        count = 0
    return count if 0 < count <= 1000 else messaging.segment_count(body)


def _media(params):
    try:
        count = int(params.get("NumMedia") or 0)
    except ValueError:
        count = 0
    media = []
    for n in range(max(0, min(count, MAX_MEDIA))):
        url = (params.get(f"MediaUrl{n}") or "").strip()
        if url:
            media.append({"url": url, "content_type": (params.get(f"MediaContentType{n}") or "").strip()})
    return media


def _reply(inbound, answer):
    """The answer as an outbound Message row, sent through the TwiML response (never by the delivery task).

    None when there is nothing to answer (Twilio's STOP/START); a row that queue_sms put
    on the callback list or skipped stays so, and is not sent.
    """
    if not answer.template:
        return None
    reply = messaging.queue_sms(
        phone=inbound.phone, template=answer.template, params=answer.params, ticket=answer.ticket,
        resident=inbound.resident, in_reply_to=inbound,
    )
    if reply.status in NOT_SENT:
        return reply
    if answer.skip:  # a flood from this number (hotline.intake.flood): recorded, not sent
        reply.status, reply.error, reply.next_attempt_at = Message.Status.SKIPPED, answer.skip, None
        reply.save(update_fields=["status", "error", "next_attempt_at"])
        return reply
    reply.provider, reply.status, reply.sent_at = PROVIDER, Message.Status.SENT, clock.now()
    reply.next_attempt_at = None  # never picked up by the delivery task
    reply.save(update_fields=["provider", "status", "sent_at", "next_attempt_at"])
    return reply


def _earlier_reply(sid):
    """A repeated delivery: the reply stored for the first one (committed before our INSERT failed)."""
    reply = (
        Message.objects.filter(
            in_reply_to__provider=PROVIDER, in_reply_to__external_id=sid, direction=Message.Direction.OUTBOUND
        )
        .order_by("pk")
        .first()
    )
    if reply is None:
        logger.info("repeated inbound SMS %s: no reply was stored for it", sid)
    return reply
