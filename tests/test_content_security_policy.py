"""Content-Security-Policy (issue 10, point 1): every kind of page is served with a policy that runs scripts
and styles from our own origin only (no 'unsafe-inline', no 'unsafe-eval'; a nonce only for the stylesheet
inside a server-rendered chart), and no template holds what that policy would block or what would need
eval: no inline <script>, no on…= handler, no style attribute or <style> block, no hx-on attribute, no
htmx trigger filter. The pages are walked in headless Chromium by
tests/browser/test_content_security_policy_in_chromium.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC_JS = sorted((Path(settings.BASE_DIR) / "dashboards" / "static").rglob("*.js"))


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response):
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce needed: not one inline script
    assert csp["style-src"][0] == "'self'" and all(v.startswith("'nonce-") for v in csp["style-src"][1:])
    for directive in ("script-src", "style-src", "default-src", "connect-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(csp.get(directive, [])), directive
    assert csp["img-src"] == ["'self'", "data:"] and csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    return csp


def test_staff_public_admin_and_api_docs_pages_carry_the_policy(client, people):
    client.force_login(people["operator"])
    for path in ("/console/", "/tickets/new/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)
    client.logout()
    for path in ("/public/", "/public/pledges/", "/api/docs/", "/api/docs/?script=", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)
    root = User.objects.create_superuser("root", password="pw-root")
    client.force_login(root)
    for path in ("/admin/", "/admin/hotline/ticket/", "/admin/hotline/ticket/add/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_a_chart_stylesheet_carries_the_nonce_of_its_response(client, people):
    client.force_login(people["supervisor"])
    response = client.get("/supervisor/ranking/")
    assert response.status_code == 200
    csp = assert_strict(response)
    nonce = csp["style-src"][1].removeprefix("'nonce-").removesuffix("'")
    page = response.content.decode()
    styles = re.findall(r"<style\b[^>]*>", page)
    assert styles and all(tag == f'<style type="text/css" nonce="{nonce}">' for tag in styles), styles
    assert 'style="' not in page  # pygal's hidden tooltip is an opacity attribute, not a style one
    assert client.get("/supervisor/ranking/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_pages_without_a_chart_have_no_nonce(client, people):
    client.force_login(people["operator"])
    assert policy(client.get("/console/"))["style-src"] == ["'self'"]


def _templates():
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 50
    uncommented = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)  # what reaches a browser
    return [(path.relative_to(TEMPLATES), uncommented.sub("", path.read_text(encoding="utf-8"))) for path in files]


def test_no_template_has_hx_on_or_anything_else_needing_eval():
    for name, text in _templates():
        assert not re.search(r"\b(?:data-)?hx-on\b", text), f"{name}: hx-on needs eval; use dashboards/app.js"
        assert not re.search(r"""hx-(?:vals|headers|vars)\s*=\s*['"]\s*(?:js|javascript):""", text), name
        for trigger in re.findall(r'hx-trigger="([^"]*)"', text):
            assert "[" not in trigger, f"{name}: a trigger filter needs eval: {trigger}"


def test_no_template_has_an_inline_script_handler_or_style():
    for name, text in _templates():
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert re.search(r"\bsrc=", tag) or "nonce=" in tag, f"{name}: inline script {tag}"
        assert not re.search(r"""\son[a-z]+\s*=\s*["']""", text), f"{name}: inline event handler"
        assert "javascript:" not in text.lower(), name
        assert not re.search(r"""\sstyle\s*=\s*["']""", text), f"{name}: style attribute (use a class)"
        assert "<style" not in text, f"{name}: <style> block (use a stylesheet)"


def test_htmx_injects_no_style_and_evaluates_nothing():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    config = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base)
    assert config, "base.html configures htmx"
    assert '"includeIndicatorStyles": false' in config.group(1) and '"allowEval": false' in config.group(1)
    assert base.index('name="htmx-config"') < base.index("htmx-2.min.js")  # read when htmx loads
    css = (Path(settings.BASE_DIR) / "dashboards" / "static" / "dashboards" / "app.css").read_text(encoding="utf-8")
    assert ".htmx-indicator" in css and ".htmx-request" in css


def test_no_script_reads_the_csrf_cookie():
    # the CSRF cookie is HttpOnly: pages carry the token (hx-headers on <body>, hidden form fields)
    assert STATIC_JS
    for path in STATIC_JS:
        text = path.read_text(encoding="utf-8")
        assert "document.cookie" not in text and "csrftoken" not in text, path
        assert "eval(" not in text and "new Function" not in text, path
    assert """hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'""" in (TEMPLATES / "base.html").read_text()
