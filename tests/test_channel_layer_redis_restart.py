"""An ASGI server's channel layer works again at once after Redis restarts.

An ASGI process runs one event loop for its whole life, and channels_redis keeps that loop's Redis
connections in a pool. After Redis restarts, a pooled connection is dead, and redis-py (no retries by
default) failed the next command on it: the first dashboard socket to connect afterwards got a 500
(group_add raised "Connection closed by server"), and so did one more per dead connection in the pool.
The production settings let redis-py retry a command once on a fresh connection (`retry_on_timeout`,
whose retry also covers connection errors). Against a redis-server of the test's own
(tests/redis_server.py), restarted in the middle; `make prod-smoke` does the same with real servers.
"""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from channels_redis.core import RedisChannelLayer

from tests.redis_server import redis_server  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.CHANNEL_LAYERS['default']['CONFIG']['hosts']))"
)


def production_hosts(tmp_path, url):
    """The channel layer's hosts as the settings make them with REDIS_URL=url."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hotline.settings",
           "SQLITE_PATH": str(tmp_path / "h.sqlite3"), "REDIS_URL": url}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_first_socket_after_a_redis_restart_joins_its_groups(tmp_path, redis_server):  # noqa: F811
    hosts = production_hosts(tmp_path, redis_server.url)
    assert [host["address"] for host in hosts] == [redis_server.url]

    async def scenario():
        layer = RedisChannelLayer(hosts=hosts, prefix="restart-test")
        try:
            before = await layer.new_channel()
            await layer.group_add("operators", before)  # the pool now holds a connection
            redis_server.stop()
            redis_server.start()
            after = await layer.new_channel()
            await layer.group_add("operators", after)  # a socket connecting after the restart
            await layer.group_send("operators", {"type": "ticket.event", "event": "received", "ticket": 1})
            return await asyncio.wait_for(layer.receive(after), timeout=5)
        finally:
            await layer.flush()
            await layer.close_pools()

    assert asyncio.run(scenario()) == {"type": "ticket.event", "event": "received", "ticket": 1}
