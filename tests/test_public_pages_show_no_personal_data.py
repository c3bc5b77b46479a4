"""The public site shows no resident's name and no resident's phone number (but a villager's own
contact on a product they agreed to show), on every page a visitor can reach, in both languages.

The demo is loaded once for the module (as in test_load_demo.py) and the public site is crawled
from its front page by following its links, so a new public page is scanned without being listed.
"""

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from hotline.models import PromotionRequest, Resident

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
# pages reached by links that are not pages to scan (the language switch is a form; photos are images)
SKIPPED = ("/media/", "/static/", "/i18n/")
# every public endpoint of the API with a list, and the links to its rows (read from its JSON)
PUBLIC_API = [
    "/api/public/products/", "/api/public/pledges/", "/api/public/guides/", "/api/public/guides/?q=身份证",
    "/api/public/ranking/",
]
# the public pages with query strings the crawl would not make up itself
EXTRA_STARTS = ["/public/guides/?q=身份证", "/public/guides/?q=低保", "/public/ranking/"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        with TestCase.captureOnCommitCallbacks():
            call_command("load_demo", tickets=60, debug_off_ok=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


def crawl(client):
    """Every public page reachable from the front page (and EXTRA_STARTS): {path: html}."""
    seen, pages = set(), {}
    queue = deque(["/public/", *EXTRA_STARTS])
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        html = response.content.decode()
        pages[path] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            url, _fragment = urldefrag(urljoin(path, href))
            parts = urlsplit(url)
            if parts.scheme in ("", "http") and parts.netloc in ("", "testserver"):
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                if local.startswith("/public/") and not local.startswith(SKIPPED) and local not in seen:
                    queue.append(local)
    return pages


def _phone_forms(e164):
    national = e164.removeprefix("+86")
    forms = {e164, national}
    if len(national) == 11:
        forms |= {f"{national[:3]} {national[3:7]} {national[7:]}", f"{national[:3]}-{national[3:7]}-{national[7:]}"}
    return forms


@pytest.fixture(scope="module")
def private_data(demo, django_db_blocker):
    with django_db_blocker.unblock():
        consented = set(
            PromotionRequest.objects.filter(
                contact_public=True, status__in=[PromotionRequest.Status.PUBLISHED, PromotionRequest.Status.DONE]
            ).values_list("resident__phone", flat=True)
        )
        phones, names = set(), set()
        for phone, name in Resident.objects.values_list("phone", "name"):
            if str(phone) not in consented:
                phones |= _phone_forms(str(phone))
            if name and len(name) >= 2:
                names.add(name)
        return {"phones": phones, "names": names, "consented": consented}


MOBILE = re.compile(r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
# uploaded photos' URLs: random hex names (the photos themselves are re-encoded without metadata)
PHOTO_URL = re.compile(r"(?:https?://[^\s\"'<>]*)?/media/[\w./-]+")


def leaks(text, private):
    text = PHOTO_URL.sub("/media/…", text)
    found = [phone for phone in private["phones"] if phone in text]
    found += [name for name in private["names"] if name in text]
    # any mobile number at all that is not a consented contact (a phone typed into a description, say)
    allowed = {form for phone in private["consented"] for form in _phone_forms(phone)}
    found += [m.group(0) for m in MOBILE.finditer(text) if m.group(0) not in allowed]
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_public_page_shows_a_residents_name_or_phone(client, private_data, language):
    client.post("/i18n/setlang/", {"language": language, "next": "/public/"})
    pages = crawl(client)
    # the crawl reached every kind of public page
    for prefix in ("/public/products/", "/public/pledges/unit/", "/public/pledges/", "/public/guides/", "/public/ranking/"):
        assert sum(path.startswith(prefix) for path in pages) >= 2, f"no pages under {prefix} were reached"
    found = {path: leaks(html, private_data) for path, html in pages.items()}
    assert not {path: what for path, what in found.items() if what}


def test_no_public_api_answer_shows_a_residents_name_or_phone(client, private_data):
    for path in PUBLIC_API:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
        assert not leaks(response.content.decode(), private_data), path


def test_a_consented_contact_is_shown_and_the_others_are_not(client, private_data):
    shown = PromotionRequest.objects.filter(
        status__in=[PromotionRequest.Status.PUBLISHED, PromotionRequest.Status.DONE]
    ).select_related("resident")
    assert shown.filter(contact_public=True).exists() and shown.filter(contact_public=False).exists()
    for request in shown:
        html = client.get(f"/public/products/{request.pk}/").content.decode()
        national = str(request.resident.phone).removeprefix("+86")
        assert (national in html) == request.contact_public, request


def test_a_photo_file_name_that_looks_like_a_phone_is_no_leak():
    """Photo files are named by a random uuid4 hex, which holds a run like 13254761832 about once in 650
    photos: the scan skips photo URLs (or it would fail at random with the demo's photos)."""
    private = {"phones": set(), "names": set(), "consented": set()}
    html = '<a href="/media/promotions/9b48b1325476183xeebaf51a366.jpg"><img src="/media/pledges/ab13254761832f.jpg"></a>'
    assert leaks(html, private) == []
    assert leaks(html + "<p>电话13254761832</p>", private) == ["13254761832"]
