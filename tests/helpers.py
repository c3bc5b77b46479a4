"""Helpers shared by tests: running work in threads at once, and listening on the channel layer."""

import asyncio
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection


def run_concurrently(*works, barrier=None, timeout=60):
    """Run each callable in its own thread (each with its own DB connection); return their errors.

    A failing thread aborts `barrier` so the others do not wait for it for ever.
    """
    errors = []

    def guarded(work):
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
            if barrier is not None:
                barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=guarded, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return errors


def listen(*groups):
    """A fresh channel on the channel layer, added to `groups`: (layer, channel)."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for group in groups:
        async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def drain(layer, channel, *, quiet=0.3):
    """Every message waiting on `channel`, until none arrives for `quiet` seconds."""

    async def receive_all():
        got = []
        while True:
            try:
                got.append(await asyncio.wait_for(layer.receive(channel), timeout=quiet))
            except asyncio.TimeoutError:
                return got

    return async_to_sync(receive_all)()
