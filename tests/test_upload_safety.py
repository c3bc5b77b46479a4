"""Uploads are photos and nothing else (issue 10 point 4): HTML, SVG and a script renamed .jpg are refused on
every upload path (public product form, pledge update photos, MMS photos); an image carrying a script (a
GIF/HTML polyglot) is stored only as a fresh JPEG without it; oversized files are refused; stored names are
random; the media view serves only photos under MEDIA_ROOT, with our own Content-Type and nosniff, and
refuses "../"; MEDIA_ROOT may not overlap a static folder."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline import images, pledges, promotions
from hotline.errors import InvalidInput
from hotline.models import PromotionPhoto, PromotionRequest
from hotline.upload_checks import media_outside_static
from tests.pledge_helpers import make_pledge
from tests.promotion_helpers import jpeg, submit

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
# a valid GIF whose bytes also hold an HTML script: a browser sniffing it as HTML would run it
POLYGLOT = jpeg(fmt="GIF") + b"<script>alert(1)</script>"
NOT_PHOTOS = {"html.jpg": HTML, "svg.jpg": SVG, "script.jpg": b"<script>alert(1)</script>", "empty.jpg": b""}


@pytest.fixture
def form(village):
    return {
        "product": "松林镇竹编背篓", "category": "handicraft", "village": str(village.pk),
        "description": "老篾匠手工编的背篓，结实耐用。", "price": "120", "price_unit": "元/个",
        "availability": "常年可订", "quantity": "每月20个", "phone": "13912345678", "consent": "on",
    }


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("name", sorted(NOT_PHOTOS))
def test_the_public_form_refuses_a_renamed_file(client, form, name):
    response = client.post("/public/products/apply/", {**form, "photos": [upload(name, NOT_PHOTOS[name])]})
    assert response.status_code == 400
    assert "不是可以识别的图片" in response.content.decode() or "请选择" in response.content.decode()
    assert not PromotionRequest.objects.exists() and not PromotionPhoto.objects.exists()


@pytest.mark.parametrize("name", sorted(NOT_PHOTOS))
def test_pledge_update_photos_refuse_a_renamed_file(people, units, name):
    pledge = make_pledge(people, units)
    with pytest.raises(InvalidInput, match="不是可以识别的图片"):
        pledges.add_update(pledge=pledge, by=people["liaison"], text="一组路段已完工。",
                           photos=[upload(name, NOT_PHOTOS[name])])
    assert not pledge.updates.exists()


@pytest.mark.parametrize("name", sorted(NOT_PHOTOS))
def test_an_mms_file_that_is_no_photo_is_not_stored(people, monkeypatch, name):
    request = submit(people["operator"])
    photo = PromotionPhoto.objects.create(request=request, source_url="https://api.twilio.com/media/ME1")
    monkeypatch.setattr(promotions, "_download", lambda url: NOT_PHOTOS[name])
    promotions.fetch_photo(photo_id=photo.pk)
    photo.refresh_from_db()
    assert not photo.image and photo.fetch_error


def test_oversized_is_refused_before_decoding(settings):
    settings.HOTLINE = {**settings.HOTLINE, "PHOTO_MAX_BYTES": 1024 * 1024}
    with pytest.raises(ValidationError) as caught:
        images.clean_photo(upload("big.jpg", jpeg() + b"\0" * (1024 * 1024)))
    assert caught.value.code == "too_large"


def test_a_polyglot_is_stored_as_a_fresh_jpeg_under_a_random_name(client, form, settings):
    response = client.post("/public/products/apply/", {**form, "photos": [upload("../../evil.html", POLYGLOT)]})
    assert response.status_code == 302
    stored = PromotionPhoto.objects.get().image
    assert stored.name.startswith("promotions/") and stored.name.endswith(".jpg")
    assert "evil" not in stored.name and ".." not in stored.name
    data = open(stored.path, "rb").read()
    assert data.startswith(b"\xff\xd8") and b"<script" not in data
    assert os.path.realpath(stored.path).startswith(os.path.realpath(settings.MEDIA_ROOT) + os.sep)

    served = client.get(stored.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")
    assert "sandbox" in served["Content-Security-Policy"]


@pytest.mark.parametrize("path", [
    "/media/../hotline/settings.py",
    "/media/%2e%2e/hotline/settings.py",
    "/media/promotions/../../manage.py",
    "/media/..%2f..%2fmanage.py",
    "/media//etc/passwd",
    "/media/%2Fetc%2Fpasswd",
])
def test_the_media_view_refuses_traversal(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert b"SECRET_KEY" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_media_view_serves_nothing_but_photos(client, settings):
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
    for name, data in (("page.html", HTML), ("drawing.svg", SVG), ("notes.txt", b"hello")):
        with open(os.path.join(settings.MEDIA_ROOT, name), "wb") as out:
            out.write(data)
        assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/promotions/").status_code == 404  # no directory listing


def test_media_root_may_not_overlap_a_static_folder(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert media_outside_static() == []
    settings.MEDIA_ROOT = str(tmp_path / "static" / "media")
    assert [error.id for error in media_outside_static()] == ["hotline.E101"]
    settings.MEDIA_ROOT = str(tmp_path)
    assert [error.id for error in media_outside_static()] == ["hotline.E101"]
