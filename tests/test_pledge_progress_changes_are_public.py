"""A pledge's progress cannot be changed quietly either: every change of its percentage after publication
(a sub-item's progress rolling up, or an update's progress) is a dated line of the public trail, so a unit
cannot raise it to 90% without a word, or lower it again, unseen."""

import re

import pytest

from hotline import pledges
from tests.pledge_helpers import make_pledge

pytestmark = pytest.mark.django_db


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_progress_changes_after_publication_are_in_the_trail(client, people, units):
    pledge = make_pledge(people, units, "published", items=["一组", "二组"])
    first, _second = pledge.items.order_by("position")
    pledges.set_item_progress(item=first, by=people["liaison"], progress=100)
    pledges.set_item_progress(item=first, by=people["liaison"], progress=20)
    texts = [entry["text"] for entry in pledges.trail(pledge)]
    assert "完成进度由 0% 改为 50%" in texts
    assert "完成进度由 50% 改为 10%" in texts
    page = _text(client.get(f"/public/pledges/{pledge.pk}/"))
    assert "完成进度由 50% 改为 10%" in page


def test_progress_given_with_an_update_is_in_the_trail_and_done_says_done(people, units):
    pledge = make_pledge(people, units, "published")
    pledges.add_update(pledge=pledge, by=people["liaison"], text="一组路段完工。", progress=60)
    pledges.mark_done(pledge=pledge, by=people["liaison"], text="全部完工。")
    texts = [entry["text"] for entry in pledges.trail(pledge)]
    assert "完成进度由 0% 改为 60%" in texts
    assert "承诺单位标记完成，开始接受群众验单" in texts
    assert not any("改为 100%" in text for text in texts)  # done is said once, by its own line
