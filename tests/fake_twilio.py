"""A fake Twilio REST API on loopback, for the real `twilio` client to talk to.

Only the resources the hotline uses: Messages (create, fetch, list) and Calls
(create, fetch, update). Answers have the shapes Twilio's API returns (JSON resources,
list pages, error bodies with `code`/`message`/`more_info`/`status`), so the
`twilio` library parses them as it would parse Twilio's. Checks HTTP Basic auth
against the account SID and auth token, as Twilio does.

    server = FakeTwilio(account_sid, auth_token).start()
    ... settings.TWILIO_API_BASE_URL = server.base_url ...
    server.messages          # form parameters of each message created: [{"To": ..., "From": ..., "Body": ...}]
    server.calls             # form parameters of each call created
    server.call_updates      # [(call sid, form parameters)] of each call update (hang up, redirect)
    server.requests          # every request: {"method", "path", "query", "params", "time", "client": (host, port)}
    server.fail_next(status=500, code=20500, times=1)   # the next request(s) fail
    server.fail_next(status=400, code=21610, method="POST", resource="Messages")
    server.delay_next(seconds=1.0, accept=True)  # answer late (a client timeout); the message is still created
    server.delay_next(seconds=30, to="+8613800138000")  # only a request for that number (form field To)
    server.unsubscribe("+8613800138000")          # sends to it fail with 21610, as after the resident sent STOP
    server.on_message = callback                  # called with each new message resource before the answer
    server.set_status(sid, "delivered")           # what Twilio later says about a message (fetch, list)
    server.stop()
"""

import base64
import collections
import datetime as dt
import json
import re
import threading
import time
import uuid
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.helpers import LoopbackServer

ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service unavailable",
    21211: "The 'To' number is not a valid phone number.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/(?P<resource>Messages|Calls)(?:/(?P<sid>[^/.]+))?\.json$")


def num_segments(body):
    """Segments as Twilio counts them: GSM-7 160/153 characters, otherwise UCS-2 70/67."""
    single, part = (160, 153) if set(body) <= GSM7 else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // part)


def _rfc2822(moment):
    return format_datetime(moment.astimezone(dt.timezone.utc), usegmt=False).replace("-0000", "+0000")


class FakeTwilio(LoopbackServer):
    def __init__(self, account_sid, auth_token):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages, self.calls, self.call_updates, self.requests = [], [], [], []
        self.message_resources = collections.OrderedDict()
        self.call_resources = collections.OrderedDict()
        self.unsubscribed = set()
        self.on_message = None
        self._failures = []  # [{"status", "code", "times", "method", "resource", "delay", "accept"}]
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = None

    # --- control -------------------------------------------------------------------------

    def start(self):
        fake = self

        class Handler(_Handler):
            server_fake = fake

        return self._serve(Handler)

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, status=500, code=20500, times=1, *, method=None, resource=None, message=None, to=None):
        """The next `times` requests (of `method` on `resource`, "Messages" or "Calls", for number `to`, if given) fail."""
        with self._lock:
            self._failures.append(
                {"status": status, "code": code, "times": times, "method": method, "resource": resource,
                 "message": message, "delay": 0, "accept": False, "to": to}
            )

    def delay_next(self, seconds, times=1, *, accept=True, method="POST", resource=None, to=None):
        """The next `times` requests are answered only after `seconds` (the client times out first).

        With `accept`, the request is carried out before the wait: the message or call exists
        although the client never heard so, as when Twilio's answer is lost.
        """
        with self._lock:
            self._failures.append(
                {"status": None, "code": None, "times": times, "method": method, "resource": resource,
                 "message": None, "delay": seconds, "accept": accept, "to": to}
            )

    def unsubscribe(self, phone):
        self.unsubscribed.add(phone)

    def set_status(self, sid, status, error_code=None):
        with self._lock:
            resource = self.message_resources.get(sid) or self.call_resources[sid]
            resource["status"] = status
            resource["date_updated"] = _rfc2822(dt.datetime.now(dt.timezone.utc))
            if "error_code" in resource:
                resource["error_code"] = error_code

    def request_times(self, method="POST", resource="Messages"):
        """Arrival times (time.monotonic) of the requests of this kind, in order."""
        with self._lock:
            return [r["time"] for r in self.requests if r["method"] == method and f"/{resource}" in r["path"]]

    # --- what the handler calls -------------------------------------------------------------

    def _take_failure(self, method, resource, to=None):
        with self._lock:
            for rule in self._failures:
                if rule["method"] not in (None, method) or rule["resource"] not in (None, resource):
                    continue
                if rule.get("to") not in (None, to):
                    continue
                rule["times"] -= 1
                if rule["times"] <= 0:
                    self._failures.remove(rule)
                return dict(rule)
        return None

    def _new_sid(self, prefix):
        return prefix + uuid.uuid4().hex

    def _create_message(self, params):
        to, sender, body = params.get("To", ""), params.get("From", ""), params.get("Body", "")
        if not to:
            return 400, _error(21604, 400)
        if not re.fullmatch(r"\+[1-9]\d{6,14}", to):
            return 400, _error(21211, 400, f"The 'To' number {to} is not a valid phone number.")
        if to in self.unsubscribed:
            return 400, _error(21610, 400)
        now = _rfc2822(dt.datetime.now(dt.timezone.utc))
        sid = self._new_sid("SM")
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"
        resource = {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": body,
            "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": sender, "messaging_service_sid": None,
            "num_media": "0", "num_segments": str(num_segments(body)), "price": None, "price_unit": "USD",
            "sid": sid, "status": "queued", "to": to, "uri": uri,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json"), "feedback": uri.replace(".json", "/Feedback.json")},
        }
        with self._lock:
            self.messages.append(params)
            self.message_resources[sid] = resource
        if self.on_message is not None:
            self.on_message(dict(resource), dict(params))
        return 201, resource

    def _create_call(self, params):
        to, sender = params.get("To", ""), params.get("From", "")
        if not to:
            return 400, _error(21201, 400, "No 'To' number is specified")
        if not (params.get("Url") or params.get("Twiml") or params.get("ApplicationSid")):
            return 400, _error(21205, 400, "Url parameter is required.")
        now = _rfc2822(dt.datetime.now(dt.timezone.utc))
        sid = self._new_sid("CA")
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json"
        resource = {
            "account_sid": self.account_sid, "annotation": None, "answered_by": None, "api_version": "2010-04-01",
            "caller_name": None, "date_created": now, "date_updated": now, "direction": "outbound-api",
            "duration": None, "end_time": None, "forwarded_from": None, "from": sender, "from_formatted": sender,
            "group_sid": None, "parent_call_sid": None, "phone_number_sid": "PN" + "0" * 32, "price": None,
            "price_unit": "USD", "queue_time": "0", "sid": sid, "start_time": None, "status": "queued",
            "to": to, "to_formatted": to, "trunk_sid": None, "uri": uri,
            "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")},
        }
        with self._lock:
            self.calls.append(params)
            self.call_resources[sid] = resource
        return 201, resource

    def _update_call(self, sid, params):
        with self._lock:
            resource = self.call_resources.get(sid)
            if resource is None:
                return 404, _error(20404, 404)
            self.call_updates.append((sid, params))
            if params.get("Status"):
                resource["status"] = params["Status"]
            resource["date_updated"] = _rfc2822(dt.datetime.now(dt.timezone.utc))
            return 200, resource

    def _list_messages(self, query, path):
        with self._lock:
            found = [
                r for r in reversed(self.message_resources.values())
                if (not query.get("To") or r["to"] == query["To"]) and (not query.get("From") or r["from"] == query["From"])
            ]
        size = int(query.get("PageSize") or 50)
        return 200, {
            "end": max(len(found[:size]) - 1, 0), "first_page_uri": path, "next_page_uri": None, "page": 0,
            "page_size": size, "previous_page_uri": None, "start": 0, "uri": path, "messages": found[:size],
        }


def _error(code, status, message=None):
    return {
        "code": code, "message": message or ERROR_MESSAGES.get(code, "Error"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status,
    }


def _form(raw):
    parsed = parse_qs(raw, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


class _Handler(BaseHTTPRequestHandler):
    server_fake = None  # set per server
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def _handle(self, method):
        fake = self.server_fake
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        params, query = _form(raw), _form(url.query)
        with fake._lock:
            fake.requests.append(
                {"method": method, "path": url.path, "query": query, "params": params, "time": time.monotonic(),
                 "client": tuple(self.client_address[:2])}
            )
        match = _PATH.match(url.path)
        if not self._authorised():
            return self._answer(401, _error(20003, 401))
        if not match or match["account"] != fake.account_sid:
            return self._answer(404, _error(20404, 404))
        resource, sid = match["resource"], match["sid"]

        failure = fake._take_failure(method, resource, params.get("To"))
        if failure and failure["delay"]:
            answer = self._carry_out(method, resource, sid, params, query, url.path) if failure["accept"] else None
            fake._stopping.wait(failure["delay"])
            return self._answer(*(answer or (503, _error(20503, 503))))
        if failure:
            return self._answer(failure["status"], _error(failure["code"], failure["status"], failure["message"]))
        return self._answer(*self._carry_out(method, resource, sid, params, query, url.path))

    def _carry_out(self, method, resource, sid, params, query, path):
        fake = self.server_fake
        if resource == "Messages":
            if method == "POST" and sid is None:
                return fake._create_message(params)
            if method == "GET" and sid is None:
                return fake._list_messages(query, path)
            if method == "GET" and sid in fake.message_resources:
                return 200, fake.message_resources[sid]
        else:
            if method == "POST" and sid is None:
                return fake._create_call(params)
            if method == "POST":
                return fake._update_call(sid, params)
            if method == "GET" and sid in fake.call_resources:
                return 200, fake.call_resources[sid]
        return 404, _error(20404, 404)

    def _authorised(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        fake = self.server_fake
        return user == fake.account_sid and password == fake.auth_token

    def _answer(self, status, payload):
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass
