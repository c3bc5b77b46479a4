"""A user creates, rotates and revokes their own API token; failed passwords are throttled as on
the login page; tokens are managed in the admin too."""

import pytest
from django.contrib.auth.models import User
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

URL = "/api/auth/token/"


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_user_gets_a_token_with_username_and_password_and_uses_it(people):
    response = APIClient().post(URL, {"username": "liaison", "password": "pw-liaison"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "liaison" and body["token"] == Token.objects.get(user=people["liaison"]).key
    assert with_token(body["token"]).get("/api/tickets/").status_code == 200


def test_a_logged_in_user_gets_a_token_with_the_session_and_its_csrf_token(client, people):
    client.force_login(people["operator"])
    api = APIClient(enforce_csrf_checks=True)
    api.cookies = client.cookies
    refused = api.post(URL)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    secret = get_random_string(32)  # what the CSRF cookie holds; pages (Swagger UI too) send it back
    api.cookies["csrftoken"] = secret
    response = api.post(URL, HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201
    assert response.json()["token"] == Token.objects.get(user=people["operator"]).key


def test_a_new_token_replaces_the_old_one_at_once(people):
    first = APIClient().post(URL, {"username": "operator", "password": "pw-operator"}, format="json").json()["token"]
    second = with_token(first).post(URL).json()["token"]  # rotated with the current token
    assert second != first
    assert with_token(first).get("/api/tickets/").status_code == 401
    assert with_token(second).get("/api/tickets/").status_code == 200
    assert Token.objects.filter(user=people["operator"]).count() == 1


def test_a_user_revokes_their_token(people):
    key = Token.objects.create(user=people["supervisor"]).key
    assert with_token(key).delete(URL).status_code == 204
    response = with_token(key).get("/api/tickets/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"
    assert not Token.objects.filter(user=people["supervisor"]).exists()


def test_nobody_gets_a_token_without_credentials_or_with_a_wrong_password(people):
    assert APIClient().post(URL).status_code == 401
    wrong = APIClient().post(URL, {"username": "operator", "password": "guess"}, format="json")
    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "用户名或密码不正确。"
    half = APIClient().post(URL, {"username": "operator"}, format="json")
    assert half.status_code == 400 and list(half.json()["error"]["fields"]) == ["password"]
    assert APIClient().delete(URL).status_code == 401
    assert not Token.objects.exists()


def test_failed_passwords_are_throttled_like_logins(people, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "FREE_FAILURES": 2}
    for _attempt in range(2):
        assert APIClient().post(URL, {"username": "operator", "password": "guess"}, format="json").status_code == 401
    response = APIClient().post(URL, {"username": "operator", "password": "pw-operator"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled" and "秒后再试" in response.json()["error"]["message"]
    assert int(response["Retry-After"]) >= 1
    assert not Token.objects.exists()  # not even the right password gets through while throttled


def test_tokens_are_listed_created_and_deleted_in_the_admin(client, people):
    admin = User.objects.create_superuser("root", password="pw-root")
    client.force_login(admin)
    Token.objects.create(user=people["liaison"])
    listing = client.get("/admin/authtoken/tokenproxy/")
    assert listing.status_code == 200 and "liaison" in listing.content.decode()
    added = client.post("/admin/authtoken/tokenproxy/add/", {"user": people["operator"].pk})
    assert added.status_code == 302, added.content.decode()[:2000]
    key = Token.objects.get(user=people["operator"]).key
    assert with_token(key).get("/api/tickets/").status_code == 200
    deleted = client.post(f"/admin/authtoken/tokenproxy/{people['operator'].pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert with_token(key).get("/api/tickets/").status_code == 401
