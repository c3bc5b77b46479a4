"""Fuzzing the promotion API as a media editor (tests/test_api_fuzzing.py runs as an operator, who gets 403
from the editors' endpoints): schemathesis generates requests from /api/schema/ for every promotion
operation, aimed mostly at seeded requests in each state. No 5xx; every response documented."""

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

from tests.promotion_helpers import advance, submit

SEEDED = []


@contextlib.contextmanager
def _connections_kept_open():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _load_schema():
    from django.conf import settings as django_settings
    from django.test import override_settings

    from hotline.wsgi import application

    unthrottled = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    with _connections_kept_open(), override_settings(REST_FRAMEWORK=unthrottled):
        loaded = schemathesis.openapi.from_wsgi("/api/schema/", application)
    return loaded.include(path_regex=r"^/api/(promotions|public/products)")


schema = _load_schema()


@pytest.fixture
def editor_token(db, settings, people, village):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    SEEDED.clear()
    for i, state in enumerate(["submitted", "accepted", "scheduled", "published"]):
        request = advance(submit(people["operator"], phone=f"+86138001380{i:02d}", village=village), state,
                          editor=people["editor"])
        SEEDED.append(request.pk)
    with _connections_kept_open():
        yield Token.objects.create(user=people["editor"]).key


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    choices = [path_parameters]
    if path_parameters and SEEDED and "id" in path_parameters:
        choices += [{**path_parameters, "id": pk} for pk in SEEDED]
    return st.sampled_from(choices)


@schema.parametrize()
@settings(
    max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_promotion_api_never_answers_with_a_server_error(case, editor_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
