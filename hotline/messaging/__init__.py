"""Outbound SMS: rows first (in the caller's transaction), delivered by a task after commit."""

import datetime as dt
import logging
import math
import re
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hotline import clock
from hotline.messaging.gateways import GatewayError, SendResult, get_gateway
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
    status = held_back_status(resident=resident, recipient_user=recipient_user, in_reply_to=in_reply_to)
    body = render(template, params)
    if template == "received" and status is None and resident is not None and recipient_user is None:
        from hotline import privacy  # a resident's first acknowledgement links the privacy notice

        notice = privacy.notice_for(resident)
        if notice:
            body += notice
            params = {**params, "privacy": notice}  # for providers that send registered templates
            type(resident).objects.filter(pk=resident.pk, privacy_notice_at__isnull=True).update(
                privacy_notice_at=clock.now()
            )
    status = status or Message.Status.QUEUED
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


def held_back_status(*, resident, recipient_user=None, in_reply_to=None):
    """Why an SMS to this resident must not go out (a Message status), or None.

    A landline cannot take SMS: the update goes onto the operators' callback list.
    A resident who opted out gets only direct answers to their own messages.
    Checked when the row is made and again just before it is sent.
    """
    if resident is None or recipient_user is not None:
        return None
    if not resident.phone:  # the resident's data was erased (hotline.privacy): no number to send to
        return Message.Status.SKIPPED
    if not resident.can_receive_sms:
        return Message.Status.CALLBACK
    if resident.sms_opt_out and in_reply_to is None:
        return Message.Status.SKIPPED
    return None


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


# --- per-sender rate limit -----------------------------------------------------------
#
# Time is cut into slots of 1/rate seconds per sender number; a send first reserves a
# free slot with an atomic `cache.add` (one key per slot), then waits for the slot's
# start. Each slot carries at most one message, so a sender never goes faster than its
# rate however many workers send (in any second at most rate + 1, at a slot boundary).
# The cache ("sms_rate" in settings) must be shared by the workers: Redis in production;
# the embedded default runs one worker, for which a per-process cache is enough. A send whose free slot is further
# away than the wait we allow goes back to the queue, due at that slot, its attempt not
# counted.

def _rate_cache():
    from django.core.cache import caches

    return caches["sms_rate"]


def _max_rate_wait():
    return float(settings.HOTLINE.get("SMS_RATE_MAX_WAIT_SECONDS", min(10.0, settings.HOTLINE["SMS_LEASE_SECONDS"] / 3)))


def reserve_send_slot(*, sender, at, rate=None, max_wait=None):
    """Reserve the next free send slot of `sender` from instant `at` (a Unix time).

    Returns (start, reserved): the slot's start (never before `at`) and whether it was
    reserved; when no slot within `max_wait` seconds is free, nothing is reserved and
    `start` is when to try again.
    """
    rate = settings.HOTLINE["SMS_PER_SECOND_PER_SENDER"] if rate is None else rate
    if not rate or rate <= 0:
        return at, True
    max_wait = _max_rate_wait() if max_wait is None else max_wait
    width = 1.0 / rate
    first, last = math.floor(at / width), math.floor((at + max_wait) / width)
    namespace = settings.HOTLINE.get("SMS_RATE_NAMESPACE", "hotline")
    cache, ttl = _rate_cache(), int(max_wait + 2 * width) + 5
    for index in range(first, last + 1):
        if cache.add(f"{namespace}:sms-slot:{sender}:{index}", 1, timeout=ttl):
            return max(at, index * width), True
    return (last + 1) * width, False


# --- delivery ----------------------------------------------------------------------------

# our pipeline's order; a status only moves forward, and the last three are final
STATUS_RANK = {
    Message.Status.QUEUED: 0,
    Message.Status.SENDING: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.UNDELIVERED: 3,
    Message.Status.FAILED: 3,
}
FINAL_STATUSES = {Message.Status.DELIVERED, Message.Status.UNDELIVERED, Message.Status.FAILED}


def _statuses_before(status):
    """The statuses a message may move to `status` from (forward only, never out of a final one)."""
    return [s for s, rank in STATUS_RANK.items() if s not in FINAL_STATUSES and rank < STATUS_RANK[status]]


def deliver(*, message_id, now=None):
    """Send one queued message through the gateway, at most once at a time.

    A lease (`lease_until`) claimed by a conditional UPDATE keeps two workers
    from sending the same row; an expired lease is reclaimed by the retry sweep.
    The claim counts the attempt, so a send that never reported back (the
    worker died mid-send) counts too, and a message that keeps doing that is
    given up after SMS_MAX_ATTEMPTS instead of being retried for ever.

    Never sent twice: an attempt's outcome can be unknown (the worker died after
    the provider accepted the message, or the provider's answer timed out). So
    before any further attempt the gateway is asked whether it already has the
    message (`find_sent`); if it has, the row takes that provider id and is not sent
    again. A provider status callback that arrived meanwhile may already have given
    the row its SID (callbacks carry our message id), which settles it too. If the
    provider cannot be asked, the attempt counts as a transient failure.

    The result is written only while the row is still ours (status `sending` with our
    lease): a status callback that moved it on first (the provider answered before
    this worker did) keeps its status, and only the SID is added.

    The per-sender rate limit (`reserve_send_slot`) may hold the send for a moment,
    or put the message back in the queue for a little later without counting the attempt.

    Returns the message's status afterwards.
    """
    explicit_now = now is not None
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.HOTLINE["SMS_LEASE_SECONDS"])
    max_attempts = settings.HOTLINE["SMS_MAX_ATTEMPTS"]
    claimed = (
        Message.objects.filter(pk=message_id, direction=Message.Direction.OUTBOUND)
        .filter(Q(status=Message.Status.QUEUED) | Q(status=Message.Status.SENDING, lease_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Message.Status.SENDING, lease_until=lease, attempts=F("attempts") + 1)
    )
    message = Message.objects.select_related("resident").get(pk=message_id)
    if not claimed:
        return message.status
    mine = Message.objects.filter(pk=message_id, status=Message.Status.SENDING, lease_until=lease)
    held = held_back_status(
        resident=message.resident, recipient_user=message.recipient_user_id, in_reply_to=message.in_reply_to_id
    )
    if held:  # the resident opted out (退订) after the row was queued
        mine.update(status=held, lease_until=None, next_attempt_at=None, attempts=F("attempts") - 1,
                    status_updated_at=timezone.now())
        return _status_of(message_id)
    gateway = get_gateway()

    if message.external_id:
        # a status callback told us the provider has it (its answer to us was lost)
        mine.update(
            status=Message.Status.SENT, lease_until=None, next_attempt_at=None, error="",
            sent_at=Coalesce(F("sent_at"), Value(timezone.now())),
        )
        return _status_of(message_id)

    if message.attempts > 1:
        try:
            found = gateway.find_sent(message)
        except GatewayError as exc:
            return _attempt_failed(mine, message, exc, now=now, max_attempts=max_attempts)
        if found is not None:
            logger.info("SMS %s was already accepted by %s as %s: not sent again", message.pk, gateway.name, found.sid)
            try:
                with transaction.atomic():
                    return _attempt_succeeded(mine, message, gateway, found)
            except IntegrityError:  # another row has that provider id after all
                logger.warning("SMS %s: provider id %s belongs to another message", message.pk, found.sid)

    if message.attempts > max_attempts:
        # earlier attempts' leases expired without a result: do not send again
        error = (message.error + "\n" if message.error else "") + f"gave up: no result after {max_attempts} attempts"
        mine.update(status=Message.Status.FAILED, next_attempt_at=None, lease_until=None, error=error,
                    status_updated_at=timezone.now())
        logger.warning("SMS %s given up after %s attempts without a result", message.pk, max_attempts)
        return _status_of(message_id)

    if gateway.sender:
        at = now.timestamp() if explicit_now else time.time()
        start, reserved = reserve_send_slot(sender=f"{gateway.name}:{gateway.sender}", at=at)
        if not reserved:
            # over the sender's rate for longer than we wait: back to the queue, not an attempt
            mine.update(
                status=Message.Status.QUEUED, lease_until=None, attempts=F("attempts") - 1,
                next_attempt_at=dt.datetime.fromtimestamp(start, tz=dt.timezone.utc),
            )
            return _status_of(message_id)
        if start > at:
            time.sleep(start - at)

    try:
        result = gateway.send(
            to=message.phone, text=message.body, template=message.template, params=message.params,
            reference=message.pk,
        )
    except GatewayError as exc:
        return _attempt_failed(mine, message, exc, now=now, max_attempts=max_attempts)
    if not isinstance(result, SendResult):
        result = SendResult(sid=result)
    return _attempt_succeeded(mine, message, gateway, result)


_NUMBER = re.compile(r"\+\d{6,}|(?<!\d)1\d{10}(?!\d)")


def _without_numbers(text):
    """For logs: a provider's error text may quote the phone number (Twilio's 21211 does)."""
    return _NUMBER.sub("<number>", text)


def _record_opt_out(resident_id):
    from hotline.models import Resident
    from hotline.workflow import system_user

    resident = Resident.objects.get(pk=resident_id)
    if not resident.sms_opt_out:
        resident.sms_opt_out = True
        resident._history_user = system_user()
        resident.save(update_fields=["sms_opt_out"])


def _status_of(message_id):
    return Message.objects.values_list("status", flat=True).get(pk=message_id)


def _attempt_failed(mine, message, exc, *, now, max_attempts):
    fields = {"error": str(exc)[:1000], "error_code": exc.code[:20], "lease_until": None}
    if exc.permanent or message.attempts >= max_attempts:
        fields.update(status=Message.Status.FAILED, next_attempt_at=None, status_updated_at=timezone.now())
    else:
        fields.update(status=Message.Status.QUEUED, next_attempt_at=now + _backoff(message.attempts))
    if not mine.update(**fields):
        logger.info("SMS %s moved on while it was being sent (a status callback): kept", message.pk)
    if exc.opted_out and message.resident_id:
        _record_opt_out(message.resident_id)
    logger.warning("SMS %s attempt %s failed: %s", message.pk, message.attempts, _without_numbers(str(exc)))
    return _status_of(message.pk)


def _attempt_succeeded(mine, message, gateway, result):
    moment = timezone.now()
    status = result.status if result.status in FINAL_STATUSES else Message.Status.SENT
    extra = {"segments": result.segments} if result.segments else {}
    updated = mine.update(
        status=status, provider=gateway.name, external_id=result.sid, sent_at=moment, error="",
        error_code=result.error_code[:20], next_attempt_at=None, lease_until=None, status_updated_at=moment, **extra,
    )
    if not updated:
        # a status callback got here first and moved the row on: keep its status, add the SID
        Message.objects.filter(pk=message.pk, external_id__isnull=True).update(
            provider=gateway.name, external_id=result.sid, **extra
        )
        Message.objects.filter(pk=message.pk, external_id=result.sid).exclude(status=Message.Status.SENDING).update(
            sent_at=Coalesce(F("sent_at"), Value(moment)), lease_until=None
        )
    return _status_of(message.pk)


def record_provider_status(*, provider, sid, status, error_code="", reference=None, segments=None, now=None):
    """Apply a provider's delivery report (a status callback) to its outbound message.

    The message is found by (provider, SID), or else by our id in the callback URL
    (`reference`) when the report came before the worker stored the SID — then the row
    takes the SID now. The status only moves forward (queued < sending < sent <
    delivered; undelivered and failed are final), so a late or repeated report changes
    nothing. Returns the message, or None when the report is not about one of ours.
    """
    if status not in STATUS_RANK:
        return None
    now = now or timezone.now()
    outbound = Message.objects.filter(direction=Message.Direction.OUTBOUND)
    message = outbound.filter(provider=provider, external_id=sid).first() if sid else None
    if message is None and reference and sid:
        try:
            pk = int(reference)
        except (TypeError, ValueError):
            return None
        try:
            with transaction.atomic():
                outbound.filter(pk=pk, external_id__isnull=True).update(provider=provider, external_id=sid)
        except IntegrityError:
            return None
        message = outbound.filter(pk=pk, provider=provider, external_id=sid).first()
    if message is None:
        return None
    fields = {"status": status, "status_updated_at": now, "lease_until": None, "sent_at": Coalesce(F("sent_at"), Value(now))}
    if status in FINAL_STATUSES or status == Message.Status.SENT:
        fields["next_attempt_at"] = None
    if error_code:
        fields["error_code"] = str(error_code)[:20]
    if segments:
        fields["segments"] = segments
    if outbound.filter(pk=message.pk, status__in=_statuses_before(status)).update(**fields):
        message.refresh_from_db()
    return message


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


# --- the landline callback list (issue 4) ----------------------------------------------


def mark_called(*, message, by):
    """已电话告知: a landline resident was told the update of a `callback` message by phone.

    Records who and when on the message (status `called`) and a line on the ticket's
    timeline, then tells the dashboards. The conditional update makes a second click,
    or a colleague's meanwhile, an InvalidState instead of a second record.
    """
    from django.utils.translation import gettext as _

    from hotline import access, events
    from hotline.errors import InvalidState
    from hotline.models import TicketEvent

    access.check(by, "mark_called", message.ticket if message.ticket_id else None)
    with transaction.atomic():
        now = clock.now()
        done = Message.objects.filter(
            pk=message.pk, direction=Message.Direction.OUTBOUND, status=Message.Status.CALLBACK
        ).update(status=Message.Status.CALLED, called_by=by, called_at=now, status_updated_at=now)
        if not done:
            raise InvalidState(_("这条通知已标记为已电话告知，或不在待电话告知名单中。"))
        message.refresh_from_db()
        if message.ticket_id:
            TicketEvent.objects.create(
                ticket_id=message.ticket_id, action=TicketEvent.Action.RESIDENT_CALLED, actor=by,
                actor_unit=access.unit_of(by), note=message.body, created_at=now,
            )
            events.emit_after_commit(event="resident_called", ticket=message.ticket)
    return message
