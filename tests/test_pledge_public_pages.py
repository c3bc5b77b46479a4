"""The public pledge board (no login): every unit with its counts in one query, a unit's pledges, a pledge's
page with its timeline, votes and the dated trail of every change since publication; drafts are not there,
no resident's name or phone is, and each page costs the same number of queries however much it shows."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hotline import pledges
from hotline.models import Unit
from tests.pledge_helpers import days, make_pledge, photo_bytes

pytestmark = pytest.mark.django_db


def _text(response):
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_counts_every_unit_in_one_query(client, people, units, django_assert_num_queries):
    make_pledge(people, units, title="班线延伸")
    make_pledge(people, units, "done", title="护栏")
    make_pledge(people, units, "withdrawn", title="撤回的")
    make_pledge(people, units, "draft", title="草稿")
    make_pledge(people, units, "pending", unit="water", by="other_liaison", title="待发布")
    with django_assert_num_queries(1):
        page = _text(client.get("/public/pledges/"))
    assert page.count("<tr>") == 1 + Unit.objects.count() + 1  # a header row per section, a row per unit
    board = {u.name: u for u in pledges.board()}
    roads, water, town = board["区交通运输局"], board["区水务局"], board["青山镇"]
    assert (roads.pledged, roads.done, roads.overdue, roads.withdrawn, roads.percent_done) == (2, 1, 0, 1, 50)
    assert (water.pledged, water.percent_done) == (0, None)
    assert town.pledged == 0
    assert page.index("<h2>乡镇（街道）</h2>") < page.index("青山镇") < page.index("<h2>区直部门</h2>") < page.index(
        "区交通运输局"
    )


def test_a_units_page_lists_its_public_pledges_with_overdue_first(client, people, units, time_machine,
                                                                  django_assert_num_queries):
    on_time = make_pledge(people, units, target=30, title="按期的承诺")
    late = make_pledge(people, units, target=1, title="逾期的承诺")
    make_pledge(people, units, "done", title="完成的承诺")
    make_pledge(people, units, "draft", title="草稿承诺")
    make_pledge(people, units, "pending", title="待发布承诺")
    time_machine.move_to(f"{days(3).isoformat()}T10:00:00+08:00")
    with django_assert_num_queries(2):
        page = _text(client.get(f"/public/pledges/unit/{units['roads'].pk}/"))
    assert "草稿承诺" not in page and "待发布承诺" not in page
    assert page.index(late.title) < page.index(on_time.title) < page.index("完成的承诺")
    assert page.count("badge danger") == 1 and 'class="progress overdue"' in page
    assert "承诺 3 项，已完成 1 项，逾期 1 项" in page


def test_unknown_units_and_unpublished_pledges_are_404(client, people, units):
    assert client.get("/public/pledges/unit/999999/").status_code == 404
    for state in ("draft", "pending"):
        assert client.get(f"/public/pledges/{make_pledge(people, units, state).pk}/").status_code == 404
    assert client.get("/public/pledges/999999/").status_code == 404


def _full_pledge(people, units, resident):
    pledge = make_pledge(people, units, items=["一组路段", "二组路段"])
    first, second = pledge.items.order_by("position")
    pledges.set_item_progress(item=first, by=people["liaison"], progress=100)
    pledges.set_item_progress(item=second, by=people["liaison"], progress=40)
    pledges.add_update(pledge=pledge, by=people["liaison"], text="一组路段通车。", date=days(-1), photos=[photo_bytes()])
    pledges.add_update(pledge=pledge, by=people["head"], text="二组路段开工。", photos=[photo_bytes(), photo_bytes("JPEG")])
    pledges.feedback(pledge=pledge, resident=resident, text="张三家门口的路还没修，电话13800138000", by=people["system"])
    return pledge


def test_a_pledge_page_shows_everything_in_a_fixed_number_of_queries(client, people, units, resident,
                                                                     django_assert_num_queries):
    pledge = _full_pledge(people, units, resident)
    with django_assert_num_queries(8):
        page = _text(client.get(f"/public/pledges/{pledge.pk}/"))
    for text in ("石门村通组路硬化", "硬化一组、二组通组道路2公里。", "村民来电反映雨天泥泞。", "一组路段", "二组路段",
                 "一组路段通车。", "二组路段开工。", "进度 70%", days(30).isoformat(), days(10).isoformat(),
                 "已收到群众意见 1 条", f"CN {pledge.pk} 您的意见", f"YD {pledge.pk} 1"):
        assert text in page, text
    assert page.count("<img ") == 3
    assert page.index("二组路段开工。") < page.index("一组路段通车。")  # newest first
    # more items, updates and photos cost no more queries
    for n in range(3):
        pledges.add_item(pledge=pledge, by=people["liaison"], title=f"子项{n}")
        pledges.add_update(pledge=pledge, by=people["liaison"], text=f"进展{n}", photos=[photo_bytes()])
    with django_assert_num_queries(8):
        _text(client.get(f"/public/pledges/{pledge.pk}/"))


def test_no_personal_data_on_the_public_pages(client, people, units, resident):
    pledge = _full_pledge(people, units, resident)
    done = make_pledge(people, units, "done", title="护栏安装")
    pledges.vote(pledge=done, resident=resident, verdict="fulfilled", by=people["system"])
    ticket = pledge.feedback_tickets.get()
    for url in ("/public/pledges/", f"/public/pledges/unit/{units['roads'].pk}/", f"/public/pledges/{pledge.pk}/",
                f"/public/pledges/{done.pk}/"):
        page = _text(client.get(url))
        for secret in ("张三", "13800138000", "138****8000", "8000", ticket.number, "家门口", "liaison", "editor"):
            assert secret not in page, (url, secret)


def test_the_trail_shows_every_change_since_publication_with_its_date_and_reason(client, people, units):
    pledge = make_pledge(people, units, "draft", items=["一组"])
    pledges.edit(pledge=pledge, by=people["liaison"], title="草稿时改的标题")  # before publication: not public
    pledges.submit(pledge=pledge, by=people["liaison"])
    pledges.publish(pledge=pledge, by=people["editor"])
    old_target = pledge.target_date
    pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(120), reason="雨季施工顺延")
    pledges.edit(pledge=pledge, by=people["editor"], title="石门村一组二组通组路硬化", description="改为2.5公里。")
    pledges.add_item(pledge=pledge, by=people["liaison"], title="排水沟")
    page = _text(client.get(f"/public/pledges/{pledge.pk}/"))
    today = pledges.today().isoformat()
    assert f"承诺完成日期由 {old_target.isoformat()} 改为 {days(120).isoformat()}（原因：雨季施工顺延）" in page
    assert "标题由 草稿时改的标题 改为 石门村一组二组通组路硬化" in page
    assert "具体内容有修改" in page and "硬化一组、二组通组道路2公里。" in page and "改为2.5公里。" in page
    assert "新增子项“排水沟”" in page and "编辑审核后公开发布" in page
    assert "石门村通组路硬化 改为" not in page  # the draft-time change is not public
    trail = pledges.trail(pledge)
    assert [entry["date"].isoformat() for entry in trail] == [today] * len(trail)
    assert trail[0]["text"] == "编辑审核后公开发布"


def test_the_vote_result_shows_once_there_are_votes(client, people, units, resident):
    done = make_pledge(people, units, "done")
    assert "还没有群众验单" in _text(client.get(f"/public/pledges/{done.pk}/"))
    from hotline.models import Resident

    for n, verdict in enumerate(["fulfilled", "fulfilled", "not_fulfilled"]):
        voter = Resident.for_phone(f"+86139000100{n:02d}")
        pledges.vote(pledge=done, resident=voter, verdict=verdict, by=people["system"])
    assert "已兑现 2 票，未兑现 1 票，兑现率 67%" in _text(client.get(f"/public/pledges/{done.pk}/"))
    assert pledges.vote_summary(done) == {"fulfilled": 2, "not_fulfilled": 1, "total": 3, "percent_fulfilled": 67}


def test_the_public_pages_have_an_english_version(client, people, units):
    pledge = make_pledge(people, units)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _text(client.get(f"/public/pledges/{pledge.pk}/"))
    assert 'lang="en"' in page


def test_visible_pledges_for_the_anonymous_are_the_public_ones(people, units):
    make_pledge(people, units, "draft")
    public = make_pledge(people, units)
    assert list(pledges.visible_pledges(AnonymousUser())) == [public]
