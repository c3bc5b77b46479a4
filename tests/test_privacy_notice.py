"""The first SMS to a new resident links to the public privacy notice (docs/privacy.md): the acknowledgement
of their first ticket carries "隐私说明：<link>", once; the page says what is kept, why, who sees it, for how
long (the retention setting) and how to ask for an export or erasure."""

import pytest

from hotline import workflow
from hotline.models import Message, Resident

pytestmark = pytest.mark.django_db

BASE = "https://hotline.example.cn"
LINK = f"隐私说明：{BASE}/public/privacy/"


@pytest.fixture
def public_address(settings):
    settings.TWILIO_PUBLIC_BASE_URL = BASE


def test_the_first_acknowledgement_by_sms_links_the_notice_and_the_next_does_not(public_address, sms, people):
    url = f"{BASE}/twilio/sms/"
    from tests.conftest import twiml_reply, twilio_params

    first = twiml_reply(sms.post(twilio_params(body="村口路灯坏了", phone="+8613800138000"), url=url))
    assert first.endswith(LINK) and first.startswith("已受理您的诉求")
    reply = Message.objects.get(direction="out", template="received")
    assert reply.segments <= 2 and reply.params["privacy"] == LINK
    resident = Resident.objects.get(phone="+8613800138000")
    assert resident.privacy_notice_at is not None

    ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="又停水", resident=resident)
    later = Message.objects.get(ticket=ticket, template="received")
    assert "隐私说明" not in later.body and "privacy" not in later.params


def test_without_a_public_address_there_is_no_link_and_it_comes_later(settings, people):
    settings.TWILIO_PUBLIC_BASE_URL = ""
    first = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯", phone="13800138000")
    assert "隐私说明" not in Message.objects.get(ticket=first, template="received").body
    assert first.resident.privacy_notice_at is None
    settings.TWILIO_PUBLIC_BASE_URL = BASE
    second = workflow.receive(by=people["operator"], kind="help", channel="phone", title="停水", phone="13800138000")
    assert Message.objects.get(ticket=second, template="received").body.endswith(LINK)


def test_a_landline_or_an_opted_out_resident_is_not_counted_as_told(public_address, people):
    landline = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯", phone="0871-6512 3456")
    assert Message.objects.get(ticket=landline, template="received").status == "callback"
    assert landline.resident.privacy_notice_at is None


def test_the_public_page_says_what_is_kept_for_how_long_and_how_to_ask(client, settings):
    settings.HOTLINE = {**settings.HOTLINE, "RETENTION_YEARS": 5}
    page = client.get("/public/privacy/")
    text = page.content.decode()
    assert page.status_code == 200
    for words in ("隐私说明", "电话号码", "5 年", "拨打热线", "导出", "删除"):
        assert words in text
    assert "<script" not in text
    assert "/public/privacy/" in client.get("/public/").content.decode()  # linked from every public page
    english = client.get("/public/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
