"""Outbound SMS: rows first (in the caller's transaction), delivered by a task after commit."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hotline import clock
from hotline.messaging.gateways import GatewayError, get_gateway
from hotline.messaging.templates import render
from hotline.models import Message

logger = logging.getLogger(__name__)


def segment_count(text):
    """SMS segments: 70 characters in one (Chinese text is UCS-2), 67 per part when split."""
    length = len(text)
    return 1 if length <= 70 else -(-length // 67)


def queue_sms(*, phone, template, params, ticket=None, resident=None, recipient_user=None, in_reply_to=None):
    """Create an outbound Message row. Delivery is scheduled by the caller after commit.

    A resident who opted out (退订) gets only direct answers to their own messages
    (`in_reply_to`); a resident with a landline gets no SMS at all: the row goes
    onto the operators' callback list (status `callback`) instead.
    """
    body = render(template, params)
    status = Message.Status.QUEUED
    if resident is not None and recipient_user is None:
        if not resident.can_receive_sms:
            status = Message.Status.CALLBACK
        elif resident.sms_opt_out and in_reply_to is None:
            status = Message.Status.SKIPPED
    return Message.objects.create(
        direction=Message.Direction.OUTBOUND,
        phone=str(phone),
        resident=resident,
        recipient_user=recipient_user,
        ticket=ticket,
        template=template,
        params=params,
        body=body,
        segments=segment_count(body),
        in_reply_to=in_reply_to,
        status=status,
        created_at=clock.now(),
        next_attempt_at=clock.now() if status == Message.Status.QUEUED else None,
    )


def deliver_after_commit(message_ids):
    """Enqueue delivery of these messages once the current transaction commits."""
    ids = [i for i in message_ids if i]
    if not ids or clock.is_replaying():
        return

    def enqueue():
        from hotline.tasks import deliver_message

        for message_id in ids:
            try:
                deliver_message.enqueue(message_id=message_id)
            except Exception:  # the scheduler's retry sweep picks it up
                logger.exception("could not enqueue delivery of message %s", message_id)

    transaction.on_commit(enqueue)


def _backoff(attempts):
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def deliver(*, message_id, now=None):
    """Send one queued message through the gateway, at most once at a time.

    A lease (`lease_until`) claimed by a conditional UPDATE keeps two workers
    from sending the same row; an expired lease is reclaimed by the retry sweep.
    The claim counts the attempt, so a send that never reported back (the
    worker died mid-send) counts too, and a message that keeps doing that is
    given up after SMS_MAX_ATTEMPTS instead of being retried for ever.
    Returns the message's status afterwards.
    """
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.HOTLINE["SMS_LEASE_SECONDS"])
    max_attempts = settings.HOTLINE["SMS_MAX_ATTEMPTS"]
    claimed = (
        Message.objects.filter(pk=message_id, direction=Message.Direction.OUTBOUND)
        .filter(Q(status=Message.Status.QUEUED) | Q(status=Message.Status.SENDING, lease_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Message.Status.SENDING, lease_until=lease, attempts=F("attempts") + 1)
    )
    message = Message.objects.get(pk=message_id)
    if not claimed:
        return message.status
    if message.attempts > max_attempts:
        # earlier attempts' leases expired without a result: do not send again
        message.status, message.next_attempt_at, message.lease_until = Message.Status.FAILED, None, None
        message.error = (message.error + "\n" if message.error else "") + f"gave up: no result after {max_attempts} attempts"
        message.save(update_fields=["status", "next_attempt_at", "lease_until", "error"])
        logger.warning("SMS %s given up after %s attempts without a result", message.pk, max_attempts)
        return message.status
    gateway = get_gateway()
    try:
        sid = gateway.send(to=message.phone, text=message.body, template=message.template, params=message.params)
    except GatewayError as exc:
        message.error = str(exc)[:1000]
        if exc.permanent or message.attempts >= max_attempts:
            message.status = Message.Status.FAILED
            message.next_attempt_at = None
        else:
            message.status = Message.Status.QUEUED
            message.next_attempt_at = now + _backoff(message.attempts)
        logger.warning("SMS %s attempt %s failed: %s", message.pk, message.attempts, exc)
    else:
        message.status = Message.Status.SENT
        message.provider = gateway.name
        message.external_id = sid
        message.sent_at = timezone.now()
        message.error = ""
        message.next_attempt_at = None
    message.lease_until = None
    message.save(
        update_fields=["status", "provider", "external_id", "sent_at", "error", "attempts", "next_attempt_at", "lease_until"]
    )
    return message.status


def due_message_ids(*, now=None, limit=500):
    """Queued messages whose next attempt is due, and sends whose lease expired."""
    now = now or timezone.now()
    return list(
        Message.objects.filter(direction=Message.Direction.OUTBOUND)
        .filter(
            Q(status=Message.Status.QUEUED, next_attempt_at__lte=now)
            | Q(status=Message.Status.SENDING, lease_until__lt=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
