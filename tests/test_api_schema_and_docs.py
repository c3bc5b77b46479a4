"""The OpenAPI 3 document at /api/schema/ is valid, types every operation's request and responses
(with the one error shape), and the Swagger UI at /api/docs/ loads nothing from outside."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient

from api.actions import ACTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_generator_validates_the_document_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_every_operation_has_typed_requests_and_responses_and_documents_its_errors(document):
    operations = [(path, method, op) for path, item in document["paths"].items() for method, op in item.items()]
    assert all(path.startswith("/api/") for path, _, _ in operations)  # Open311 has its own spec
    for path, method, op in operations:
        label = f"{method.upper()} {path}"
        success = [code for code in op["responses"] if code.startswith("2")]
        assert success, label
        for code in success:
            if code != "204":
                assert "$ref" in str(op["responses"][code]["content"]["application/json"]["schema"]), label
        for code in ("401", "403", "429"):
            assert op["responses"][code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"}, label
        if "{" in path:
            assert "404" in op["responses"], label
        if method == "post" and "requestBody" in op:
            assert list(op["requestBody"]["content"]) == ["application/json"], label
    error = document["components"]["schemas"]["ErrorDetail"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_every_action_is_a_post_on_the_ticket_number(document):
    for action in ACTIONS:
        op = document["paths"][f"/api/tickets/{{number}}/{action.name}/"]["post"]
        assert "409" in op["responses"] and "400" in op["responses"]
        number = next(p for p in op["parameters"] if p["name"] == "number")
        assert number["in"] == "path" and number["schema"]["pattern"] == r"^\d{7,8}$"
        assert "工单号" in number["description"]
    assert document["paths"]["/api/tickets/{number}/sign/"]["post"].get("requestBody") is None
    reply = document["paths"]["/api/tickets/{number}/reply/"]["post"]["requestBody"]
    assert reply["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReplyInputRequest"}


def test_the_description_explains_auth_errors_and_ticket_numbers(document):
    description = document["info"]["description"]
    assert "Authorization: Token" in description and '{"error": {"code"' in description
    assert set(document["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


def test_the_docs_page_loads_its_assets_from_our_static_files_only():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    # the init script is the split view's own ?script (no inline script: the CSP forbids it)
    assert "/api/docs/?script=" in urls and "<script>" not in html
    urls.remove("/api/docs/?script=")
    assert urls and all(url.startswith("/static/") for url in urls), urls
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for url in urls:
        assert finders.find(url.removeprefix("/static/")), url  # shipped by drf-spectacular-sidecar
    script = APIClient().get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in script.content.decode()
