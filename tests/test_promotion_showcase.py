"""The public showcase /public/products/ and product pages: published and done products only, newest first,
by township/village and category, paginated at a fixed number of queries; the villager's phone in full only
with their consent (otherwise "请通过热线联系"), and never their name."""

import pytest

from hotline import promotions
from hotline.models import Unit, Village
from tests.promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(people):
    def make(state="published", *, phone="+8613800138000", name="王秀英", **details):
        request = submit(people["operator"], phone=phone, resident_name=name, **details)
        return advance(request, state, editor=people["editor"])

    return make


def test_a_consented_phone_is_shown_in_full_and_no_name_ever(client, product):
    shown = product(contact_public=True, product="脆红李")
    hidden = product(phone="+8613900139000", contact_public=False, product="烤鸭", name="赵老四")
    html = client.get(f"/public/products/{shown.pk}/").content.decode()
    assert "13800138000" in html and 'href="tel:13800138000"' in html
    assert "王秀英" not in html
    html = client.get(f"/public/products/{hidden.pk}/").content.decode()
    assert "请通过热线联系" in html
    assert "13900139000" not in html and "139****9000" not in html and "赵老四" not in html
    listing = client.get("/public/products/").content.decode()
    assert "13800138000" not in listing and "13900139000" not in listing
    assert "王秀英" not in listing and "赵老四" not in listing


def test_only_published_and_done_products_are_public(client, product):
    visible = [product("published", phone="+8613800138001"), product("done", phone="+8613800138002")]
    hidden = [product(state, phone=f"+861380013801{i}") for i, state in enumerate(["submitted", "accepted", "scheduled"])]
    declined = promotions.decline(request=product("submitted", phone="+8613800138020"), by=visible[0].reviewed_by,
                                  reason="照片不清楚")
    for request in visible:
        assert client.get(f"/public/products/{request.pk}/").status_code == 200
    for request in [*hidden, declined]:
        assert client.get(f"/public/products/{request.pk}/").status_code == 404
    page = client.get("/public/products/")
    assert [r.pk for r in page.context["page"].object_list] == [visible[1].pk, visible[0].pk]  # newest first


def test_the_product_page_shows_what_a_buyer_needs(client, product, village):
    request = product("done", product="石门村脆红李", price="5.00", price_unit="元/斤", availability="6月至7月",
                      quantity="约2000斤", village=village)
    html = client.get(f"/public/products/{request.pk}/").content.decode()
    for text in ("石门村脆红李", "5 元/斤", "6月至7月", "约2000斤", "青山镇 · 石门村", "https://v.douyin.com/abc123/",
                 "抖音", "推广已完成"):
        assert text in html, text
    assert "微信公众号" not in html  # scheduled there, never published


def test_filters_by_township_village_and_category(client, product, units, village):
    other_town = Unit.objects.create(name="大河乡", kind=Unit.Kind.TOWNSHIP)
    other_village = Village.objects.create(township=other_town, name="河口村")
    apples = product(phone="+8613800138001", product="苹果", village=village)
    ducks = product(phone="+8613800138002", product="烤鸭", village=other_village, category="local_food")
    weaving = product(phone="+8613800138003", product="竹编", village=other_village, category="handicraft")

    def shown(query):
        return {r.pk for r in client.get("/public/products/" + query).context["page"].object_list}

    assert shown("") == {apples.pk, ducks.pk, weaving.pk}
    assert shown(f"?township={units['town'].pk}") == {apples.pk}
    assert shown(f"?township={other_town.pk}") == {ducks.pk, weaving.pk}
    assert shown(f"?village={other_village.pk}&category=local_food") == {ducks.pk}
    assert shown("?category=handicraft") == {weaving.pk}
    assert client.get("/public/products/?village=abc&township=999999999999999999999").status_code == 200


def test_the_list_costs_the_same_queries_for_3_or_30_products(client, product, django_assert_max_num_queries, settings):
    from tests.promotion_helpers import jpeg
    from django.core.files.base import ContentFile

    def grow(n, start):
        for i in range(n):
            request = product(phone=f"+86138001{start + i:05d}")
            request.photos.create(image=ContentFile(jpeg(), name="p.jpg"))

    grow(3, 0)
    with django_assert_max_num_queries(8) as small:
        assert client.get("/public/products/").status_code == 200
    grow(27, 100)
    with django_assert_max_num_queries(8) as large:
        response = client.get("/public/products/")
    assert len(response.context["page"].object_list) == 12
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.content.decode().count("/media/promotions/") == 12
    with django_assert_max_num_queries(6):
        client.get(f"/public/products/{response.context['page'].object_list[0].pk}/")


def test_pages_of_twelve(client, product):
    for i in range(14):
        product(phone=f"+86138002{i:05d}")
    first = client.get("/public/products/?category=farm_product")
    assert len(first.context["page"].object_list) == 12
    html = first.content.decode()
    assert "?category=farm_product&amp;page=2" in html
    assert len(client.get("/public/products/?category=farm_product&page=2").context["page"].object_list) == 2
