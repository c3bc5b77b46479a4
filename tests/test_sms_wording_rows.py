"""Every SMS the code sends has a row the supervisor can edit, also after upgrades that add templates."""

import pytest

from hotline.apps import sync_sms_templates
from hotline.messaging.templates import DEFAULTS, render
from hotline.models import SmsTemplate


@pytest.mark.django_db
def test_migrate_leaves_one_row_per_template_and_keeps_edited_wording():
    SmsTemplate.objects.filter(code="received").update(text="已收到，工单号{number}。")
    SmsTemplate.objects.filter(code="survey").delete()  # as if "survey" were added by an upgrade
    sync_sms_templates()
    assert set(SmsTemplate.objects.values_list("code", flat=True)) == set(DEFAULTS)
    assert render("received", {"number": "1234567"}) == "已收到，工单号1234567。"


@pytest.mark.django_db
def test_a_broken_edit_falls_back_to_the_default_wording():
    SmsTemplate.objects.filter(code="received").update(text="工单号{ticket_no}")  # no such placeholder
    assert render("received", {"number": "1234567"}) == DEFAULTS["received"][0].format(number="1234567")


@pytest.mark.django_db
def test_an_attribute_in_a_placeholder_never_breaks_sending():
    SmsTemplate.objects.filter(code="received").update(text="工单号{number.real}")
    assert render("received", {"number": "1234567"}) == DEFAULTS["received"][0].format(number="1234567")


@pytest.mark.django_db
@pytest.mark.parametrize("text, complaint", [
    ("已受理，工单号{number.real}", "不能使用占位符"),
    ("已受理，工单号{ticket}", "不能使用占位符"),
    ("已受理，工单号{number", "花括号不成对"),
])
def test_the_admin_refuses_wording_the_template_cannot_fill(client, people, text, complaint):
    supervisor = people["supervisor"]
    supervisor.is_staff = True
    supervisor.save()
    client.force_login(supervisor)
    row = SmsTemplate.objects.get(code="received")
    response = client.post(f"/admin/hotline/smstemplate/{row.pk}/change/",
                           {"text": text, "provider_template_id": "", "description": row.description})
    assert response.status_code == 200 and complaint in response.content.decode()
    row.refresh_from_db()
    assert row.text == DEFAULTS["received"][0]
    ok = client.post(f"/admin/hotline/smstemplate/{row.pk}/change/",
                     {"text": "已收到，工单号{number}", "provider_template_id": "", "description": row.description})
    assert ok.status_code == 302
