"""API fuzzing: schemathesis generates requests from /api/schema/ for every operation (one test item
each) and sends them to the Django app in-process (WSGI) as an operator with a token. No response
may be a 5xx, and every response must be documented (status, content type, body schema).

Bounded — a few generated examples per operation on top of schemathesis' own coverage cases, no
shrinking, derandomized — so the whole file costs about 45 s of one core (about 25 s a worker with
-n 2). A few tickets are seeded per test (a new report, a dispatched ticket with a pending return, a
confidential ticket awaiting its rating) and most generated ticket numbers are mapped onto them, so
the actions run against real tickets and not only into 404s.
"""

import contextlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hotline import workflow

EXAMPLES_PER_OPERATION = 6
SEEDED = {}


def _wsgi_app():
    from hotline.wsgi import application

    return application


@contextlib.contextmanager
def _connections_kept_open():
    """Django closes database connections as a WSGI request starts and ends; the test client does not
    (it disconnects the same signal handler), and neither may we: the test's transaction must survive."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Loaded when the module is collected: generating the document needs no database. (schemathesis'
# lazy `from_fixture` loader does not work with pytest 9.2, whose nodes have no `_nodeid` any more.)
def _load_schema():
    from django.conf import settings as django_settings
    from django.test import override_settings

    unthrottled = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}  # no rate: no throttle
    with _connections_kept_open(), override_settings(REST_FRAMEWORK=unthrottled):
        return schemathesis.openapi.from_wsgi("/api/schema/", _wsgi_app())


schema = _load_schema()


@pytest.fixture
def seeded(db, settings, people, units, village, make_ticket):
    """A new report, a dispatched ticket with a pending return, a confidential one awaiting its rating;
    and no throttling."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    tickets = [make_ticket("new", kind="report"), make_ticket("dispatched"), make_ticket("accepted", confidential=True)]
    workflow.request_return(ticket=tickets[1], by=people["liaison"], reason="不属于本单位")
    SEEDED.clear()
    SEEDED.update(numbers=[t.number for t in tickets], resident_ids=[t.resident_id for t in tickets])
    with _connections_kept_open():
        yield SEEDED


@pytest.fixture
def operator_token(seeded, people):
    return Token.objects.create(user=people["operator"]).key


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # most examples hit a seeded ticket or resident; the rest keep the generated (mostly unknown) value
    choices = [path_parameters]
    if path_parameters and SEEDED:
        if "number" in path_parameters:
            choices += [{**path_parameters, "number": number} for number in SEEDED["numbers"]]
        if "id" in path_parameters:
            choices += [{**path_parameters, "id": pk} for pk in SEEDED["resident_ids"]]
    return st.sampled_from(choices)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints the request as found
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_never_answers_with_a_server_error(case, operator_token):
    # Every response: no 5xx, a documented status code and content type, and a body that matches the
    # documented schema (incl. the error shape). Not checked: that every request the document would
    # refuse is refused (ST201) — the API is lenient where it does no harm (an empty filter is no filter).
    case.call_and_validate(
        headers={"Authorization": f"Token {operator_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
