"""Live events: after commit, a small message carrying ids only goes to the groups concerned."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from hotline import clock

logger = logging.getLogger(__name__)


def groups_for(ticket):
    groups = ["operators", "supervisors"]
    unit_ids = ticket.assignments.filter(is_current=True).values_list("unit_id", flat=True)
    groups += [f"unit-{unit_id}" for unit_id in unit_ids if unit_id != ticket.reported_unit_id]
    return groups


def emit_after_commit(*, event, ticket):
    """Broadcast `event` about `ticket` to its groups once the transaction commits."""
    if clock.is_replaying():
        return
    groups = groups_for(ticket)
    payload = {"type": "ticket.event", "event": event, "ticket": ticket.pk}

    def send():
        layer = get_channel_layer()
        if layer is None:
            return
        for group in groups:
            try:
                async_to_sync(layer.group_send)(group, payload)
            except Exception:  # a dead channel layer must not break the request that committed
                logger.exception("could not send live event %s to %s", event, group)

    transaction.on_commit(send)


def emit_call_after_commit(*, event, call):
    """Broadcast a call event (the console's screen-pop) to the operators once the transaction commits.

    Ids only: the console fetches the caller's record and recent tickets through
    the ordinary, access-checked views; no phone number travels over the socket.
    """
    if clock.is_replaying():
        return
    payload = {"type": "call.event", "event": event, "call": call.pk}

    def send():
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)("operators", payload)
        except Exception:  # a dead channel layer must not break the webhook that committed
            logger.exception("could not send live call event %s", event)

    transaction.on_commit(send)
