"""Throttling: anonymous clients per address, logged-in users per account, rates from settings
(API_THROTTLE_ANON / API_THROTTLE_USER); the 429 says when to come back."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(anon, user):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}

    return set_rates


def test_anonymous_clients_are_throttled_per_address(rates):
    rates("3/minute", "1000/minute")
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    # what an anonymous client may use: the document, and asking for a token
    assert [client.get("/api/schema/").status_code for _ in range(2)] == [200, 200]
    assert client.post("/api/auth/token/", {"username": "x", "password": "y"}, format="json").status_code == 401
    response = client.get("/api/schema/")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled" and "秒后再试" in error["message"]
    assert 0 < int(response["Retry-After"]) <= 60
    assert APIClient(REMOTE_ADDR="203.0.113.8").get("/api/schema/").status_code == 200  # another address


def test_each_user_has_their_own_allowance(rates, people):
    rates("1000/minute", "2/minute")
    operator, liaison = APIClient(), APIClient()
    operator.force_authenticate(people["operator"])
    liaison.force_authenticate(people["liaison"])
    assert [operator.get("/api/units/").status_code for _ in range(2)] == [200, 200]
    assert operator.get("/api/units/").status_code == 429
    assert liaison.get("/api/units/").status_code == 200


def test_the_default_rates_come_from_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "API_THROTTLE_ANON": "7/minute", "API_THROTTLE_USER": "70/minute"}
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"],
        env={**env, "DJANGO_SETTINGS_MODULE": "hotline.settings"}, capture_output=True, text=True, check=True,
    ).stdout
    assert "'anon': '7/minute'" in out and "'user': '70/minute'" in out
