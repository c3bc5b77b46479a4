"""Simplified Chinese by default, whatever the browser says; English when the user picks it."""

import pytest


@pytest.fixture
def staff_client(client, people):
    people["operator"].is_staff = True
    people["operator"].save()
    client.force_login(people["operator"])
    return client


@pytest.mark.django_db
def test_pages_are_in_chinese_even_for_an_english_browser(staff_client):
    page = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "站点管理" in page or "办实事热线" in page
    assert "Site administration" not in page and "Log out" not in page


@pytest.mark.django_db
def test_english_is_available_on_request(staff_client):
    response = staff_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    page = staff_client.get("/admin/").content.decode()
    assert "Log out" in page
