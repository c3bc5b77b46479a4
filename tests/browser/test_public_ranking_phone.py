"""The public ranking on a phone (375 px wide): the published months, then a month's table with its marks and
chart fit the screen; the public nav shows "单位排名" once a month is published. Screenshots are artifacts."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hotline import ranking, workflow
from hotline.models import Unit
from tests.browser import in_thread, screenshot
from tests.conftest import advance_ticket

WIDTH = 375


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH  # no sideways scrolling


def _last_month_published(people, units, resident):
    month = ranking.add_months(ranking.this_month(), -1)
    moment = dt.datetime.combine(month.replace(day=12), dt.time(10), tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        for lead, state in (("roads", "closed"), ("roads", "closed"), ("water", "dispatched"), ("town", "dispatched")):
            ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯不亮",
                                      resident=resident)
            advance_ticket(ticket, state, people=people, lead_unit=units[lead])
    for name in ("区住房和城乡建设局", "区农业农村局", "区市场监督管理局", "城关镇", "龙潭乡"):
        Unit.objects.create(name=name, kind=Unit.Kind.DEPARTMENT if name.startswith("区") else Unit.Kind.TOWNSHIP)
    ranking.publish(month=month, by=people["supervisor"])
    return month


@pytest.mark.django_db(transaction=True)
def test_a_resident_reads_the_published_ranking_on_a_phone(page_for, people, units, resident):
    month = in_thread(_last_month_published, people, units, resident)

    page = page_for(None, width=WIDTH, height=740)
    page.goto("/public/ranking/")
    assert page.locator("h1").inner_text() == "单位排名"
    _fits(page)
    screenshot(page, "public-ranking-phone-index")

    page.click(f"text={month:%Y-%m} 排名")
    page.wait_for_selector("table.pub-ranking")
    rows = page.locator("table.pub-ranking tbody tr")
    assert rows.count() == 8
    assert rows.nth(0).inner_text().split()[:3] == ["1", "区交通运输局", "红榜"]
    assert page.locator(".badge.mark-black").count() == 2  # water and town share the last rank
    assert page.locator("figure.chart svg").count() == 1
    assert page.locator("script").count() == 0
    _fits(page)
    screenshot(page, "public-ranking-phone-month")

    page.goto("/public/pledges/")
    page.click("nav.pub-menu >> text=单位排名")
    page.wait_for_selector("ul.months")
    assert "张三" not in page.content() and "13800138000" not in page.content()
