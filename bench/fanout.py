"""Scenario (c), live fan-out: from an SMS webhook to the event on 200 dashboard WebSockets (issue 9).

    .venv/bin/python bench/fanout.py [--quick] [--out NAME] [--sockets 200] [--events 50] [--spacing 0.25]
                                     [--database-url URL] [--tickets N]

The production topology on loopback (bench/topology.py): its own redis-server (channel layer and cache),
gunicorn for HTTP, two uvicorn processes for the WebSockets, PostgreSQL with `--tickets` tickets of history
(`gen_load --if-missing`: made once, reused after; default 20,000, quick 5,000 — the figure hardly depends
on the table's size). Then, from this one process:

1. log in the demo's operators and supervisor through the HTTP server (the login page, session cookies);
2. open `--sockets` dashboard sockets (`/ws/events/`) with those cookies, half on each ASGI process, with
   the `websockets` client in one asyncio loop, and wait for each socket's "joined" message;
3. post `--events` signed SMS webhooks (Twilio's signature, a new resident each, so each makes a new ticket
   whose "received" event goes to the operators' and supervisors' groups) one at a time, `--spacing`
   seconds apart, noting when each request started;
4. note when each socket receives each ticket's event; afterwards the ticket of each SMS is read from the
   database by its MessageSid, and the latency of each (event, socket) is arrival − the webhook request's
   start.

It reports p50/p95/p99/max over every (event, socket) pair, per ASGI process, the time until the last of
the sockets had each event, the webhook's own response time, and events lost (expected deliveries minus
those received). Goal (issue 9): p99 < 500 ms with nothing lost. The client (this process: the sockets'
reads and the posts) runs on the same 2 cores as the servers, PostgreSQL and Redis, so its own delay in
noticing a message is in the figures.
"""

import argparse
import asyncio
import json
import os
import random
import re
import signal
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import free_port, summary_ms, write_result  # noqa: E402
from bench.topology import (  # noqa: E402
    BENCH_TWILIO_ACCOUNT_SID,
    BENCH_TWILIO_AUTH_TOKEN,
    BENCH_TWILIO_FROM_NUMBER,
    Topology,
)

GOAL_P99_MS = 500.0
DEMO_PASSWORD = "hotline-demo"  # load_demo's published password (gen_load loads the demo's logins)
# whose sockets receive every new ticket's event (hotline.events.groups_for, hotline.access.event_groups_for)
USERS = ("operator", "operator2", "supervisor")
BODIES = [
    "村口的路灯坏了一个多星期，晚上出门很不方便", "小区门口下水道堵了，污水漫到路上", "村里自来水这两天浑浊，有异味",
    "镇上通往学校的路有个大坑，雨天积水", "垃圾桶好几天没人清运，味道很大", "楼下饭店油烟太大，窗户都不敢开",
    "家门口的电线杆歪了，怕倒下来砸到人", "工地晚上十二点还在施工，吵得睡不着",
]


# --- preparation (synchronous) ------------------------------------------------------------------


def ensure_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def new_session():
    import requests

    session = requests.Session()
    session.trust_env = False  # loopback: never through a proxy from the environment
    return session


def login(base, username):
    """Session cookies of `username`, logged in through the login page."""
    session = new_session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(f"login page: HTTP {page.status_code}")
    answer = session.post(
        f"{base}/accounts/login/", timeout=30, allow_redirects=False,
        data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": found.group(1)},
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {username}: HTTP {answer.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def sms_params():
    sid = "SM" + uuid.uuid4().hex
    phone = "+86138" + "".join(random.choice("0123456789") for _ in range(8))  # a new resident each time
    return sid, {
        "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": BENCH_TWILIO_ACCOUNT_SID,
        "From": phone, "To": BENCH_TWILIO_FROM_NUMBER, "Body": random.choice(BODIES), "NumMedia": "0",
        "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01",
    }


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tickets_of(database_url, sids):
    """{MessageSid: ticket id} of the inbound SMS the run posted."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT external_id, ticket_id FROM hotline_message WHERE direction = 'in' AND external_id = ANY(%s)",
            [list(sids)],
        ).fetchall()
    return {sid: ticket for sid, ticket in rows}


# --- the measured run (asyncio) -----------------------------------------------------------------


class Run:
    def __init__(self, topology, cookies, *, sockets, events, spacing, drain, settle=1.0):
        self.topology = topology
        self.cookies = cookies
        self.socket_count = sockets
        self.event_count = events
        self.spacing = spacing
        self.drain = drain
        self.settle = settle
        self.sockets = []  # (index, asgi url, connection)
        self.arrivals = []  # (socket index, perf_counter, raw text)
        self.closed = {}  # socket index -> reason, for sockets closed during the run
        self.posts = []  # {"sid", "started", "seconds", "status"}
        self.open_seconds = []
        self.asgi_cpu = {}  # ASGI url -> CPU seconds used while the webhooks were posted and delivered
        self.client_cpu = 0.0  # this process's, meanwhile (reading every socket, posting, signing)

    async def open_one(self, index, semaphore):
        from websockets.asyncio.client import connect

        url = self.topology.asgi_urls[index % len(self.topology.asgi_urls)]
        cookie = self.cookies[index % len(self.cookies)]
        async with semaphore:
            started = time.perf_counter()
            connection = await connect(
                f"{url}/ws/events/", additional_headers={"Cookie": cookie}, origin=self.topology.http_url,
                proxy=None, ping_interval=None, open_timeout=30, compression=None, max_queue=None,
            )
            first = json.loads(await asyncio.wait_for(connection.recv(), timeout=30))
            if first.get("type") != "joined":
                raise RuntimeError(f"socket {index}: expected the joined message, got {first}")
            self.open_seconds.append(time.perf_counter() - started)
        self.sockets.append((index, url, connection))

    async def read(self, index, connection):
        from websockets.exceptions import ConnectionClosed

        append = self.arrivals.append
        try:
            async for raw in connection:
                append((index, time.perf_counter(), raw))
        except ConnectionClosed as closed:
            self.closed[index] = repr(closed)

    def post(self, sid, params):
        """One signed webhook (in a thread: the loop keeps reading the sockets meanwhile)."""
        from twilio.request_validator import RequestValidator

        url = self.topology.http_url + "/twilio/sms/"
        signature = RequestValidator(BENCH_TWILIO_AUTH_TOKEN).compute_signature(url, params)
        session = new_session()
        started = time.perf_counter()
        response = session.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
        seconds = time.perf_counter() - started
        self.posts.append({"sid": sid, "started": started, "seconds": seconds, "status": response.status_code})

    async def run(self):
        semaphore = asyncio.Semaphore(20)
        await asyncio.gather(*(self.open_one(i, semaphore) for i in range(self.socket_count)))
        readers = [asyncio.create_task(self.read(i, c)) for i, _url, c in self.sockets]
        await asyncio.sleep(self.settle)  # let the servers settle after the joins
        self.arrivals.clear()  # nothing before the first webhook counts
        pids = {url: self.topology.processes[f"asgi-{urlsplit(url).port}"].pid for url in self.topology.asgi_urls}
        cpu_before = {url: cpu_seconds(pid) for url, pid in pids.items()}
        client_before = time.process_time()
        for _ in range(self.event_count):
            sid, params = sms_params()
            await asyncio.to_thread(self.post, sid, params)
            await asyncio.sleep(self.spacing)
        # wait until every socket has every event, or nothing new came for `drain` seconds
        expected = self.event_count * self.socket_count
        last_count, quiet_since = -1, time.perf_counter()
        while len(self.arrivals) < expected and time.perf_counter() - quiet_since < self.drain:
            if len(self.arrivals) != last_count:
                last_count, quiet_since = len(self.arrivals), time.perf_counter()
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)  # duplicates, if any, come now
        self.asgi_cpu = {url: cpu_seconds(pid) - cpu_before[url] for url, pid in pids.items()}
        self.client_cpu = time.process_time() - client_before
        for _i, _url, connection in self.sockets:
            await connection.close()
        await asyncio.gather(*readers, return_exceptions=True)


def analyse(run, tickets):
    """Latency per (event, socket), per ASGI process; what was lost."""
    url_of = {index: url for index, url, _c in run.sockets}
    ticket_sid = {tickets[p["sid"]]: p for p in run.posts if tickets.get(p["sid"])}
    first = {}  # (socket, ticket) -> arrival
    duplicates = other = 0
    for index, at, raw in run.arrivals:
        message = json.loads(raw)
        ticket = message.get("ticket") if message.get("type") == "ticket" else None
        if ticket not in ticket_sid:
            other += 1
            continue
        if (index, ticket) in first:
            duplicates += 1
            continue
        first[(index, ticket)] = at
    latencies, per_asgi, per_event_first, per_event_last, spreads = [], defaultdict(list), [], [], []
    for ticket, post in ticket_sid.items():
        arrivals = [(index, at) for (index, t), at in first.items() if t == ticket]
        for index, at in arrivals:
            latency = at - post["started"]
            latencies.append(latency)
            per_asgi[url_of[index]].append(latency)
        if arrivals:
            earliest, latest = min(at for _i, at in arrivals), max(at for _i, at in arrivals)
            per_event_first.append(earliest - post["started"])
            per_event_last.append(latest - post["started"])
            spreads.append(latest - earliest)
    expected = len(run.posts) * len(run.sockets)
    return {
        "latency": summary_ms(latencies),
        "per_asgi_process": {url: summary_ms(values) for url, values in sorted(per_asgi.items())},
        # per event: until the first socket had it (the webhook, commit, group_send, one delivery), until the
        # last one had it, and the spread between the two (the fan-out to every socket)
        "first_socket_per_event": summary_ms(per_event_first),
        "last_socket_per_event": summary_ms(per_event_last),
        "spread_per_event": summary_ms(spreads),
        "webhook_response": summary_ms([p["seconds"] for p in run.posts]),
        # CPU an ASGI process spends per event (its 100 sockets): a figure the machine's load hardly moves
        "asgi_cpu_ms_per_event": {url: round(seconds * 1000 / max(1, len(run.posts)), 1)
                                  for url, seconds in sorted(run.asgi_cpu.items())},
        "client_cpu_ms_per_event": round(run.client_cpu * 1000 / max(1, len(run.posts)), 1),
        "webhook_statuses": sorted({p["status"] for p in run.posts}),
        "events_posted": len(run.posts),
        "events_without_ticket": sum(1 for p in run.posts if not tickets.get(p["sid"])),
        "deliveries_expected": expected,
        "deliveries_received": len(first),
        "lost": expected - len(first),
        "duplicates": duplicates,
        "other_messages": other,
        "sockets_closed_early": len([i for i in run.closed if i in url_of]) if run.closed else 0,
    }


# --- main -------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 tickets of history and 20 events")
    parser.add_argument("--out", default=None, help="bench/results/NAME.json (default fanout or fanout_quick)")
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--events", type=int, default=None, help="SMS webhooks posted (default 50, quick 20)")
    parser.add_argument("--spacing", type=float, default=0.25, help="seconds between webhooks (default 0.25)")
    parser.add_argument("--database-url", default=os.environ.get("FANOUT_DATABASE_URL"),
                        help="default: postgres://postgres@127.0.0.1:5432/hotline_fanout (quick: hotline_fanout_quick)")
    parser.add_argument("--tickets", type=int, default=None,
                        help="history in the database (default 20,000, quick 5,000)")
    parser.add_argument("--sessions-per-user", type=int, default=2)
    parser.add_argument("--http-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--asgi-ports", default="", help="two ports, comma-separated (default: free ports)")
    parser.add_argument("--redis-port", type=int, default=0, help="its own redis-server (default: a free port)")
    parser.add_argument("--workdir", default="/tmp/bench_fanout", help="server logs")
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for stragglers at the end")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="an environment variable for every server (repeatable), e.g. to try another setting")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds the open sockets stay idle before the first webhook (default 1)")
    args = parser.parse_args()
    events = args.events or (20 if args.quick else 50)
    # one database per size: gen_load --if-missing refuses a smaller history it did not make for this size
    args.database_url = args.database_url or (
        "postgres://postgres@127.0.0.1:5432/hotline_fanout" + ("_quick" if args.quick else ""))
    tickets = args.tickets or (5_000 if args.quick else 20_000)
    asgi_ports = [int(p) for p in args.asgi_ports.split(",") if p] or [free_port(), free_port()]

    def terminate(signum, frame):
        raise KeyboardInterrupt  # the Topology's __exit__ stops every server

    signal.signal(signal.SIGTERM, terminate)
    ensure_database(args.database_url)
    topology = Topology(
        workdir=args.workdir, database_url=args.database_url, redis_port=args.redis_port or free_port(),
        http_port=args.http_port or free_port(), asgi_ports=asgi_ports, workers=0, http_workers=2,
        extra_env=dict(item.split("=", 1) for item in args.env),
    )
    prepared = time.monotonic()
    topology.manage("migrate", "--noinput", "-v", "0", check=True)
    topology.manage("gen_load", "--tickets", str(tickets), "--if-missing", "--with-debug-off", check=True, timeout=3600)
    print(f"database ready in {time.monotonic() - prepared:.0f} s", file=sys.stderr, flush=True)

    with topology:
        cookies = [login(topology.http_url, user) for user in USERS for _ in range(args.sessions_per_user)]
        run = Run(topology, cookies, sockets=args.sockets, events=events, spacing=args.spacing, drain=args.drain,
                  settle=args.settle)
        try:  # the client's own delay in reading 200 sockets is part of the figure: keep it small
            import uvloop

            uvloop.run(run.run())
            loop = "uvloop"
        except ImportError:
            asyncio.run(run.run())
            loop = "asyncio"
    found = analyse(run, tickets_of(args.database_url, [p["sid"] for p in run.posts]))
    p99 = found["latency"]["p99_ms"]
    met = p99 is not None and p99 < GOAL_P99_MS and found["lost"] == 0 and found["webhook_statuses"] == [200]
    result = {
        "scenario": "c: live fan-out, SMS webhook to dashboard WebSockets",
        "goal": f"fan-out p99 < {GOAL_P99_MS:.0f} ms, nothing lost",
        "figure": (f"p50 {found['latency']['p50_ms']} ms, p99 {p99} ms over {found['deliveries_received']:,} "
                   f"deliveries ({events} events × {len(run.sockets)} sockets), {found['lost']} lost"),
        "met": met,
        "setup": {
            "sockets": len(run.sockets), "asgi_processes": len(asgi_ports), "events": events,
            "spacing_s": args.spacing, "users": list(USERS), "sessions": len(cookies), "tickets_in_db": tickets,
            "http": "gunicorn (deploy/gunicorn.conf.py), 2 workers", "asgi": "uvicorn, one process per port",
            "channel_layer": "channels_redis RedisChannelLayer, own redis-server", "quick": args.quick,
            "extra_env": [item.split("=", 1)[0] for item in args.env],
            "socket_open_and_join": summary_ms(run.open_seconds),
            "client_loop": loop,
            "client": "one asyncio process (websockets) on the same 2 cores as every server: its own delay in "
                      "reading a message is part of the figures",
        },
        **found,
    }
    write_result(args.out or ("fanout_quick" if args.quick else "fanout"), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
