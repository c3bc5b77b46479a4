"""Background tasks (django-tasks). Each is safe to run twice or concurrently."""

import logging
import time

from django_tasks import task

from hotline import messaging
from hotline.models import Message

logger = logging.getLogger(__name__)


# deliver_due_messages stops taking new messages after this many seconds, leaving the rest
# to the next round, so rounds started by the minutely scheduler do not pile up behind a
# long backlog (the per-sender rate limit makes each send wait for its slot)
DUE_ROUND_SECONDS = 45


@task()
def deliver_message(*, message_id):
    status = messaging.deliver(message_id=message_id)
    if status == "queued":
        _deliver_later(message_id)
    return status


def _deliver_later(message_id):
    """A retry (or a send held back by the rate limit) runs when due, where the backend can defer.

    Otherwise (or if this enqueue fails) the scheduler's minutely sweep picks it up.
    """
    if not deliver_message.get_backend().supports_defer:
        return
    due = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).values_list("next_attempt_at", flat=True).first()
    if due is None:
        return
    try:
        deliver_message.using(run_after=due).enqueue(message_id=message_id)
    except Exception:
        logger.exception("could not enqueue the retry of message %s", message_id)


@task()
def deliver_due_messages():
    """Retries that are due and sends whose lease expired; returns how many were attempted.

    A send whose lease expired has an unknown outcome: `messaging.deliver` asks the
    provider whether it already accepted it before sending it again.
    """
    attempted, started = 0, time.monotonic()
    for message_id in messaging.due_message_ids():
        if time.monotonic() - started > DUE_ROUND_SECONDS:
            break
        try:
            messaging.deliver(message_id=message_id)
        except Exception:
            # e.g. a gateway bug or a network error that is not a GatewayError: the
            # message keeps its lease and comes back when it expires; the others go on
            logger.exception("delivery of message %s failed", message_id)
        attempted += 1
    return attempted


@task()
def sweep_deadlines():
    from hotline.sweep import sweep

    return sweep()


@task()
def purge_confirmations():
    """SMS-code confirmations of the public forms (phones and typed text) older than a week."""
    from hotline import confirmations

    return confirmations.purge()


@task()
def anonymise_expired_personal_data():
    """Nightly: personal data of tickets closed more than HOTLINE_RETENTION_YEARS ago (hotline.privacy).
    Safe twice at once: each resident is handled under a row lock, and what is done is not selected again."""
    from hotline import privacy

    return privacy.anonymise_expired()


@task()
def notify_stale_guides():
    """Nightly: tell units whose service guides are past their check date (once per guide and period)."""
    from hotline import guides

    return guides.notify_stale()


@task()
def train_router(*, trigger="nightly", user_id=None):
    """A new version of the unit classifier (hotline.routing.training): nightly when there is new
    history, or asked for in the admin. Safe twice at once: the second finds the first's TRAINING row."""
    from django.contrib.auth import get_user_model

    from hotline.routing import training

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = training.train(by=by, trigger=trigger)
    return None if run is None else {"version": run.version, "status": run.status, "top1": run.top1}


# --- upstream 12345 platforms: state webhooks (hotline.upstream) ------------------------------


@task()
def deliver_webhook(*, delivery_id):
    """Send one webhook row, then the rows of its ticket that waited behind it; a failed one is
    retried when due (deferred where the backend can, otherwise by the scheduler's minutely job)."""
    from hotline import upstream

    status, _attempted = upstream.deliver_in_order(delivery_id=delivery_id)
    if status == "pending":
        _deliver_webhook_later(delivery_id)
    return status


def _deliver_webhook_later(delivery_id):
    if not deliver_webhook.get_backend().supports_defer:
        return
    from django.utils import timezone

    from hotline.models import WebhookDelivery

    row = WebhookDelivery.objects.filter(pk=delivery_id, status="pending").values("next_attempt_at", "lease_until").first()
    # only a failed attempt waits for a later time; a row waiting behind an earlier one is sent by that one's delivery
    if row is None or row["lease_until"] is not None or row["next_attempt_at"] <= timezone.now():
        return
    try:
        deliver_webhook.using(run_after=row["next_attempt_at"]).enqueue(delivery_id=delivery_id)
    except Exception:
        logger.exception("could not enqueue the retry of webhook %s", delivery_id)


@task()
def deliver_due_webhooks():
    """Webhook rows whose retry is due and sends whose lease expired (each with the rows of its
    ticket waiting behind it); returns how many were attempted."""
    from hotline import upstream

    attempted, started = 0, time.monotonic()
    for delivery_id in upstream.due_delivery_ids():
        if time.monotonic() - started > DUE_ROUND_SECONDS:
            break
        try:
            attempted += upstream.deliver_in_order(delivery_id=delivery_id)[1]
        except Exception:
            # a bug, not a delivery failure: the row keeps its lease and comes back when it expires
            logger.exception("webhook delivery %s failed", delivery_id)
            attempted += 1
    return attempted
