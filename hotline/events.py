"""Live events: after commit, a small message carrying ids only goes to the groups concerned."""

import asyncio
import logging
import os
import threading

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from hotline import clock
from hotline.models.choices import Status

logger = logging.getLogger(__name__)

# A Redis that hangs (paused, or its host gone from the network) would hold the request that committed for
# redis-py's 5 s socket timeout per group; live events are a nicety (pages refresh themselves), so give up.
SEND_TIMEOUT = 1.0


async def _group_send(layer, groups, payload):
    """Send `payload` to each of `groups`, all of it within SEND_TIMEOUT seconds."""
    async with asyncio.timeout(SEND_TIMEOUT):
        for group in groups:
            await layer.group_send(group, payload)


# From plain sync code (gunicorn's workers, task workers, commands) sends go through one event loop per
# process, in a daemon thread, rather than async_to_sync's new loop per call: the Redis channel layer keeps
# a connection pool per event loop, so a new loop meant a new Redis connection per event (about 3.5 ms of
# CPU for each webhook against 0.5 ms, issue 9; tests/test_live_events_share_a_redis_connection.py).
_bridge = None  # (pid, loop): a forked worker makes its own
_bridge_lock = threading.Lock()


def _bridge_loop():
    global _bridge
    with _bridge_lock:
        if _bridge is None or _bridge[0] != os.getpid() or _bridge[1].is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-events", daemon=True).start()
            _bridge = (os.getpid(), loop)
        return _bridge[1]


def _in_async_server():
    """True in the thread an ASGI server's event loop runs sync code in (asgiref's sync_to_async)."""
    return (
        getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) == os.getpid()
        and getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None
    )


def _send(layer, groups, payload):
    """Run _group_send to its end (or its SEND_TIMEOUT) from sync code.

    Inside an ASGI server async_to_sync hops to the server's own loop, as before; so does the in-memory
    layer, whose asyncio queues belong to the loop its consumers run in and are not to be touched from
    another thread's loop.
    """
    if isinstance(layer, InMemoryChannelLayer) or _in_async_server():
        async_to_sync(_group_send)(layer, groups, payload)
        return
    future = asyncio.run_coroutine_threadsafe(_group_send(layer, groups, payload), _bridge_loop())
    try:
        future.result(timeout=SEND_TIMEOUT + 1)
    except BaseException:
        future.cancel()
        raise


def groups_for(ticket):
    groups = ["operators", "supervisors"]
    if ticket.status == Status.NEW:  # never dispatched (nothing leads back to NEW): no unit has it
        return groups
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
        try:
            _send(layer, groups, payload)
        except Exception:  # a dead channel layer must not break the request that committed
            logger.exception("could not send live event %s to %s", event, ", ".join(groups))

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
            _send(layer, ["operators"], payload)
        except Exception:  # a dead channel layer must not break the webhook that committed
            logger.exception("could not send live call event %s", event)

    transaction.on_commit(send)
