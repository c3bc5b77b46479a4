"""Each role lands on its own page; logout and password change work."""

import pytest
from django.contrib.auth.models import User


@pytest.mark.parametrize(
    ("role", "page"),
    [("operator", "/console/"), ("supervisor", "/supervisor/"), ("liaison", "/unit/"), ("head", "/unit/"),
     ("member", "/unit/"), ("editor", "/editor/promotions/")],
)
def test_each_role_lands_on_its_own_page(client, people, role, page):
    client.force_login(people[role])
    assert client.get("/").url == page


def test_a_superuser_without_a_role_lands_on_the_supervisor_page(client, db):
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert client.get("/").url == "/supervisor/"


def test_anonymous_visitors_see_the_public_site_and_staff_pages_ask_them_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/public/"
    assert client.get("/public/").status_code == 200
    response = client.get("/console/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/console/"
    body = client.get(response.url).content.decode()
    assert 'name="username"' in body and "登录" in body


def test_logging_in_follows_next_within_the_site_only(client, people):
    response = client.post("/accounts/login/?next=/tickets/", {"username": "liaison", "password": "pw-liaison", "next": "/tickets/"})
    assert response.url == "/tickets/"
    client.logout()
    response = client.post("/accounts/login/", {"username": "liaison", "password": "pw-liaison", "next": "https://evil.example/"})
    assert response.url == "/"


def test_logout_is_a_post_and_ends_the_session(client, people):
    client.force_login(people["operator"])
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert client.get("/console/").status_code == 302


def test_a_user_changes_their_password(client, people):
    client.force_login(people["liaison"])
    response = client.post("/accounts/password/", {
        "old_password": "pw-liaison", "new_password1": "石门村-lamp-2026", "new_password2": "石门村-lamp-2026",
    })
    assert response.status_code == 302 and response.url == "/accounts/password/done/"
    assert client.get(response.url).status_code == 200
    client.logout()
    assert client.login(username="liaison", password="石门村-lamp-2026")


def test_a_wrong_old_password_or_a_weak_new_one_is_refused(client, people):
    client.force_login(people["liaison"])
    response = client.post("/accounts/password/", {"old_password": "nope", "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    people["liaison"].refresh_from_db()
    assert people["liaison"].check_password("pw-liaison")
