"""The public guide pages on a phone (375 px wide): a resident searches for 身份证 and opens the guide;
the page fits the screen, the consultation phone is a tel: link. Screenshots are saved as artifacts."""

import pytest

from hotline.models import ServiceGuide
from tests.browser import screenshot
from tests.guide_helpers import make_guide


@pytest.mark.django_db(transaction=True)
def test_a_resident_finds_and_reads_a_guide_on_a_phone(page_for, people, units):
    guide = make_guide(
        people, units["roads"], title="居民身份证换领", keywords="身份证 换证", category="certificate",
        conditions="居民身份证有效期满或临近期满（满前3个月内可申请），本人到场。",
        materials="1. 原居民身份证\n2. 居民户口簿\n3. 未满16周岁的由监护人陪同",
        procedure="1. 取号\n2. 采集人像、指纹\n3. 缴纳工本费\n4. 领取回执，按时领证或邮寄",
        legal_time_limit="60日", promised_time_limit="20个工作日", fees="工本费20元",
        location="通泉派出所户籍窗口（通泉街道便民服务中心一楼）", office_hours="工作日 9:00—12:00，14:30—17:30",
        phone="0874-3122001", complaints="12345政务服务便民热线", source="示例数据",
    )
    make_guide(people, units["roads"], title="居民身份证补领", keywords="身份证 补办", category="certificate")
    make_guide(people, units["water"], title="城乡居民用水报装", category="payment", by="other_liaison")

    page = page_for(None, width=375, height=740)
    page.goto("/public/guides/")
    page.fill("input[name=q]", "办身份证")
    page.click("form[role=search] button")
    page.wait_for_selector("a.guide-card")
    assert "办身份证" in page.locator("main").inner_text()
    assert page.locator("a.guide-card").first.inner_text().startswith("居民身份证换领")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    screenshot(page, "public-guides-phone-search")

    page.locator("a.guide-card").first.click()
    page.wait_for_selector("dl.fields")
    assert page.locator("h1").inner_text() == "居民身份证换领"
    assert page.locator("a[href='tel:08743122001']").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "public-guides-phone-guide")
    assert ServiceGuide.objects.get(pk=guide.pk).view_count == 1
