"""Photos uploaded with the public form (and the operators' phone form) are checked one by one: a file that
is no image, one too big and too many photos are refused with a message naming the problem, the page keeps
everything else the visitor typed, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline.models import Message, PromotionPhoto, PromotionRequest
from tests.promotion_helpers import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(village):
    return {
        "product": "松林镇竹编背篓", "category": "handicraft", "village": str(village.pk),
        "description": "老篾匠手工编的背篓，结实耐用。", "price": "120", "price_unit": "元/个",
        "availability": "常年可订", "quantity": "每月20个", "phone": "13912345678", "consent": "on",
    }


def photo(name="背篓.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type="image/jpeg")


def refused(client, form, files, message):
    response = client.post("/public/products/apply/", {**form, "photos": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    for name in ("product", "description", "price_unit", "availability", "quantity", "phone"):
        assert form[name] in html, name  # nothing typed is lost
    assert f'<option value="{form["village"]}" selected>' in html
    assert "已填写的内容都保留了，图片需要重新选择。" in html
    assert not PromotionRequest.objects.exists() and not PromotionPhoto.objects.exists()
    assert not Message.objects.exists()  # no code sent
    return html


def test_a_file_that_is_not_an_image(client, form):
    refused(client, form, [photo(), photo("说明.jpg", b"%PDF-1.4 not a photo")], "“说明.jpg”不是可以识别的图片。")


def test_a_photo_too_big(client, form, settings):
    settings.HOTLINE = {**settings.HOTLINE, "PHOTO_MAX_BYTES": 2 * 1024 * 1024}
    big = photo("大图.jpg", jpeg() + b"\0" * (2 * 1024 * 1024))
    refused(client, form, [big], "图片“大图.jpg”太大（不超过 2 MB）。")


def test_too_many_photos(client, form, settings):
    limit = settings.HOTLINE["PHOTOS_PER_ITEM"]
    refused(client, form, [photo(f"{i}.jpg") for i in range(limit + 1)], f"最多上传{limit}张图片。")


def test_as_many_photos_as_allowed_are_kept_re_encoded(client, form, settings):
    limit = settings.HOTLINE["PHOTOS_PER_ITEM"]
    files = [photo(f"{i}.png", jpeg(fmt="PNG")) for i in range(limit)]
    response = client.post("/public/products/apply/", {**form, "photos": files})
    assert response.status_code == 302
    stored = PromotionRequest.objects.get().photos.all()
    assert len(stored) == limit and all(p.image.name.endswith(".jpg") for p in stored)


def test_a_missing_consent_or_village_is_named_too(client, form):
    data = {**form}
    del data["consent"], data["village"]
    response = client.post("/public/products/apply/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请阅读并勾选同意。" in html and "该字段是必填项。" in html
    assert form["description"] in html


def test_the_operators_phone_form_checks_photos_the_same_way(client, people, village):
    client.force_login(people["operator"])
    data = {"phone": "13800138000", "product": "烤鸭", "category": "local_food", "village": str(village.pk),
            "description": "柴火烤鸭"}
    response = client.post("/promotions/new/", {**data, "photos": [photo("x.jpg", b"GIF89a broken")]})
    assert response.status_code == 400 and "“x.jpg”不是可以识别的图片。" in response.content.decode()
    assert "柴火烤鸭" in response.content.decode()
    assert not PromotionRequest.objects.exists()
    response = client.post("/promotions/new/", {**data, "photos": [photo()]})
    assert response.status_code == 302
    assert PromotionRequest.objects.get().photos.count() == 1
