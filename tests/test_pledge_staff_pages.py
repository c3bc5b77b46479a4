"""The units' pledge pages (/unit/pledges/: liaison and head draft and report, members read) and the editors'
(/editor/pledges/: publish, send back, withdraw); every action through hotline.pledges, refusals shown."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline import pledges
from hotline.models import Pledge, PledgeUpdatePhoto
from tests.pledge_helpers import days, make_pledge, photo_bytes

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_a_liaison_drafts_a_pledge_on_the_page(client, people, units):
    _login(client, people["liaison"])
    page = client.get("/unit/pledges/new/").content.decode()
    assert 'name="unit"' not in page  # a unit drafts for itself
    response = client.post("/unit/pledges/new/", {
        "title": "乡村客运班线延伸", "description": "延伸到上寨村。", "origin": "群众来电", "target_date": days(40),
        "broadcast_date": "", "items": "站点建设\n\n试运行\n",
    })
    pledge = Pledge.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/unit/pledges/{pledge.pk}/"
    assert pledge.unit == units["roads"] and pledge.status == "draft"
    assert list(pledge.items.order_by("position").values_list("title", flat=True)) == ["站点建设", "试运行"]


def test_a_draft_with_a_past_target_date_is_shown_again(client, people, units):
    _login(client, people["liaison"])
    response = client.post("/unit/pledges/new/", {"title": "x", "description": "y", "target_date": days(-5)})
    assert response.status_code == 400 and "不能早于今天" in response.content.decode()
    assert not Pledge.objects.exists()


def test_the_units_list_shows_its_own_pledges_in_fixed_queries(client, people, units, django_assert_max_num_queries):
    mine = make_pledge(people, units, title="本单位的承诺")
    make_pledge(people, units, unit="water", by="other_liaison", title="水务局的承诺")
    _login(client, people["liaison"])
    client.get("/unit/pledges/")  # the session, once
    with django_assert_max_num_queries(8) as first:
        page = client.get("/unit/pledges/").content.decode()
    assert "本单位的承诺" in page and "水务局的承诺" not in page and "起草承诺事项" in page
    for n in range(4):
        make_pledge(people, units, title=f"更多{n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/unit/pledges/")
    assert client.get(f"/unit/pledges/{mine.pk}/").status_code == 200


def test_a_member_reads_but_cannot_change(client, people, units):
    pledge = make_pledge(people, units, items=["一组"])
    _login(client, people["member"])
    listing = client.get("/unit/pledges/").content.decode()
    assert pledge.title in listing and "起草承诺事项" not in listing
    page = client.get(f"/unit/pledges/{pledge.pk}/").content.decode()
    assert "/do/" not in page  # no action forms
    assert client.get("/unit/pledges/new/").status_code == 403
    response = client.post(f"/unit/pledges/{pledge.pk}/do/update/", {"update-text": "开工"})
    assert response.status_code == 403 and not pledge.updates.exists()


def test_another_units_pledge_is_not_found_and_others_are_refused(client, people, units):
    pledge = make_pledge(people, units)
    _login(client, people["other_liaison"])
    assert client.get(f"/unit/pledges/{pledge.pk}/").status_code == 404
    assert client.post(f"/unit/pledges/{pledge.pk}/do/update/", {"update-text": "x"}).status_code == 404
    _login(client, people["operator"])
    assert client.get("/unit/pledges/").status_code == 403
    assert client.get("/editor/pledges/").status_code == 403
    client.logout()
    assert client.get("/unit/pledges/")["Location"].startswith("/accounts/login/")


def test_the_unit_reports_progress_with_photos_and_marks_done(client, people, units):
    pledge = make_pledge(people, units, items=["一组", "二组"])
    first = pledge.items.order_by("position").first()
    _login(client, people["head"])
    url = f"/unit/pledges/{pledge.pk}/do/"
    assert client.post(url + "item-progress/", {"item": first.pk, "item-progress-progress": "80"}).status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).progress == 40
    photo = SimpleUploadedFile("road.png", photo_bytes(), content_type="image/png")
    response = client.post(url + "update/", {"update-text": "一组浇筑完成", "update-date": "", "update-photos": [photo]})
    assert response.status_code == 302
    assert pledge.updates.get().photos.count() == 1
    # a file that is not a picture: refused with the reason, nothing kept
    bad = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = client.post(url + "update/", {"update-text": "二组开工", "update-photos": [bad]})
    assert response.status_code == 400 and "不是可以识别的图片" in response.content.decode()
    assert pledge.updates.count() == 1 and PledgeUpdatePhoto.objects.count() == 1
    # done needs the final text
    assert client.post(url + "done/", {"done-text": ""}).status_code == 400
    assert client.post(url + "done/", {"done-text": "全部完工"}).status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).status == "done"
    # and then nothing more can be reported: the forms are gone, a forged post is a 409
    page = client.get(f"/unit/pledges/{pledge.pk}/").content.decode()
    assert "/do/update/" not in page and "这项承诺已结束" in page
    assert client.post(url + "update/", {"update-text": "再报一条"}).status_code == 409


def test_moving_the_target_date_of_a_published_pledge_asks_for_the_reason(client, people, units):
    pledge = make_pledge(people, units)
    _login(client, people["liaison"])
    data = {f"edit-{k}": v for k, v in {
        "title": pledge.title, "description": pledge.description, "origin": pledge.origin,
        "target_date": days(90), "broadcast_date": pledge.broadcast_date,
    }.items()}
    response = client.post(f"/unit/pledges/{pledge.pk}/do/edit/", data)
    assert response.status_code == 400 and "请说明原因" in response.content.decode()
    response = client.post(f"/unit/pledges/{pledge.pk}/do/edit/", {**data, "edit-reason": "雨季顺延"})
    assert response.status_code == 302 and Pledge.objects.get(pk=pledge.pk).target_date == days(90)


def test_the_editor_publishes_sends_back_and_withdraws(client, people, units, django_assert_max_num_queries):
    first = make_pledge(people, units, "pending", title="待发布一")
    second = make_pledge(people, units, "pending", title="待发布二")
    third = make_pledge(people, units, title="推进中")
    make_pledge(people, units, "draft", title="别人的草稿")
    _login(client, people["editor"])
    client.get("/editor/pledges/")
    with django_assert_max_num_queries(8):
        page = client.get("/editor/pledges/").content.decode()
    assert "待发布一" in page and "推进中" in page and "别人的草稿" not in page
    assert client.post(f"/unit/pledges/{first.pk}/do/publish/").status_code == 302
    assert Pledge.objects.get(pk=first.pk).status == "published"
    response = client.post(f"/unit/pledges/{second.pk}/do/send-back/", {"send-back-note": ""})
    assert response.status_code == 400
    client.post(f"/unit/pledges/{second.pk}/do/send-back/", {"send-back-note": "请补充完成时间"})
    assert Pledge.objects.get(pk=second.pk).status == "draft"
    client.post(f"/unit/pledges/{third.pk}/do/withdraw/", {"withdraw-reason": "合并实施"})
    assert Pledge.objects.get(pk=third.pk).status == "withdrawn"
    # the unit sees the editor's note on its draft
    _login(client, people["liaison"])
    assert "请补充完成时间" in client.get(f"/unit/pledges/{second.pk}/").content.decode()
    assert client.post(f"/unit/pledges/{second.pk}/do/publish/").status_code == 403


def test_the_editors_list_puts_overdue_pledges_first(client, people, units, time_machine):
    on_time = make_pledge(people, units, target=30, title="按期的")
    late = make_pledge(people, units, target=1, title="要逾期的")
    time_machine.move_to(f"{days(3).isoformat()}T10:00:00+08:00")
    page = _login(client, people["editor"]).get("/editor/pledges/").content.decode()
    assert page.index(late.title) < page.index(on_time.title)
    assert 'class="overdue"' in page


def test_the_menu_has_the_pledge_pages(client, people):
    assert "/unit/pledges/" in _login(client, people["member"]).get("/unit/").content.decode()
    assert "/editor/pledges/" in _login(client, people["editor"]).get("/editor/pledges/").content.decode()


def test_the_ticket_page_links_the_pledge_a_feedback_ticket_is_about(client, people, units, resident):
    pledge = make_pledge(people, units)
    ticket = pledges.feedback(pledge=pledge, resident=resident, text="路灯还没修", by=people["system"])
    page = _login(client, people["operator"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert f'href="/public/pledges/{pledge.pk}/"' in page


def test_a_pledges_page_costs_the_same_queries_however_much_it_shows(client, people, units,
                                                                      django_assert_max_num_queries):
    pledge = make_pledge(people, units, items=["一组"])
    pledges.add_update(pledge=pledge, by=people["liaison"], text="开工", photos=[photo_bytes()])
    _login(client, people["liaison"])
    client.get(f"/unit/pledges/{pledge.pk}/")
    with django_assert_max_num_queries(14) as first:
        client.get(f"/unit/pledges/{pledge.pk}/")
    for n in range(4):
        pledges.add_item(pledge=pledge, by=people["liaison"], title=f"子项{n}")
        pledges.add_update(pledge=pledge, by=people["liaison"], text=f"进展{n}", photos=[photo_bytes()])
        pledges.edit(pledge=pledge, by=people["liaison"], description=f"内容{n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(f"/unit/pledges/{pledge.pk}/").status_code == 200
