"""Outbound SMS gateways. Provider-neutral: each gets the text and the template id with params."""

import abc
import logging
import threading
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from hotline.phones import mask_phone

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """Sending failed; `permanent` ones are not retried (e.g. an unreachable number)."""

    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class Gateway(abc.ABC):
    name = "base"

    @abc.abstractmethod
    def send(self, *, to, text, template="", params=None):
        """Send one SMS; return the provider's message id."""


class ConsoleGateway(Gateway):
    """Development: print the SMS (number masked) instead of sending it."""

    name = "console"

    def send(self, *, to, text, template="", params=None):
        sid = f"console-{uuid.uuid4().hex[:16]}"
        print(f"[SMS to {mask_phone(to)}] {text}", flush=True)
        return sid


class LocmemGateway(Gateway):
    """Tests: keep sent SMS in memory (`LocmemGateway.outbox`)."""

    name = "locmem"
    outbox = []
    fail_next = []  # GatewayErrors to raise on the next sends, for tests of retries
    _lock = threading.Lock()

    def send(self, *, to, text, template="", params=None):
        with self._lock:
            if self.fail_next:
                raise self.fail_next.pop(0)
            sid = f"locmem-{uuid.uuid4().hex[:16]}"
            self.outbox.append({"sid": sid, "to": to, "text": text, "template": template, "params": params or {}})
            return sid


BACKENDS = {
    "console": "hotline.messaging.gateways.ConsoleGateway",
    "locmem": "hotline.messaging.gateways.LocmemGateway",
}


def get_gateway():
    path = BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    return import_string(path)()
