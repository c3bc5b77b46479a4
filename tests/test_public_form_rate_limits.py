"""Every form a visitor posts without logging in is limited per client address (behind TRUSTED_PROXY_COUNT
proxies, the address the proxy saw) and, where a phone is given, per phone: past the limit the page answers
429 with a clear message and the form as typed, and nothing is created or sent (hotline.ratelimits)."""

import pytest

from hotline import ratelimits
from hotline.models import Message, PhoneConfirmation, PromotionRequest
from tests.pledge_helpers import make_pledge

pytestmark = pytest.mark.django_db
LIMITED = "提交太频繁"


@pytest.fixture
def limit(settings):
    settings.HOTLINE = {**settings.HOTLINE, "PUBLIC_POSTS_PER_ADDRESS_HOUR": 2}
    return 2


def feedback(client, pledge, text, phone="13912345678", **extra):
    return client.post(f"/public/pledges/{pledge.pk}/feedback/",
                       {"feedback-text": text, "feedback-phone": phone}, **extra)


def test_pledge_feedback_per_address(client, people, units, limit):
    pledge = make_pledge(people, units)
    for n in range(limit):
        assert feedback(client, pledge, f"意见{n}", phone=f"1391234567{n}").status_code == 302
    response = feedback(client, pledge, "二组路段什么时候开工？", phone="13912345679")
    assert response.status_code == 429
    page = response.content.decode()
    assert LIMITED in page and "二组路段什么时候开工？" in page and "13912345679" in page
    assert PhoneConfirmation.objects.count() == limit
    assert Message.objects.filter(template="confirm_code").count() == limit
    # another address is not affected
    assert feedback(client, pledge, "另一个人", phone="13912345670", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_address_behind_a_proxy_is_the_one_the_proxy_saw(client, people, units, limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    pledge = make_pledge(people, units)
    for n in range(limit):  # a forged left-hand X-Forwarded-For entry changes nothing
        forged = {"HTTP_X_FORWARDED_FOR": f"1.2.3.{n}, 203.0.113.7"}
        assert feedback(client, pledge, f"意见{n}", phone=f"1391234567{n}", **forged).status_code == 302
    forged = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.7"}
    assert feedback(client, pledge, "再来", phone="13912345679", **forged).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.8"}
    assert feedback(client, pledge, "别人", phone="13912345670", **other).status_code == 302


def test_pledge_vote_per_address(client, people, units, limit):
    pledge = make_pledge(people, units, state="done")
    for n in range(limit):
        client.post(f"/public/pledges/{pledge.pk}/vote/", {"vote-verdict": "fulfilled", "vote-phone": f"1391234567{n}"})
    response = client.post(f"/public/pledges/{pledge.pk}/vote/", {"vote-verdict": "fulfilled", "vote-phone": "13912345679"})
    assert response.status_code == 429 and LIMITED in response.content.decode()
    assert not PhoneConfirmation.objects.filter(phone="+8613912345679").exists()


def test_the_product_form_per_address_keeps_what_was_typed(client, village, limit):
    form = {
        "product": "松林镇竹编背篓", "category": "handicraft", "village": str(village.pk),
        "description": "老篾匠手工编的背篓，结实耐用。", "price": "120", "price_unit": "元/个",
        "availability": "常年可订", "quantity": "每月20个", "phone": "13912345678", "consent": "on",
    }
    for _n in range(limit):
        client.post("/public/products/apply/", {**form, "product": ""})  # invalid posts count too
    response = client.post("/public/products/apply/", form)
    assert response.status_code == 429
    page = response.content.decode()
    assert LIMITED in page and "老篾匠手工编的背篓，结实耐用。" in page and "松林镇竹编背篓" in page
    assert not PromotionRequest.objects.exists() and not Message.objects.exists()


def test_codes_per_phone_answer_429(client, people, units, settings):
    settings.HOTLINE = {**settings.HOTLINE, "CONFIRM_CODES_PER_PHONE_HOUR": 1}
    pledge = make_pledge(people, units)
    assert feedback(client, pledge, "第一条").status_code == 302
    response = feedback(client, pledge, "第二条", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert "这个号码获取验证码太频繁" in response.content.decode() and "第二条" in response.content.decode()
    assert PhoneConfirmation.objects.count() == 1


def test_code_guesses_are_limited_per_token_and_per_address(client, people, units, settings):
    settings.HOTLINE = {**settings.HOTLINE, "PUBLIC_POSTS_PER_ADDRESS_HOUR": 5, "CONFIRM_MAX_ATTEMPTS": 3}
    pledge = make_pledge(people, units)
    tokens = []
    for n in range(2):
        response = feedback(client, pledge, f"意见{n}", phone=f"1391234567{n}", REMOTE_ADDR=f"10.1.0.{n}")
        tokens.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    # per token: the code is dead after CONFIRM_MAX_ATTEMPTS wrong tries
    for _n in range(3):
        client.post(f"/public/confirm/{tokens[0]}/", {"code": "000000"})
    assert PhoneConfirmation.objects.get(token=tokens[0]).attempts == 3
    # per address: the guesser's address is cut off across tokens, before the code is even checked
    for _n in range(2):  # the address's 4th and 5th posts this hour: still checked
        assert client.post(f"/public/confirm/{tokens[1]}/", {"code": "000000"}).status_code == 400
    response = client.post(f"/public/confirm/{tokens[1]}/", {"code": "000000"})
    assert response.status_code == 429 and LIMITED in response.content.decode()
    assert 'value="000000"' in response.content.decode()  # the typed code is still in the form
    assert PhoneConfirmation.objects.get(token=tokens[1]).attempts == 2


def test_one_helper_reads_the_client_address():
    from api.open311 import throttle
    from hotline import login_throttle

    assert login_throttle.client_address is ratelimits.client_address
    assert throttle.ratelimits is ratelimits
