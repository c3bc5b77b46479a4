"""The public guide pages (no login): search and list by category and unit, one guide's page with
every field and a tel: link; only published guides; each view counted with one UPDATE; a fixed
number of queries whatever the number of guides; nothing about who drafted them."""

import datetime as dt

import pytest
import time_machine

from hotline.models import ServiceGuide
from tests.conftest import at
from tests.guide_helpers import make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(people, units):
    made = {
        "id": make_guide(people, units["roads"], title="居民身份证换领", keywords="身份证", category="certificate",
                         conditions="有效期满", fees="工本费20元", legal_time_limit="60日",
                         promised_time_limit="20个工作日", complaints="12345热线", source="示例数据"),
        "hukou": make_guide(people, units["roads"], title="户口迁移", category="affairs"),
        "water": make_guide(people, units["water"], title="城乡居民用水报装", category="payment", by="other_liaison",
                            phone="0874 312 1002"),
        "draft": make_guide(people, units["roads"], title="身份证明开具", state="draft"),
        "pending": make_guide(people, units["roads"], title="身份证件挂失", state="pending"),
        "withdrawn": make_guide(people, units["roads"], title="临时身份证", state="withdrawn"),
    }
    return made


def test_the_list_shows_published_guides_by_category_and_unit(client, shelf):
    html = client.get("/public/guides/").content.decode()
    for title in ("居民身份证换领", "户口迁移", "城乡居民用水报装"):
        assert title in html
    for title in ("身份证明开具", "身份证件挂失", "临时身份证"):
        assert title not in html
    assert html.index("<h2>办证</h2>") < html.index("居民身份证换领") < html.index("<h2>办事</h2>") < html.index("户口迁移")
    assert 'aria-current="page">办事指南' in html
    only_water = client.get("/public/guides/", {"unit": shelf["water"].unit_id}).content.decode()
    assert "城乡居民用水报装" in only_water and "户口迁移" not in only_water
    only_payment = client.get("/public/guides/", {"category": "payment"}).content.decode()
    assert "城乡居民用水报装" in only_payment and "户口迁移" not in only_payment


def test_the_search_finds_the_id_card_guide(client, shelf):
    html = client.get("/public/guides/", {"q": "办身份证"}).content.decode()
    # every guide asks for the card among its materials: the one about it comes first
    assert "“办身份证”：找到 3 项办事指南。" in html
    assert html.index("居民身份证换领") < html.index("户口迁移")
    assert html.index("居民身份证换领") < html.index("城乡居民用水报装")
    assert "身份证明开具" not in html and "临时身份证" not in html
    nothing = client.get("/public/guides/", {"q": "宇宙飞船"}).content.decode()
    assert "没有找到相关的办事指南" in nothing


def test_a_guide_page_shows_every_field_and_a_tel_link(client, shelf):
    guide = shelf["id"]
    response = client.get(f"/public/guides/{guide.pk}/")
    html = response.content.decode()
    for text in ("受理条件", "有效期满", "所需材料", "办理流程", "法定办结时限", "60日", "承诺办结时限", "收费标准与依据",
                 "工本费20元", "办理地点", "办理时间", "咨询电话", "监督投诉方式", "12345热线", "区交通运输局",
                 "来源：示例数据", "<dl class=\"fields\">"):
        assert text in html, text
    assert '<a href="tel:0874-3121001">0874-3121001</a>' not in html  # the dash is dropped from the link
    assert '<a href="tel:08743121001">0874-3121001</a>' in html
    assert f"最近核对：{guide.last_checked:%Y-%m-%d}" in html
    water = client.get(f"/public/guides/{shelf['water'].pk}/").content.decode()
    assert 'href="tel:08743121002"' in water


def test_unpublished_guides_are_not_found(client, shelf):
    for name in ("draft", "pending", "withdrawn"):
        assert client.get(f"/public/guides/{shelf[name].pk}/").status_code == 404
    assert client.get("/public/guides/999999/").status_code == 404
    assert ServiceGuide.objects.filter(view_count__gt=0).count() == 0


def test_each_view_counts_with_one_update(client, shelf, django_assert_num_queries):
    guide = shelf["hukou"]
    edits = guide.history.count()
    with django_assert_num_queries(2):  # UPDATE … SET view_count = view_count + 1, then the guide and its unit
        assert client.get(f"/public/guides/{guide.pk}/").status_code == 200
    client.get(f"/public/guides/{guide.pk}/")
    guide.refresh_from_db()
    assert guide.view_count == 2
    assert guide.history.count() == edits  # a view is no edit of the guide


def test_the_list_costs_the_same_queries_whatever_the_number_of_guides(client, shelf, people, units,
                                                                        django_assert_max_num_queries):
    def count(params):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/public/guides/", params).status_code == 200
        return len(queries)

    few = [count({}), count({"q": "身份证 户口"}), count({"category": "affairs", "unit": units["roads"].pk})]
    for i in range(25):
        make_guide(people, units["roads"], title=f"居民身份证换领{i}", keywords="身份证 户口")
    assert [count({}), count({"q": "身份证 户口"}), count({"category": "affairs", "unit": units["roads"].pk})] == few
    with django_assert_max_num_queries(5):
        client.get("/public/guides/", {"q": "身份证", "page": "2"})


def test_the_list_is_paginated(client, shelf, people, units):
    for i in range(25):
        make_guide(people, units["roads"], title=f"社保卡补办{i:02d}", keywords="社保卡")
    first = client.get("/public/guides/", {"q": "社保卡"}).content.decode()
    assert "第 1 / 2 页" in first and "q=%E7%A4%BE%E4%BF%9D%E5%8D%A1&amp;page=2" in first
    second = client.get("/public/guides/", {"q": "社保卡", "page": "2"}).content.decode()
    assert second.count('class="card guide-card"') == 5


def test_the_pages_show_nobody_who_drafted_or_published(client, shelf, people):
    pages = [client.get("/public/guides/").content.decode(), client.get("/public/guides/", {"q": "身份证"}).content.decode()]
    pages += [client.get(f"/public/guides/{shelf[n].pk}/").content.decode() for n in ("id", "hukou", "water")]
    for html in pages:
        for user in ("liaison", "editor", "other_liaison"):
            assert people[user].first_name not in html.replace("class=\"", "")
        assert "139000000" not in html


def test_a_stale_guide_says_to_call_first(client, people, units):
    with time_machine.travel(at(2024, 1, 5, 10, 0), tick=False):
        guide = make_guide(people, units["roads"], title="道路运输证办理")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        html = client.get(f"/public/guides/{guide.pk}/").content.decode()
    assert "内容可能已变化，办理前请先电话咨询" in html and "最近核对：2024-01-05" in html
    assert guide.last_checked == dt.date(2024, 1, 5)
