"""A dashboard socket that waits for events longer than the channel layer's blocking receive stays up.

channels_redis waits for a server's events in a blocking BZPOPMIN of `brpop_timeout` seconds; redis-py 8
gives up reading after `socket_timeout` (5 s by default, the same as the block), and the consumer then
dies with a TimeoutError, closing the socket (channels_redis issue 422). So the production settings (with
REDIS_URL) read for longer than they block. Against a redis-server of the test's own (tests/redis_server.py),
with the blocking receive shortened to 1 s.
"""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from redis.exceptions import TimeoutError as RedisTimeoutError


ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.CHANNEL_LAYERS['default']))"
)


def production_layer_settings(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hotline.settings",
           "SQLITE_PATH": str(tmp_path / "h.sqlite3"), "REDIS_URL": "redis://127.0.0.1:6399/3"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_production_channel_layer_reads_for_longer_than_it_blocks(tmp_path):
    layer = production_layer_settings(tmp_path)
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    (host,) = layer["CONFIG"]["hosts"]
    assert host["address"] == "redis://127.0.0.1:6399/3"
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout


def idle_then_receive(url, *, socket_timeout, idle):
    """Wait on a fresh channel for `idle` seconds (several blocking receives of 1 s), then get a message."""
    layer = RedisChannelLayer(hosts=[{"address": url, "socket_timeout": socket_timeout}], prefix="idle-test")
    layer.brpop_timeout = 1

    async def scenario():
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(idle)
        await layer.send(channel, {"type": "ticket.event", "event": "updated", "ticket": 1})
        try:
            return await asyncio.wait_for(waiting, timeout=5)
        finally:
            await layer.flush()

    return async_to_sync(scenario)()


def test_a_receive_idle_through_several_blocking_reads_gets_the_next_message(redis_server):
    # as the production settings have it: the read outlasts the 1 s block
    message = idle_then_receive(redis_server.url, socket_timeout=2, idle=2.5)
    assert message == {"type": "ticket.event", "event": "updated", "ticket": 1}


def test_a_read_timeout_no_longer_than_the_block_kills_the_waiting_receive(redis_server):
    # what redis-py 8's defaults did (5 s read, 5 s block), scaled down: why the settings above matter
    with pytest.raises(RedisTimeoutError):
        idle_then_receive(redis_server.url, socket_timeout=0.5, idle=1.5)
