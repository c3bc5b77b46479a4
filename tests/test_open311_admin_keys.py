"""Open311 api_keys in the admin: a random key shown once, only its hash kept, switched off when done."""

import hashlib
import re

import pytest

from hotline.models import Category, Open311Key, Ticket

V2 = "/open311/v2"


@pytest.fixture
def supervisor_client(client, people):
    user = people["supervisor"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _add_key(client, name="城市App"):
    response = client.post("/admin/hotline/open311key/add/", {"name": name, "is_active": "on"})
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'<code id="open311-key"[^>]*>([^<]+)</code>', response.content.decode()).group(1)
    return key, response


def _post_request(client, key):
    category = Category.objects.get_or_create(name="路灯")[0]
    return client.post(
        f"{V2}/requests.json",
        {"api_key": key, "service_code": str(category.pk), "address_string": "石门村", "description": "路灯坏了"},
    )


def test_the_supervisor_adds_a_key_and_sees_it_once(supervisor_client, people):
    key, _response = _add_key(supervisor_client)
    stored = Open311Key.objects.get()
    assert len(key) >= 40  # 256 random bits
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and stored.prefix == key[:8]
    assert stored.created_by == people["supervisor"] and stored.is_active
    # never again: not in the list, not on the change page, not in any column
    for path in ("/admin/hotline/open311key/", f"/admin/hotline/open311key/{stored.pk}/change/"):
        body = supervisor_client.get(path).content.decode()
        assert key not in body and stored.prefix in body
    assert not any(key in str(value) for value in Open311Key.objects.values().get().values())
    # and the key works
    assert _post_request(supervisor_client, key).status_code == 200
    assert Ticket.objects.count() == 1


def test_each_key_is_different(supervisor_client):
    first, _ = _add_key(supervisor_client, "甲")
    second, _ = _add_key(supervisor_client, "乙")
    assert first != second and Open311Key.objects.count() == 2


def test_a_deactivated_key_is_refused(supervisor_client):
    key, _ = _add_key(supervisor_client)
    stored = Open311Key.objects.get()
    response = supervisor_client.post(
        "/admin/hotline/open311key/", {"action": "deactivate", "_selected_action": [stored.pk]}
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert not stored.is_active
    response = _post_request(supervisor_client, key)
    assert response.status_code == 403 and response.json()[0]["code"] == 403
    assert not Ticket.objects.exists()


def test_a_key_can_be_switched_off_on_its_page_but_never_changed(supervisor_client):
    key, _ = _add_key(supervisor_client)
    stored = Open311Key.objects.get()
    response = supervisor_client.post(
        f"/admin/hotline/open311key/{stored.pk}/change/",
        {"name": "改名", "key_hash": "0" * 64, "prefix": "xxxxxxxx"},  # is_active unticked
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.name == "改名" and not stored.is_active
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and stored.prefix == key[:8]


def test_units_cannot_manage_keys(client, people):
    liaison = people["liaison"]
    liaison.is_staff = True
    liaison.save()
    client.force_login(liaison)
    assert client.get("/admin/hotline/open311key/add/").status_code == 403
