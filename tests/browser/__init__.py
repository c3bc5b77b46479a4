"""Helpers for browser tests (headless Debian Chromium driven by Playwright); fixtures in conftest.py.

Playwright's sync API leaves its event loop marked as running in the test thread, so while a
browser is open, code that calls `async_to_sync` (a workflow action broadcasting its live event
after commit, `channel_layer.group_send`) must run through `in_thread`.
"""

import threading
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.test import Client

from tests.conftest import twilio_params, twilio_signature

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def screenshot(page, name, *, full_page=True):
    """Save the page as artifacts/screenshots/<name>.png; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def session_cookie(user, base_url):
    """A Playwright cookie logging `user` in (a session made by Client.force_login, in the shared DB)."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base_url}


def in_thread(func, *args, **kwargs):
    """Call func in a worker thread (own DB connection, no event loop) and return its result."""
    from django.db import connection

    result, error = [], []

    def run():
        try:
            result.append(func(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            error.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), f"{func} still running after 60 s"
    if error:
        raise error[0]
    return result[0]


def twilio_post(base_url, path, params, *, timeout=10):
    """POST a form to the live server, signed as Twilio signs it (the URL the server will check:
    TWILIO_PUBLIC_BASE_URL when set, else the live server's own URL). Returns a requests.Response."""
    signed_url = (settings.TWILIO_PUBLIC_BASE_URL or base_url).rstrip("/") + path
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
        "X-Twilio-Signature": twilio_signature(signed_url, params),
    }
    return requests.post(base_url.rstrip("/") + path, data=urlencode(params), headers=headers, timeout=timeout)


def send_sms(base_url, body, *, phone="+8613800138000", sid=None, **overrides):
    """A resident's SMS to /twilio/sms/ (a real Twilio body with From/Body/MessageSid replaced)."""
    response = twilio_post(base_url, "/twilio/sms/", twilio_params(body=body, phone=phone, sid=sid, **overrides))
    assert response.status_code == 200, response.text
    return response


_LISTEN_JS = """url => new Promise((resolve, reject) => {
    window.__hotlineEvents = [];
    const socket = new WebSocket(url);
    socket.onmessage = e => window.__hotlineEvents.push(JSON.parse(e.data));
    socket.onopen = () => resolve(true);
    socket.onerror = () => reject(new Error("WebSocket error: " + url));
    window.__hotlineSocket = socket;
})"""
_FIND_JS = """fields => window.__hotlineEvents.find(
    e => Object.entries(fields).every(([k, v]) => e[k] === v)) || null"""


class EventSocket:
    """A WebSocket to /ws/events/ opened by the page itself (with its session cookie), recording
    every message; waits until the consumer says it joined, so no later event is missed."""

    def __init__(self, page, path="/ws/events/"):
        self.page = page
        page.evaluate(_LISTEN_JS, page.evaluate("location.origin").replace("http", "ws", 1) + path)
        self.joined = self.wait_for(type="joined")

    @property
    def messages(self):
        return self.page.evaluate("window.__hotlineEvents")

    def wait_for(self, timeout=10_000, **fields):
        """The first message whose fields equal `fields` (waiting up to `timeout` ms)."""
        self.page.wait_for_function(_FIND_JS, arg=fields, timeout=timeout)
        return self.page.evaluate(_FIND_JS, fields)
