"""A fake upstream 12345 platform's webhook receiver on loopback, as a real one would be written.

It verifies each request's signature with the shared secret (HMAC-SHA256 of the raw body) and
the signed timestamp, de-duplicates by the X-Hotline-Delivery header, and records what it accepted.

    receiver = FakeUpstream(secret).start()
    ... UpstreamSystem(webhook_url=receiver.url, secret=secret) ...
    receiver.accepted        # the parsed bodies it accepted (2xx), in arrival order, duplicates dropped
    receiver.requests        # every request: {"headers", "body" (raw bytes), "json", "status", "valid", "time"}
    receiver.fail_next(status=500, times=2)   # the next request(s) answer this status
    receiver.fail_next(status="garbage")      # the next request gets an answer that is not HTTP
    receiver.delay_next(seconds=2.0)          # answer late (the client times out first)
    receiver.on_request = callback            # called with each request dict before it is answered
    receiver.stop()                           # afterwards `receiver.url` refuses connections

The pytest fixtures below (`receiver`, `city`, `upstream_ticket`) reach every test through tests/conftest.py's `pytest_plugins`.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from hotline.upstream import verify_signature
from tests.helpers import LoopbackServer

SECRET = "test-secret-of-the-city-12345-platform"


class FakeUpstream(LoopbackServer):
    def __init__(self, secret, *, max_age=300):
        self.secret = secret
        self.max_age = max_age
        self.requests, self.accepted = [], []
        self.seen_deliveries = set()
        self.on_request = None
        self._failures = []  # [{"status", "times", "delay"}]
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None
        self._address = None

    def start(self):
        fake = self

        class Handler(_Handler):
            receiver = fake

        return self._serve(Handler)

    @property
    def url(self):
        host, port = self._address
        return f"http://{host}:{port}/hotline/webhook"

    def fail_next(self, status=500, times=1):
        with self._lock:
            self._failures.append({"status": status, "times": times, "delay": 0})

    def delay_next(self, seconds, times=1):
        with self._lock:
            self._failures.append({"status": None, "times": times, "delay": seconds})

    def events(self):
        """(ticket number, event) of each accepted body, in arrival order."""
        return [(body["ticket"]["number"], body["event"]) for body in self.accepted]

    def _take_failure(self):
        with self._lock:
            if not self._failures:
                return None
            rule = self._failures[0]
            rule["times"] -= 1
            if rule["times"] <= 0:
                self._failures.pop(0)
            return dict(rule)


class _Handler(BaseHTTPRequestHandler):
    receiver = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        fake = self.receiver
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        valid = verify_signature(fake.secret, raw, self.headers.get("X-Hotline-Signature"), max_age=fake.max_age)
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        request = {
            "headers": dict(self.headers.items()), "body": raw, "json": parsed, "valid": valid,
            "time": time.monotonic(), "status": None,
        }
        if fake.on_request is not None:
            fake.on_request(request)
        failure = fake._take_failure()
        if failure and failure["delay"]:
            fake._stopping.wait(failure["delay"])
            request["status"] = 504
        elif failure and failure["status"] == "garbage":  # not an HTTP answer at all
            with fake._lock:
                fake.requests.append(request)
            self.close_connection = True
            self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
            return
        elif failure:
            request["status"] = failure["status"]
        elif not valid:
            request["status"] = 401
        else:
            request["status"] = 204
            with fake._lock:
                delivery = self.headers.get("X-Hotline-Delivery")
                if delivery not in fake.seen_deliveries:  # a repeat (at-least-once delivery) is acknowledged again
                    fake.seen_deliveries.add(delivery)
                    fake.accepted.append(parsed)
        with fake._lock:
            fake.requests.append(request)
        self._answer(request["status"])

    def _answer(self, status):
        body = b"" if status == 204 else json.dumps({"status": status}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass


# --- pytest fixtures for tests/test_upstream_*.py -------------------------------------------------


@pytest.fixture
def receiver(settings):
    """The city platform's webhook receiver; short timeouts and backoff for the tests."""
    settings.HOTLINE = {
        **settings.HOTLINE, "WEBHOOK_TIMEOUT_SECONDS": 2.0, "WEBHOOK_LEASE_SECONDS": 60,
        "WEBHOOK_BACKOFF_SECONDS": 30, "WEBHOOK_MAX_BACKOFF_SECONDS": 3600, "WEBHOOK_MAX_ATTEMPTS": 0,
    }
    server = FakeUpstream(SECRET).start()
    yield server
    server.stop()


def make_platform(code, receiver=None, *, with_operator_role=True, **fields):
    from hotline import roles
    from hotline.models import UpstreamSystem
    from tests.conftest import make_user

    user = make_user(f"{code}-api", roles.OPERATOR if with_operator_role else roles.MEDIA_EDITOR)
    fields.setdefault("webhook_url", receiver.url if receiver else "")
    return UpstreamSystem.objects.create(code=code, name=f"{code} 12345", user=user, secret=SECRET, **fields)


@pytest.fixture
def city(people, receiver):
    """The city's 12345 platform: an API login with the operator role, webhooks to `receiver`."""
    return make_platform("city", receiver)


@pytest.fixture
def upstream_ticket(city, people, units):
    """`upstream_ticket(state="new", external_id="SZ-1", **receive_kwargs)`: taken from the city platform,
    then moved through the real workflow to `state` (as make_ticket does)."""
    from hotline import upstream
    from tests.conftest import advance_ticket

    counter = [0]

    def build(state="new", *, external_id=None, system=None, **kwargs):
        counter[0] += 1
        kwargs = {"kind": "help", "title": "路灯不亮", "description": "石门村口路灯坏了三天",
                  "phone": "+8613800138000", "resident_name": "张三", **kwargs}
        ticket, _created = upstream.receive_from_upstream(
            by=(system or city).user, external_id=external_id or f"SZ-{counter[0]}", **kwargs
        )
        return advance_ticket(ticket, state, people=people, lead_unit=units["roads"])

    return build
