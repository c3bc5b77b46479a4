"""The workflow's notion of "now".

Normally `timezone.now()`. The demo loader and importers of past records run
the real workflow at past instants inside `at(moment)`, so timelines, history
and working-hour durations come out as if it had happened then.
"""

import contextlib
import threading

from django.utils import timezone

_local = threading.local()


def now():
    override = getattr(_local, "moment", None)
    return override if override is not None else timezone.now()


def is_replaying():
    """True inside `replaying()`: past events are being recorded, nothing goes out."""
    return getattr(_local, "replaying", False)


@contextlib.contextmanager
def replaying():
    """Record past events (demo data, imported records) without sending anything.

    The workflow writes its rows as usual, but no SMS delivery is enqueued and no
    live event is broadcast: those moments are long gone.
    """
    previous = getattr(_local, "replaying", False)
    _local.replaying = True
    try:
        yield
    finally:
        _local.replaying = previous


def is_overridden():
    return getattr(_local, "moment", None) is not None


@contextlib.contextmanager
def at(moment):
    previous = getattr(_local, "moment", None)
    _local.moment = moment
    try:
        yield moment
    finally:
        _local.moment = previous
