"""The public pledge board on a phone (375 px wide), with the demo's pledges: the board, a township's page
and a pledge's page fit the screen; a resident sends feedback from the pledge page and confirms it with the
SMS code. Screenshots are saved as artifacts."""

import random

import pytest
from django.utils import timezone

from hotline import clock
from hotline.demo import pledges as demo
from hotline.management.commands import load_demo
from hotline.models import Message, Pledge, Ticket
from tests.browser import in_thread, screenshot

WIDTH = 375


def _load_demo():
    units = load_demo.load_units()
    load_demo.load_accounts(units)
    with clock.replaying():
        return demo.load(now=timezone.now(), rng=random.Random(2021))


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH  # no sideways scrolling


@pytest.mark.django_db(transaction=True)
def test_a_resident_reads_the_pledge_board_and_gives_feedback_on_a_phone(page_for):
    in_thread(_load_demo)
    road = Pledge.objects.get(title="石门村通组路硬化")

    page = page_for(None, width=WIDTH, height=740)
    page.goto("/public/pledges/")
    assert page.locator("h1").inner_text() == "承诺事项"
    assert page.locator("table.board .badge.danger").count() >= 2  # the overdue ones
    _fits(page)
    screenshot(page, "public-pledges-phone-board")

    page.click("text=青山镇")
    page.wait_for_selector("article.pledge")
    assert page.locator("h1").inner_text() == "青山镇"
    _fits(page)
    screenshot(page, "public-pledges-phone-unit")

    page.click(f"text={road.title}")
    page.wait_for_selector("#feedback form")
    main = page.locator("main").inner_text()
    assert "雨季连续降雨" in main and "子项进度" in main and f"CN {road.pk}" in main
    _fits(page)
    screenshot(page, "public-pledges-phone-pledge")

    page.fill("textarea[name=feedback-text]", "二组路段晚上没有警示灯，请尽快设置")
    page.fill("input[name=feedback-phone]", "13912345678")
    page.click("#feedback button")
    page.wait_for_selector("input[name=code]")
    code = Message.objects.filter(template="confirm_code").latest("pk").params["code"]
    page.fill("input[name=code]", code)
    page.click("main button.primary")
    page.wait_for_selector("text=感谢您的意见")
    assert Ticket.objects.filter(pledge=road, channel="pledge_feedback", resident__phone="+8613912345678").exists()
    assert "13912345678" not in page.content()
    _fits(page)
    screenshot(page, "public-pledges-phone-feedback-sent")
