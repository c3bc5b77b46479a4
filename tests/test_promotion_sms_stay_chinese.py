"""The villager's SMS are in Chinese whatever language the editor's (or the visitor's) page is in: the
platform names in the scheduling and publishing SMS, and the purpose in the code SMS of a public form."""

import pytest
from django.utils import translation

from hotline import confirmations, promotions
from hotline.models import Message
from tests.promotion_helpers import advance, days, submit

pytestmark = pytest.mark.django_db


def test_schedule_and_publish_sms_name_the_platforms_in_chinese(people):
    request = advance(submit(people["operator"]), "accepted", editor=people["editor"])
    with translation.override("en"):
        promotions.schedule(request=request, by=people["editor"], placements={"douyin": days(0), "wechat": days(1)})
        douyin = request.placements.get(platform="douyin")
        promotions.publish(placement=douyin, by=people["editor"], link="https://v.douyin.com/x/", published_on=days(0))
    scheduled = Message.objects.get(template="promotion_scheduled").body
    published = Message.objects.get(template="promotion_published").body
    assert "抖音、微信公众号" in scheduled and "Douyin" not in scheduled
    assert "抖音" in published and "Douyin" not in published


def test_the_code_sms_names_its_purpose_in_chinese():
    with translation.override("en"):
        confirmations.start(phone="13912345678", purpose="pledge_vote", payload={"pledge": 1})
    body = Message.objects.get(template="confirm_code").body
    assert "承诺事项验单" in body and "Pledge" not in body
