"""办事/BS + keyword by SMS: the best published guide's title, a short summary and its public link,
in at most two segments; a clear answer when nothing is found or no keyword was given."""

import pytest

from hotline.messaging import segment_count
from hotline.models import Message, ServiceGuide, SmsTemplate, Ticket
from tests.conftest import twilio_params, twiml_reply
from tests.guide_helpers import make_guide

pytestmark = pytest.mark.django_db

BASE = "https://rexian.example.gov.cn"


@pytest.fixture
def ask(sms, settings):
    """Send an SMS as Twilio signs it for the configured public address; returns the reply's text."""

    def send(body):
        url = (settings.TWILIO_PUBLIC_BASE_URL or "http://testserver").rstrip("/") + "/twilio/sms/"
        response = sms.post(twilio_params(body=body, phone="+8613800138000"), url=url)
        assert response.status_code == 200, response.content
        return twiml_reply(response)

    return send


@pytest.fixture
def id_guide(people, units, settings):
    settings.TWILIO_PUBLIC_BASE_URL = BASE + "/"
    make_guide(people, units["roads"], title="户口迁移", keywords="落户")
    return make_guide(
        people, units["roads"], title="居民身份证换领", keywords="身份证 换证",
        materials="1. 原居民身份证\n2. 居民户口簿\n3. 未满16周岁的由监护人陪同" + "，并提供监护人的身份证和户口簿" * 5,
        location="通泉派出所户籍窗口", office_hours="工作日9:00—17:30", phone="0874-3122001",
    )


@pytest.mark.parametrize("text", ["BS 身份证", "办事 身份证", "ｂｓ身份证", "办事：办身份证", "BS　ＳＨＥＮ 身份证"])
def test_a_keyword_gets_the_best_guide_with_its_link(ask, id_guide, text):
    reply = ask(text)
    link = f"{BASE}/public/guides/{id_guide.pk}/"
    assert reply.startswith("居民身份证换领：地点：通泉派出所户籍窗口；时间：工作日9:00—17:30；电话：0874-3122001；材料：")
    assert reply.endswith(f" 详见{link}")
    assert "…" in reply  # the long list of materials was cut to fit
    assert len(reply) <= 134 and segment_count(reply) <= 2
    answer = Message.objects.get(direction="out")
    assert (answer.template, answer.params["link"], answer.body) == ("sms_guide", link, reply)
    assert not Ticket.objects.exists()


def test_a_short_guide_is_not_cut(ask, people, units, settings):
    settings.TWILIO_PUBLIC_BASE_URL = "https://rx.cn"
    guide = make_guide(people, units["roads"], title="低保申请", materials="申请书", location="乡镇便民服务中心",
                       office_hours="工作日", phone="0874-3121010")
    reply = ask("BS 低保")
    assert reply == f"低保申请：地点：乡镇便民服务中心；时间：工作日；电话：0874-3121010；材料：申请书 详见https://rx.cn/public/guides/{guide.pk}/"
    assert "…" not in reply and segment_count(reply) <= 2


def test_nothing_found_says_so_and_makes_no_ticket(ask, id_guide):
    reply = ask("BS 宇宙飞船")
    assert reply == "暂无“宇宙飞船”相关办事指南，可直接发送您的问题，我们会尽快答复。"
    assert not Ticket.objects.exists()


def test_unpublished_guides_are_not_answered(ask, people, units):
    make_guide(people, units["roads"], title="居民身份证补领", state="pending")
    reply = ask("BS 身份证")
    assert reply.startswith("暂无“身份证”相关办事指南")


@pytest.mark.parametrize("text", ["BS", "办事", "ｂｓ", "BS　"])
def test_no_keyword_explains_how(ask, id_guide, text):
    reply = ask(text)
    assert reply == "查办事指南请回复“BS”加事项，如：BS 身份证。"


def test_without_a_public_address_the_link_is_the_path(ask, id_guide, settings):
    settings.TWILIO_PUBLIC_BASE_URL = ""
    reply = ask("BS 身份证")
    assert reply.endswith(f"详见/public/guides/{id_guide.pk}/")


def test_an_old_wording_without_the_link_still_answers(ask, id_guide):
    SmsTemplate.objects.filter(code="sms_guide").update(text="{title}：{summary}")
    reply = ask("BS 身份证")
    assert reply.startswith("居民身份证换领：地点：") and "http" not in reply
    assert ServiceGuide.objects.count() == 2
