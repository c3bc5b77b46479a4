"""Fixtures for browser tests: a live ASGI server (HTTP + WebSockets) and headless Chromium.

    @pytest.mark.django_db(transaction=True)
    def test_x(live_server_url, page_for, people):
        page = page_for(people["operator"])            # or page_for(user, phone=True), page_for(None)
        page.goto("/admin/")                           # relative to live_server_url
"""

import multiprocessing
import os
import time
from functools import partial

import pytest
from channels.routing import get_default_application
from channels.testing.live import make_application
from daphne.testing import DaphneProcess
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connection, connections
from django.urls import get_resolver

from tests.browser import CHROMIUM, CHROMIUM_ARGS, session_cookie

HOST = "127.0.0.1"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _in_server_process():
    from channels.layers import channel_layers

    # Django's async-safety check stays on in the server; only the test thread needs it off.
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # Layers built in the test process before the fork hold that process's connections.
    channel_layers.backends = {}


@pytest.fixture
def live_server_url(migration_data, settings):
    """Daphne serving hotline.asgi (static files too) in a process forked for this test.

    Forked after tests/conftest.py's autouse settings, so the server has the same ones (locmem SMS,
    immediate tasks, the test's Redis channel-layer prefix) and, from pytest-django, the test
    database's name (the file test_hotline.sqlite3[_gwN], or test_<db>[_gwN] on PostgreSQL).
    Settings changed after this fixture has run do not reach the server: change them first.
    Needs transactional tests: the server only sees committed rows. (channels' own
    set_database_connection is not used: after the fork NAME already is the test database.)
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail("the live server needs a file-based SQLite test database")
    assert multiprocessing.get_start_method() == "fork", "the server must inherit this test's settings"
    if HOST not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    get_default_application()  # imported once here, not in every forked server
    get_resolver().url_patterns
    connections.close_all()  # a forked child must not share this process's database sockets
    server = DaphneProcess(
        HOST, partial(make_application, static_wrapper=ASGIStaticFilesHandler), setup=_in_server_process
    )
    server.daemon = True  # ended at exit even if this teardown never runs
    server.start()
    deadline = time.monotonic() + 30
    while not server.ready.wait(0.05):
        if not server.is_alive() or time.monotonic() > deadline:
            server.terminate()
            error = "" if server.errors.empty() else server.errors.get()[1]
            raise RuntimeError(f"the live server did not start\n{error}")
    yield f"http://{HOST}:{server.port.value}"
    server.terminate()
    server.join(10)


@pytest.fixture(scope="package")
def browser():
    """Headless Debian Chromium, once per run of this package's tests.

    Package scope, not session: while Playwright runs, its event loop counts as running in the test
    thread, which would break async_to_sync in every later test of the same process.
    """
    from playwright.sync_api import sync_playwright

    # Django refuses ORM calls from a thread with a running event loop: Playwright's, here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser, live_server_url):
    """`page_for(user, *, width=1280, height=800, phone=False)`: a page in a new browser context
    logged in as `user` (None: anonymous), with base_url the live server; `phone=True` is a
    390x844 touch screen. Contexts close when the test ends."""
    contexts = []

    def open_page(user=None, *, width=1280, height=800, phone=False):
        options = PHONE if phone else {"viewport": {"width": width, "height": height}}
        context = browser.new_context(
            base_url=live_server_url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie(user, live_server_url)])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
