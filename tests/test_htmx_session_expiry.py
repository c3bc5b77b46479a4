"""A fragment refreshed after the session expired sends the whole page to the login, then back to it."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fragment", "page"),
    [
        ("/console/queue/new/", "/console/"),
        ("/supervisor/panel/overdue/", "/supervisor/"),
        ("/unit/queue/?status=dispatched", "/unit/?status=dispatched"),
    ],
)
def test_an_expired_session_reloads_the_whole_page_at_the_login(client, fragment, page):
    response = client.get(fragment, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
    assert response["HX-Redirect"].endswith(page.replace("/", "%2F").replace("?", "%3F").replace("=", "%3D"))
    assert b"<form" not in response.content


@pytest.mark.django_db
def test_an_ordinary_page_still_redirects_to_the_login(client):
    response = client.get("/console/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/console/"
