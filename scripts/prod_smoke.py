"""`make prod-smoke`: the production topology on one machine, and what it must survive (issue 9).

Starts PostgreSQL if it is not running (and stops it again at the end if it started it), a database of
its own (cloned from a template kept migrated, with the demo's reference data and logins), and through
bench/topology.py: Redis, the HTTP server (gunicorn), two ASGI servers (uvicorn), two task workers and
the scheduler, with production settings (DEBUG=0) over plain HTTP on loopback; SMS go through the real
twilio client to a fake Twilio API on loopback (tests/fake_twilio.py). Then it checks:

a. fan-out: an SMS posted (signed) to the HTTP server makes a ticket whose live event reaches a
   dashboard WebSocket on EACH ASGI process (an operator logged in through the HTTP server);
b. a worker killed in the middle of an SMS send (SIGKILL while the fake Twilio holds the request):
   the send's lease expires, the scheduler's retry sweep hands it to the other worker, which asks
   Twilio whether it has the message (find_sent) before sending: once where Twilio had accepted it
   before the kill, once where it had not; every message ends sent, then delivered by status callbacks;
c. Redis stopped for a moment: signed SMS webhooks, a login, a dashboard page and operator actions
   through the API (dispatch, sign) all succeed and write their rows; when Redis is back the ASGI
   servers are still up, dashboards that reconnect (as the page's htmx ws extension does) get live
   events again, and the SMS queued meanwhile go out.

Each check prints PASS or FAIL; the exit status is 1 if any failed. Everything started is stopped,
also on Ctrl-C or an error (logs stay in the work directory: var/prod-smoke/ by default).

    .venv/bin/python scripts/prod_smoke.py [--db hotline_prod_smoke] [--pg postgres://postgres@127.0.0.1:5432]
        [--base-port N] [--workdir DIR] [--fresh-template]
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402
from bench.topology import (  # noqa: E402
    BENCH_TWILIO_ACCOUNT_SID, BENCH_TWILIO_AUTH_TOKEN, BENCH_TWILIO_FROM_NUMBER, PYTHON, Topology,
)

DEMO_PASSWORD = "hotline-demo"  # hotline/management/commands/load_demo.py
LEAD_UNIT = "区交通运输局"  # its liaison is jt_liaison
LEASE_SECONDS = 6  # HOTLINE_SMS_LEASE_SECONDS for the run: a killed worker's send comes back after this
SCHEDULER_INTERVAL = 2.0
EVENT_TIMEOUT = 10.0
BODIES = ["村口的路灯坏了一个多星期，晚上出门很不方便", "小区门口下水道堵了，污水漫到路上", "村里自来水这两天浑浊，有异味",
          "镇上通往学校的路有个大坑，雨天积水", "垃圾桶好几天没人清运，味道很大"]


# --- output -------------------------------------------------------------------------------


class Checks:
    def __init__(self):
        self.results = []

    def record(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f" — {detail}" if detail else ""), flush=True)
        return bool(ok)

    def info(self, text):
        print(f"      {text}", flush=True)

    @property
    def failed(self):
        return [name for name, ok, _detail in self.results if not ok]


def step(text):
    print(f"--    {text}", flush=True)


# --- PostgreSQL and the database -----------------------------------------------------------------


def ensure_postgres(server_url):
    """Start the machine's PostgreSQL cluster if nothing answers (as .ci/run does); returns a stop function."""
    from urllib.parse import urlsplit

    parts = urlsplit(server_url)
    host, port = parts.hostname or "127.0.0.1", str(parts.port or 5432)
    if subprocess.run(["pg_isready", "-q", "-h", host, "-p", port]).returncode == 0:
        return None
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise RuntimeError(f"PostgreSQL does not answer on {host}:{port} and no cluster is installed in /etc/postgresql")
    version = versions[-1]
    step(f"starting PostgreSQL {version} (not running)")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", host, "-p", port]).returncode == 0:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("PostgreSQL did not start")

    def stop():
        step(f"stopping PostgreSQL {version} (this run started it)")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop"])

    return stop


def prepare_database(server_url, name, *, fresh_template=False):
    """A fresh database `name`, cloned from `<name>_template` (migrated, with the demo's reference data)."""
    import psycopg

    template = f"{name}_template"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if exists and fresh_template:
            admin.execute(f'DROP DATABASE "{template}" WITH (FORCE)')
            exists = None
        if not exists:
            step(f"creating the template database {template} (first run: migrations take a little while)")
            admin.execute(f'CREATE DATABASE "{template}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOTLINE_", "REDIS_URL"))}
    env.update({"DATABASE_URL": f"{server_url}/{template}", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "hotline.settings"})
    env.pop("ALLOWED_HOSTS", None)
    def manage(*args):
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} on {template} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
        return result.stdout

    migrated = manage("migrate", "--noinput")
    with psycopg.connect(f"{server_url}/{template}") as connection:
        has_demo = connection.execute("SELECT 1 FROM auth_user WHERE username = 'operator'").fetchone()
    if not has_demo or "No migrations to apply" not in migrated:
        manage("load_demo", "--tickets", "0")  # the logins and units (idempotent); only when the schema changed
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{server_url}/{name}"


# --- HTTP, signed webhooks, sockets ----------------------------------------------------------------


def new_session():
    import requests

    session = requests.Session()
    session.trust_env = False  # loopback: never through a proxy from the environment
    return session


def login(base, username, timeout=30):
    """A requests.Session logged in through the login page (session cookie; CSRF header for the API)."""
    session = new_session()
    page = session.get(f"{base}/accounts/login/", timeout=timeout)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not found:
        raise RuntimeError(f"login page: HTTP {page.status_code}")
    answer = session.post(
        f"{base}/accounts/login/", timeout=timeout, allow_redirects=False,
        data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": found.group(1)},
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {username}: HTTP {answer.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]  # as the pages' hx-headers carry it
    session.headers["Referer"] = f"{base}/"
    return session


def random_mobile():
    return "+86138" + "".join(random.choice("0123456789") for _ in range(8))


def signed_post(base, path, params, timeout=30):
    from twilio.request_validator import RequestValidator

    url = base + path
    signature = RequestValidator(BENCH_TWILIO_AUTH_TOKEN).compute_signature(url, params)
    return new_session().post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=timeout)


def post_sms(base, phone=None, body=None):
    """A signed inbound SMS webhook; returns (response, seconds, MessageSid, phone); `post_sms.started` is
    the monotonic instant the request started."""
    phone = phone or random_mobile()
    sid = "SM" + uuid.uuid4().hex
    params = {
        "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": BENCH_TWILIO_ACCOUNT_SID,
        "From": phone, "To": BENCH_TWILIO_FROM_NUMBER, "Body": body or random.choice(BODIES), "NumMedia": "0",
        "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01",
    }
    started = post_sms.started = time.monotonic()
    response = signed_post(base, "/twilio/sms/", params)
    return response, time.monotonic() - started, sid, phone


def open_socket(ws_base, session, origin, timeout=20):
    """A dashboard socket with the session's cookie, after its "joined" message."""
    from websockets.sync.client import connect

    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    socket = connect(f"{ws_base}/ws/events/", additional_headers={"Cookie": cookie}, origin=origin,
                     open_timeout=timeout, proxy=None, legacy=True)
    first = json.loads(socket.recv(timeout=timeout))
    if first.get("type") != "joined":
        socket.close()
        raise RuntimeError(f"expected the joined message, got {first}")
    return socket


def open_socket_retrying(ws_base, session, origin, seconds=10):
    """As the page's ws extension does after a close: try again for a while."""
    deadline, last = time.monotonic() + seconds, None
    open_socket_retrying.failures = 0
    while time.monotonic() < deadline:
        try:
            return open_socket(ws_base, session, origin, timeout=max(1, deadline - time.monotonic()))
        except Exception as error:  # noqa: BLE001 - retried, reported at the end
            last = error
            open_socket_retrying.failures += 1
            time.sleep(0.5)
    raise RuntimeError(f"could not reconnect to {ws_base}: {last!r}")


def wait_for_event(socket, ticket_id, since, timeout=EVENT_TIMEOUT):
    """Seconds from `since` (a monotonic instant) until a ticket event about `ticket_id` arrives, or None."""
    from websockets.exceptions import ConnectionClosed

    started = since
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            raw = socket.recv(timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            return None
        except ConnectionClosed:
            return None
        message = json.loads(raw)
        if message.get("type") == "ticket" and message.get("ticket") == ticket_id:
            return time.monotonic() - started
    return None


def socket_close_code(socket, seconds):
    """The close code if the server closes `socket` within `seconds` (events before are dropped), else None."""
    from websockets.exceptions import ConnectionClosed

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.recv(timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            return None
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else 1006
    return None


def warm_up(topology):
    """A few requests first: the servers' first requests are slower (connections, templates, caches)."""
    import concurrent.futures

    def get(_):
        try:
            return new_session().get(f"{topology.http_url}/accounts/login/", timeout=60).status_code
        except Exception:  # noqa: BLE001 - a warm-up only
            return None

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(get, range(8)))
    return codes, time.monotonic() - started


def close_quietly(*sockets):
    for socket in sockets:
        try:
            socket.close()
        except Exception:  # noqa: BLE001
            pass


# --- the database, read in this process ----------------------------------------------------------


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()


def ticket_for(sid, timeout=5):
    from hotline.models import Message

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = Message.objects.filter(provider="twilio", external_id=sid).values("ticket_id", "ticket__number").first()
        if row and row["ticket_id"]:
            return row["ticket_id"], row["ticket__number"]
        time.sleep(0.1)
    return None, None


def outbound_since(first_pk):
    """Outbound SMS rows made by this run and sent through the gateway (not TwiML replies to an inbound SMS)."""
    from hotline.models import Message

    return Message.objects.filter(direction=Message.Direction.OUTBOUND, pk__gte=first_pk, in_reply_to__isnull=True)


def last_message_pk():
    from hotline.models import Message

    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def pid_holding_connection(pids, local_port, remote_port):
    """Which of `pids` owns the TCP connection 127.0.0.1:local_port -> :remote_port (from /proc), or None."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port and int(fields[2].rsplit(":", 1)[1], 16) == remote_port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


# --- the checks --------------------------------------------------------------------------------------


def check_fanout(topology, checks, operator, origin):
    step("a. an SMS to the HTTP server, its live event on a dashboard socket per ASGI process")
    sockets = [open_socket(url, operator, origin) for url in topology.asgi_urls]
    response, seconds, sid, _phone = post_sms(topology.http_url)
    checks.record("a. signed SMS webhook answered", response.status_code == 200 and "<Response>" in response.text,
                  f"HTTP {response.status_code} in {seconds * 1000:.0f} ms")
    ticket_id, number = ticket_for(sid)
    checks.record("a. the SMS made a ticket", ticket_id is not None, f"ticket {number}")
    for url, socket in zip(topology.asgi_urls, sockets):
        arrived = wait_for_event(socket, ticket_id, post_sms.started) if ticket_id else None
        checks.record(f"a. live event on {url}", arrived is not None,
                      f"after {arrived * 1000:.0f} ms" if arrived is not None else f"none within {EVENT_TIMEOUT:.0f} s")
    return sockets


def dispatch(topology, session, number, unit_id):
    return session.post(f"{topology.http_url}/api/tickets/{number}/dispatch/", json={"lead_unit": unit_id}, timeout=30)


def check_worker_killed(topology, checks, fake, operator, unit_id, *, accepted):
    """Dispatch a ticket (an SMS to its resident), kill the worker inside the Twilio request, check the outcome."""
    from hotline.models import Message

    case = "Twilio had accepted it" if accepted else "Twilio had not accepted it"
    step(f"b. worker killed mid-send ({case})")
    response, _seconds, sid, phone = post_sms(topology.http_url)
    ticket_id, number = ticket_for(sid)
    if not checks.record(f"b. ticket for the send ({case})", response.status_code == 200 and ticket_id, f"ticket {number}"):
        return
    # the resident's SMS is held 30 s by the fake Twilio (created first if `accepted`): its worker sits in the call
    fake.delay_next(30, accept=accepted, method="POST", resource="Messages", to=phone)
    answer = dispatch(topology, operator, number, unit_id)
    checks.record(f"b. dispatch through the API ({case})", answer.status_code == 200, f"HTTP {answer.status_code}")

    def held():
        return next((r for r in list(fake.requests) if r["method"] == "POST" and r["params"].get("To") == phone), None)

    request = wait_until(held, 15, 0.02)
    if not checks.record(f"b. the send reached the fake Twilio ({case})", request is not None):
        return
    fake_port = int(fake.base_url.rsplit(":", 1)[1])
    pids = {topology.worker_pid(i): i for i in range(topology.worker_count) if topology.worker_pid(i)}
    pid = wait_until(lambda: pid_holding_connection(pids, request["client"][1], fake_port), 2, 0.02)
    if not checks.record(f"b. the worker inside the send found ({case})", pid is not None):
        return
    index = pids[pid]
    killed_at = time.monotonic()
    topology.kill_worker(index)
    message = Message.objects.get(direction=Message.Direction.OUTBOUND, phone=phone, template="dispatched")
    checks.info(f"worker {index} (pid {pid}) SIGKILLed inside the send of SMS {message.pk} "
                f"(status {message.status}, lease {LEASE_SECONDS} s)")

    def settled():
        row = Message.objects.filter(pk=message.pk).values("status", "attempts", "external_id").first()
        return row if row["status"] in ("sent", "delivered") else None

    row = wait_until(settled, LEASE_SECONDS + 4 * SCHEDULER_INTERVAL + 15, 0.2)
    recovered_after = time.monotonic() - killed_at
    topology.start_worker(index)  # back to two workers for what follows
    checks.record(f"b. the other worker sent it after the lease expired ({case})", row is not None,
                  f"{row['status']} {recovered_after:.1f} s after the kill, attempt {row['attempts']}" if row else
                  f"still {Message.objects.get(pk=message.pk).status} {recovered_after:.1f} s after the kill")
    created = [m for m in list(fake.message_resources.values()) if m["to"] == phone]
    posts = [r for r in list(fake.requests) if r["method"] == "POST" and r["params"].get("To") == phone]
    detail = f"{len(posts)} request(s) to create it, Twilio holds {len(created)}"
    if row and created:
        detail += ", the row has its SID" if row["external_id"] == created[0]["sid"] else ", the row has ANOTHER SID"
    expected_posts = 1 if accepted else 2  # not accepted: the lost request, then the other worker's
    checks.record(f"b. sent exactly once ({case})",
                  len(created) == 1 and len(posts) == expected_posts and row is not None
                  and row["external_id"] == created[0]["sid"], detail)


def check_redis_outage(topology, checks, operator, origin, old_sockets, unit_id, liaison_name):
    from hotline.models import Message, Ticket

    step("c. Redis stopped: webhooks, a login, a page and operator actions")
    topology.stop_redis()
    phones, latencies, ok, sids = [], [], True, []
    for _ in range(3):
        response, seconds, sid, phone = post_sms(topology.http_url)
        phones.append(phone)
        sids.append(sid)
        latencies.append(seconds)
        ok = ok and response.status_code == 200 and "<Response>" in response.text
    stored = [ticket_for(sid, timeout=2) for sid in sids]
    checks.record("c. signed SMS webhooks answered with Redis down", ok,
                  "3 × HTTP 200, slowest " + f"{max(latencies) * 1000:.0f} ms")
    checks.record("c. their messages and tickets stored", all(t for t, _n in stored), f"tickets {[n for _t, n in stored]}")
    try:
        operator2 = login(topology.http_url, "operator2")
        liaison = login(topology.http_url, liaison_name)
        logged_in = True
    except Exception as error:  # noqa: BLE001
        logged_in, operator2, liaison = False, operator, None
        checks.info(f"login failed: {error}")
    checks.record("c. login through the login page with Redis down", logged_in, "operator2 and " + liaison_name)
    page = operator2.get(f"{topology.http_url}/console/", timeout=30)
    checks.record("c. the operators' console page with Redis down", page.status_code == 200, f"HTTP {page.status_code}")
    number = stored[0][1]
    answer = dispatch(topology, operator2, number, unit_id) if number else None
    checks.record("c. dispatch through the API with Redis down", answer is not None and answer.status_code == 200,
                  f"HTTP {answer.status_code if answer is not None else '-'}")
    signed = liaison.post(f"{topology.http_url}/api/tickets/{number}/sign/", json={}, timeout=30) if liaison and number else None
    status = Ticket.objects.filter(number=number).values_list("status", flat=True).first() if number else None
    checks.record("c. sign through the API with Redis down (rows written)",
                  signed is not None and signed.status_code == 200 and status == "in_progress",
                  f"HTTP {signed.status_code if signed is not None else '-'}, ticket {status}")
    ready = new_session().get(f"{topology.http_url}/readyz/", timeout=10)
    checks.record("c. /readyz/ stays ready (database up), reporting Redis down",
                  ready.status_code == 200 and ready.json().get("redis") is False, ready.text.strip())
    codes = [socket_close_code(socket, 5) for socket in old_sockets]
    checks.record("c. dashboard sockets open when Redis stopped are closed by their ASGI server",
                  all(code is not None for code in codes),
                  f"close codes {codes} (the page reconnects on any close: dashboards/static/dashboards/live.js)")

    step("c. Redis back: the ASGI servers still up, reconnected dashboards get live events again")
    topology.start_redis()
    topology.wait_for_redis()
    alive = topology.alive()
    checks.record("c. every process survived the outage", all(alive.values()),
                  ", ".join(name for name, up in alive.items() if not up) or "all up")
    sockets = []
    try:
        sockets, failures = [], 0
        for url in topology.asgi_urls:
            sockets.append(open_socket_retrying(url, operator, origin))
            failures += open_socket_retrying.failures
        checks.record("c. dashboards reconnect to both ASGI processes", True,
                      f"{failures} failed attempt(s) before" if failures else "at the first attempt")
    except Exception as error:  # noqa: BLE001
        checks.record("c. dashboards reconnect to both ASGI processes", False, str(error))
    if sockets:
        response, _seconds, sid, phone = post_sms(topology.http_url)
        phones.append(phone)
        ticket_id, number = ticket_for(sid)
        for url, socket in zip(topology.asgi_urls, sockets):
            arrived = wait_for_event(socket, ticket_id, post_sms.started) if ticket_id else None
            checks.record(f"c. live event again on {url}", arrived is not None,
                          f"after {arrived * 1000:.0f} ms" if arrived is not None else f"none within {EVENT_TIMEOUT:.0f} s")
    if sockets:
        step("c. Redis paused (SIGSTOP: it accepts connections and never answers), then resumed")
        topology.pause_redis()
        try:
            response, seconds, sid, phone = post_sms(topology.http_url)
            phones.append(phone)
            checks.record("c. signed SMS webhook answered while Redis hangs", response.status_code == 200,
                          f"HTTP {response.status_code} in {seconds * 1000:.0f} ms")
            ticket_id, number = ticket_for(sid)
            started = time.monotonic()
            answer = dispatch(topology, operator, number, unit_id) if number else None
            checks.record("c. dispatch through the API while Redis hangs", answer is not None and answer.status_code == 200,
                          f"HTTP {answer.status_code if answer is not None else '-'} in "
                          f"{(time.monotonic() - started) * 1000:.0f} ms")
        finally:
            topology.resume_redis()
        response, _seconds, sid, phone = post_sms(topology.http_url)
        phones.append(phone)
        ticket_id, number = ticket_for(sid)
        arrivals = [wait_for_event(socket, ticket_id, post_sms.started) if ticket_id else None for socket in sockets]
        checks.record("c. live events on both ASGI processes once Redis answers again",
                      all(a is not None for a in arrivals),
                      ", ".join(f"{a * 1000:.0f} ms" if a is not None else "none" for a in arrivals))
    close_quietly(*sockets)
    outage_sms = Message.objects.filter(direction=Message.Direction.OUTBOUND, phone=phones[0], template="dispatched")
    sent = wait_until(lambda: outage_sms.filter(status__in=["sent", "delivered"]).exists(),
                      LEASE_SECONDS + 4 * SCHEDULER_INTERVAL + 15, 0.2)
    checks.record("c. the SMS queued during the outage went out", sent,
                  ", ".join(f"{m.status} after {m.attempts} attempt(s)" for m in outage_sms) or "no SMS row")
    return phones


def check_every_message(topology, checks, fake, first_pk):
    """Every SMS the run made: handed to Twilio exactly once, then delivered by a signed status callback."""
    from hotline.models import Message

    step("every outbound SMS of the run: once at Twilio, then delivered by a signed status callback")
    rows = outbound_since(first_pk)
    final = ("sent", "delivered", "undelivered", "failed", "callback", "called", "skipped")
    wait_until(lambda: not rows.exclude(status__in=final).exists(), LEASE_SECONDS + 4 * SCHEDULER_INTERVAL + 15, 0.2)
    rows = list(rows.values("pk", "phone", "status", "external_id", "template").order_by("pk"))
    created = {}  # our message id (the ?m= of its status callback URL) -> the fake's resources
    for params, resource in zip(list(fake.messages), list(fake.message_resources.values())):
        found = re.search(r"[?&]m=(\d+)", params.get("StatusCallback", ""))
        if found:
            created.setdefault(int(found.group(1)), []).append(resource)
    not_sent = [(r["pk"], r["template"], r["status"]) for r in rows if r["status"] not in ("sent", "delivered")]
    checks.record("every SMS of the run sent", rows and not not_sent,
                  f"{len(rows)} SMS ({', '.join(sorted({r['template'] for r in rows}))})"
                  + (f"; not sent: {not_sent}" if not_sent else ""))
    not_once = [(r["pk"], len(created.get(r["pk"], []))) for r in rows if len(created.get(r["pk"], [])) != 1]
    checks.record("every SMS reached Twilio exactly once", rows and not not_once,
                  f"not once (id, times): {not_once}" if not_once else f"{len(rows)} × once")
    callbacks = []
    for row in rows:
        for resource in created.get(row["pk"], [])[:1]:
            params = {"MessageSid": resource["sid"], "SmsSid": resource["sid"], "MessageStatus": "delivered",
                      "AccountSid": BENCH_TWILIO_ACCOUNT_SID, "From": BENCH_TWILIO_FROM_NUMBER, "To": row["phone"],
                      "ApiVersion": "2010-04-01"}
            callbacks.append(signed_post(topology.http_url, f"/twilio/status/?m={row['pk']}", params).status_code)
    statuses = dict(Message.objects.filter(pk__in=[r["pk"] for r in rows]).values_list("pk", "status"))
    undelivered = {pk: s for pk, s in statuses.items() if s != "delivered"}
    checks.record("every SMS delivered (signed status callbacks through the HTTP server)",
                  rows and not undelivered and all(code in (200, 204) for code in callbacks),
                  f"callbacks answered {sorted(set(callbacks))}" + (f"; not delivered: {undelivered}" if undelivered else ""))


# --- main -------------------------------------------------------------------------------------------------


def ports(base):
    if base:
        return {"http": base, "asgi": (base + 1, base + 2), "redis": base + 90}
    return {"http": free_port(), "asgi": (free_port(), free_port()), "redis": free_port()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("PROD_SMOKE_PG", "postgres://postgres@127.0.0.1:5432"),
                        help="the PostgreSQL server (URL without a database name)")
    parser.add_argument("--db", default="hotline_prod_smoke", help="database name (and <name>_template)")
    parser.add_argument("--base-port", type=int, default=0,
                        help="HTTP on N, ASGI on N+1 and N+2, Redis on N+90 (default: free ports)")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "prod-smoke"), help="logs of every process")
    parser.add_argument("--fresh-template", action="store_true", help="rebuild the template database")
    args = parser.parse_args()

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    started = time.monotonic()
    checks = Checks()
    workdir = Path(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    stop_postgres = None
    fake = None
    try:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        stop_postgres = ensure_postgres(args.pg)
        step(f"database {args.db} (a clone of {args.db}_template)")
        database_url = prepare_database(args.pg, args.db, fresh_template=args.fresh_template)
        from tests.fake_twilio import FakeTwilio

        fake = FakeTwilio(BENCH_TWILIO_ACCOUNT_SID, BENCH_TWILIO_AUTH_TOKEN).start()
        port = ports(args.base_port)
        topology = Topology(
            workdir=workdir, database_url=database_url, redis_port=port["redis"], http_port=port["http"],
            asgi_ports=port["asgi"], workers=2, scheduler=True, scheduler_interval=SCHEDULER_INTERVAL,
            twilio_api_url=fake.base_url, worker_interval=0.5, http_workers=3,
            extra_env={
                "HOTLINE_SMS_LEASE_SECONDS": LEASE_SECONDS,
                "TWILIO_HTTP_TIMEOUT": 3,  # shorter than the lease, as in production (10 s vs 60 s)
                "HOTLINE_SMS_PER_SECOND_PER_SENDER": 50,
                "HOTLINE_SMS_RATE_MAX_WAIT_SECONDS": 2,
            },
        )
        setup_django(topology.env)
        first_pk = last_message_pk() + 1  # the SMS rows this run makes come after
        step("starting Redis, gunicorn, 2 × uvicorn, 2 task workers and the scheduler")
        with topology:
            checks.info(f"up in {time.monotonic() - started:.0f} s: HTTP {topology.http_url}, ASGI "
                        f"{', '.join(topology.asgi_urls)}, Redis :{topology.redis_port}, Twilio (fake) {fake.base_url}; "
                        f"logs in {workdir}")
            run_checks(topology, checks, fake, first_pk)
            alive = topology.alive()
            checks.record("no process died on its own", all(alive.values()),
                          ", ".join(f"{n} exited" for n, up in alive.items() if not up) or "all up")
            step("stopping everything")
    except KeyboardInterrupt:
        checks.record("interrupted", False)
    except Exception as error:  # noqa: BLE001 - reported as a failure, everything still stopped
        traceback.print_exc()
        checks.record("the smoke test ran to the end", False, f"{type(error).__name__}: {error}")
    finally:
        if fake is not None:
            fake.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up
            pass
        if stop_postgres is not None:
            stop_postgres()
    passed = sum(1 for _n, ok, _d in checks.results if ok)
    print(f"\nprod-smoke: {passed} passed, {len(checks.failed)} failed in {time.monotonic() - started:.0f} s"
          + (f" (logs in {workdir})" if checks.failed else ""), flush=True)
    for name in checks.failed:
        print(f"  FAILED: {name}")
    return 1 if checks.failed or not checks.results else 0


def run_checks(topology, checks, fake, first_pk):
    from hotline.models import Unit

    origin = topology.http_url  # the page's origin: the proxy serves both under one host in production
    codes, seconds = warm_up(topology)
    checks.info(f"warm-up: 8 requests for the login page, HTTP {sorted(set(codes), key=str)}, {seconds:.1f} s "
                "(first requests: database connections, templates)")
    operator = login(topology.http_url, "operator")
    unit_id = Unit.objects.get(name=LEAD_UNIT).pk
    sockets = check_fanout(topology, checks, operator, origin)
    check_worker_killed(topology, checks, fake, operator, unit_id, accepted=True)
    check_worker_killed(topology, checks, fake, operator, unit_id, accepted=False)
    check_redis_outage(topology, checks, operator, origin, sockets, unit_id, "jt_liaison")
    close_quietly(*sockets)
    check_every_message(topology, checks, fake, first_pk)


if __name__ == "__main__":
    sys.exit(main())
