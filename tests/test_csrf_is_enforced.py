"""CSRF: a logged-in user's browser cannot be made to act by another site. Every state-changing
page and the session-authenticated API refuse a POST without the CSRF token; the only exempt views
are authorised otherwise (Twilio signatures, Open311 api_key) or change nothing (the API's 404)."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from hotline.models import Ticket


def _token(client, path):
    page = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.mark.django_db
def test_a_ticket_action_without_the_token_is_refused_and_changes_nothing(people, units, make_ticket):
    ticket = make_ticket("new")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["operator"])
    action = f"/tickets/{ticket.number}/do/dispatch/"

    refused = client.post(action, {"dispatch-lead_unit": units["roads"].pk})
    assert refused.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW

    token = _token(client, f"/tickets/{ticket.number}/")
    client.post(action, {"dispatch-lead_unit": units["roads"].pk, "csrfmiddlewaretoken": token})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.DISPATCHED


@pytest.mark.django_db
def test_the_session_api_needs_the_token_too(people, make_ticket):
    ticket = make_ticket("new")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["operator"])
    response = client.post(f"/api/tickets/{ticket.number}/notes/", {"note": "跨站请求"}, content_type="application/json")
    assert response.status_code == 403
    assert not ticket.events.filter(note="跨站请求").exists()


def test_only_the_known_views_are_exempt():
    exempt = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif getattr(pattern.callback, "csrf_exempt", False):
                exempt.add(f"{pattern.callback.__module__}.{getattr(pattern.callback, '__name__', '')}")

    walk(get_resolver().url_patterns)
    allowed_modules = ("hotline.intake.", "api.open311.", "api.views.fallback", "rest_framework", "api.views.")
    assert exempt and all(name.startswith(allowed_modules) for name in exempt), sorted(exempt)
