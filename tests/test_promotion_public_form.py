"""The public form /public/products/apply/: a valid application waits UNCONFIRMED (invisible to editors and
the public) until the code sent by SMS is typed back; then it is the phone's resident's, SUBMITTED, with an
SMS. A wrong or expired code changes nothing; confirming twice submits once; a day later the unconfirmed
ones are gone, with their photos."""

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline import promotions
from hotline.models import Message, PromotionPhoto, PromotionRequest, Resident
from tests.promotion_helpers import jpeg

pytestmark = pytest.mark.django_db
PHONE = "+8613912345678"


@pytest.fixture
def form(village):
    return {
        "product": "大河乡土蜂蜜", "category": "farm_product", "village": str(village.pk),
        "description": "山里的百花蜜，一年只取一次。", "price": "80", "price_unit": "元/斤",
        "availability": "全年", "quantity": "约200斤", "phone": "139 1234 5678", "contact_public": "on", "consent": "on",
    }


def photos(n=2):
    return [SimpleUploadedFile(f"蜂蜜{i}.jpg", jpeg(colour=(i * 40, 120, 30)), content_type="image/jpeg") for i in range(n)]


def code_sent_to(phone=PHONE):
    return Message.objects.filter(phone=phone, template="confirm_code").latest("pk").params["code"]


def apply(client, form, n_photos=2):
    response = client.post("/public/products/apply/", {**form, "photos": photos(n_photos)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def test_an_application_waits_for_its_code_then_is_submitted(client, form, people, village, django_capture_on_commit_callbacks):
    assert client.get("/public/products/apply/").status_code == 200
    confirm_url = apply(client, form)
    assert confirm_url.startswith("/public/confirm/")
    request = PromotionRequest.objects.get()
    assert (request.status, request.resident, request.channel, request.contact_public) == ("unconfirmed", None, "web", True)
    assert request.photos.count() == 2 and all(p.image for p in request.photos.all())
    assert not Resident.objects.filter(phone=PHONE).exists()  # nobody is registered for an unconfirmed phone
    # invisible to editors and the public while unconfirmed
    assert not promotions.editor_requests().exists()
    client.force_login(people["editor"])
    assert client.get(f"/editor/promotions/{request.pk}/").status_code == 404
    assert client.get(f"/public/products/{request.pk}/").status_code == 404
    client.logout()

    page = client.get(confirm_url)
    assert page.status_code == 200 and "5678" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url, {"code": code_sent_to()})
    assert response.status_code == 302 and response.url == "/public/products/apply/thanks/"
    assert client.get(response.url).status_code == 200
    request.refresh_from_db()
    assert request.status == "submitted" and request.resident.phone == PHONE
    assert request.resident.village == village
    assert Message.objects.filter(phone=PHONE, template="promotion_submitted").count() == 1
    assert promotions.editor_requests().get() == request


def test_a_wrong_code_changes_nothing_and_the_right_one_still_works(client, form):
    confirm_url = apply(client, form)
    code = code_sent_to()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(confirm_url, {"code": wrong})
    assert response.status_code == 400
    assert "验证码不正确，还可以再试 4 次。" in response.content.decode()
    assert PromotionRequest.objects.get().status == "unconfirmed"
    assert not Message.objects.filter(template="promotion_submitted").exists()
    assert client.post(confirm_url, {"code": code}).status_code == 302
    assert PromotionRequest.objects.get().status == "submitted"


def test_confirming_twice_submits_once(client, form):
    confirm_url = apply(client, form)
    code = code_sent_to()
    first = client.post(confirm_url, {"code": code})
    second = client.post(confirm_url, {"code": code})
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert PromotionRequest.objects.get().status == "submitted"
    assert Message.objects.filter(template="promotion_submitted").count() == 1
    assert PromotionRequest.objects.get().history.filter(status="submitted").count() == 1


def test_an_expired_code_changes_nothing_and_a_day_later_the_application_is_gone(client, form, time_machine):
    from django.utils import timezone

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    confirm_url = apply(client, form)
    request = PromotionRequest.objects.get()
    files = [p.image.path for p in request.photos.all()]
    assert all(os.path.exists(path) for path in files)
    time_machine.move_to(start + dt.timedelta(minutes=20), tick=False)
    response = client.post(confirm_url, {"code": code_sent_to()})
    assert response.status_code == 400 and "验证码已过期，请重新提交。" in response.content.decode()
    assert PromotionRequest.objects.get().status == "unconfirmed"

    assert promotions.purge_unconfirmed() == 0  # kept for a day
    assert not promotions.has_unconfirmed_to_purge()
    time_machine.move_to(start + dt.timedelta(days=1, minutes=1), tick=False)
    assert promotions.has_unconfirmed_to_purge()
    from hotline.promotion_tasks import purge_unconfirmed_promotions

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        result = purge_unconfirmed_promotions.enqueue()
    assert result.return_value == 1
    assert not PromotionRequest.objects.exists() and not PromotionPhoto.objects.exists()
    assert not any(os.path.exists(path) for path in files)


def test_the_purge_leaves_confirmed_requests_alone(client, form, people, time_machine):
    from django.utils import timezone

    from tests.promotion_helpers import submit

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    submit(people["operator"])
    apply(client, form)
    time_machine.move_to(start + dt.timedelta(days=2), tick=False)
    assert promotions.purge_unconfirmed() == 1
    assert PromotionRequest.objects.get().status == "submitted"


def test_too_many_codes_for_one_phone_keeps_what_was_typed(client, form, settings):
    settings.HOTLINE = {**settings.HOTLINE, "CONFIRM_CODES_PER_PHONE_HOUR": 1}
    apply(client, form, n_photos=1)
    folder = os.path.join(settings.MEDIA_ROOT, "promotions")
    before = set(os.listdir(folder))
    response = client.post("/public/products/apply/", {**form, "photos": photos(1)})
    assert set(os.listdir(folder)) == before  # the refused one's photo file is gone too
    assert response.status_code == 429  # a rate limit (hotline.ratelimits, issue 10)
    html = response.content.decode()
    assert "这个号码获取验证码太频繁，请一小时后再试。" in html and "山里的百花蜜，一年只取一次。" in html
    assert PromotionRequest.objects.count() == 1  # the refused one was rolled back
    assert PromotionPhoto.objects.count() == 1
