"""Helpers shared by tests: running work in threads at once, and listening on the channel layer."""

import asyncio
import threading
from http.server import ThreadingHTTPServer

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


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 for a fake of an outside service (Twilio, an upstream platform).

    Subclasses set `_stopping`/`_server` in __init__ and call `self._serve(handler_class)` from start().
    """

    def _serve(self, handler_class):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._address = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
