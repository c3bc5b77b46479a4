"""The promoted products on a phone (375 px wide): a visitor filters the showcase, opens a product with its
photo, price and a tel: link (the villager agreed to show it), and sees the application form. The pages
fit the screen. Screenshots are saved as artifacts."""

import pytest

from hotline import images
from tests.promotion_helpers import advance, jpeg, submit


@pytest.mark.django_db(transaction=True)
def test_a_visitor_browses_the_products_on_a_phone(page_for, people, village):
    editor = people["editor"]
    shown = advance(submit(
        people["operator"], product="石门村脆红李", village=village, contact_public=True, availability="6月至7月",
        quantity="约3000斤", photos=[images.clean_photo(jpeg(colour=(170, 30, 60), size=(800, 600)))],
    ), "done", editor=editor)
    advance(submit(
        people["operator"], phone="+8613900139000", product="龙潭柴火烤鸭", category="local_food", price="88",
        price_unit="元/只", photos=[images.clean_photo(jpeg(colour=(160, 90, 30), size=(800, 600)))],
    ), "published", editor=editor)

    page = page_for(None, width=375, height=740)
    page.goto("/public/products/")
    page.wait_for_selector("a.card.product")
    assert page.locator("a.card.product").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the photos load lazily
    page.wait_for_function("[...document.querySelectorAll('a.card.product img')].every(i => i.complete && i.naturalWidth > 0)")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot_path = screenshot(page, "public-products-phone-list")
    assert screenshot_path.exists()

    page.select_option("select[name=category]", "farm_product")
    page.click("form[role=search] button")
    page.wait_for_selector("a.card.product")
    assert page.locator("a.card.product").count() == 1
    page.locator("a.card.product").first.click()
    page.wait_for_selector("dl.fields")
    assert page.locator("h1").inner_text() == "石门村脆红李"
    assert page.locator("a[href='tel:13800138000']").is_visible()
    assert "推广已完成" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "public-products-phone-product")
    assert page.url.endswith(f"/public/products/{shown.pk}/")

    page.goto("/public/products/apply/")
    assert page.locator("input[type=file][multiple]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "public-products-phone-apply")


def screenshot(page, name):
    from tests.browser import screenshot as save

    return save(page, name)
