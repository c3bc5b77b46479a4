"""Background tasks (django-tasks). Each is safe to run twice or concurrently."""

import logging

from django_tasks import task

from hotline import messaging

logger = logging.getLogger(__name__)


@task()
def deliver_message(*, message_id):
    return messaging.deliver(message_id=message_id)


@task()
def deliver_due_messages():
    """Retries that are due and sends whose lease expired; returns how many were attempted."""
    attempted = 0
    for message_id in messaging.due_message_ids():
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
