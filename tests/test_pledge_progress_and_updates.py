"""政府施单/晒单: the unit's dated updates with checked photos and progress; a pledge's progress is the rounded
average of its sub-items when it has any; marking it done needs a final text; overdue is published, not
done, past its target date (Asia/Shanghai)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hotline import pledges
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Message, Pledge, PledgeUpdate, PledgeUpdatePhoto
from tests.conftest import at
from tests.pledge_helpers import days, make_pledge, photo_bytes, unchanged

pytestmark = pytest.mark.django_db


def test_progress_is_the_rounded_average_of_the_items(people, units):
    pledge = make_pledge(people, units, items=["一组", "二组", "排水沟"])
    first, second, third = pledge.items.order_by("position")
    pledges.set_item_progress(item=first, by=people["liaison"], progress=100)
    assert Pledge.objects.get(pk=pledge.pk).progress == 33  # 33.3
    pledges.set_item_progress(item=second, by=people["liaison"], progress="50")
    assert Pledge.objects.get(pk=pledge.pk).progress == 50
    pledges.set_item_progress(item=third, by=people["head"], progress=1)
    assert Pledge.objects.get(pk=pledge.pk).progress == 50  # 50.33
    pledges.set_item_progress(item=third, by=people["head"], progress=2)
    assert Pledge.objects.get(pk=pledge.pk).progress == 51  # 50.67
    # a new item at 0% pulls the average down; removing it puts it back
    extra = pledges.add_item(pledge=pledge, by=people["liaison"], title="护栏")
    assert Pledge.objects.get(pk=pledge.pk).progress == 38  # 152 / 4
    pledges.remove_item(item=extra, by=people["liaison"])
    assert Pledge.objects.get(pk=pledge.pk).progress == 51


def test_half_rounds_up(people, units):
    pledge = make_pledge(people, units, items=["一组", "二组"])
    first, _second = pledge.items.order_by("position")
    pledges.set_item_progress(item=first, by=people["liaison"], progress=1)
    assert Pledge.objects.get(pk=pledge.pk).progress == 1  # 0.5 → 1


@pytest.mark.parametrize("value", [-1, 101, "五十", 12.5, True, None])
def test_item_progress_must_be_0_to_100(people, units, value):
    pledge = make_pledge(people, units, items=["一组"])
    with unchanged(pledge, InvalidInput):
        pledges.set_item_progress(item=pledge.items.get(), by=people["liaison"], progress=value)


def test_an_update_with_photos_and_progress(people, units):
    pledge = make_pledge(people, units)
    upload = SimpleUploadedFile("road.png", photo_bytes(), content_type="image/png")
    update = pledges.add_update(
        pledge=pledge, by=people["liaison"], text="一组路段浇筑完成。", date=days(-2), progress=40,
        photos=[upload, photo_bytes("JPEG")],
    )
    assert update.date == days(-2) and update.by == people["liaison"]
    assert Pledge.objects.get(pk=pledge.pk).progress == 40
    photos = list(update.photos.all())
    assert len(photos) == 2 and all(p.image.name.endswith(".jpg") for p in photos)
    assert PledgeUpdate.history.filter(id=update.pk, history_user=people["liaison"]).exists()


def test_an_update_without_a_date_is_dated_today(people, units):
    update = pledges.add_update(pledge=make_pledge(people, units), by=people["head"], text="开工。")
    assert update.date == pledges.today()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"text": " "}, "text"),
        ({"date": days(1)}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"progress": 120}, "progress"),
        ({"photos": [b"#!/bin/sh\nrm -rf /"]}, "photos"),
        ({"photos": [SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0 truncated", content_type="image/jpeg")]}, "photos"),
        ({"photos": [photo_bytes("BMP")]}, "photos"),
    ],
)
def test_bad_updates_are_refused_and_keep_nothing(people, units, kwargs, field):
    pledge = make_pledge(people, units)
    values = {"text": "开工。", **kwargs}
    with unchanged(pledge, InvalidInput) as info:
        pledges.add_update(pledge=pledge, by=people["liaison"], **values)
    assert field in info.value.field_errors


def test_too_many_or_too_big_photos_are_refused(people, units, settings):
    pledge = make_pledge(people, units)
    settings.HOTLINE = {**settings.HOTLINE, "PHOTOS_PER_ITEM": 2}
    with unchanged(pledge, InvalidInput) as info:
        pledges.add_update(pledge=pledge, by=people["liaison"], text="x", photos=[photo_bytes()] * 3)
    assert "最多上传2张" in info.value.field_errors["photos"][0]
    settings.HOTLINE = {**settings.HOTLINE, "PHOTO_MAX_BYTES": 1024 * 1024}
    big = photo_bytes() + b"\0" * (1024 * 1024)
    with unchanged(pledge, InvalidInput) as info:
        pledges.add_update(pledge=pledge, by=people["liaison"], text="x", photos=[big])
    assert "太大" in info.value.field_errors["photos"][0]
    assert not PledgeUpdatePhoto.objects.exists()


def test_a_pledge_with_items_takes_its_progress_from_them_not_from_an_update(people, units):
    pledge = make_pledge(people, units, items=["一组"])
    with unchanged(pledge, InvalidInput) as info:
        pledges.add_update(pledge=pledge, by=people["liaison"], text="x", progress=50)
    assert "progress" in info.value.field_errors


@pytest.mark.parametrize("state", ["draft", "pending", "done", "withdrawn"])
def test_updates_only_on_a_published_pledge(people, units, state):
    pledge = make_pledge(people, units, state)
    with unchanged(pledge, InvalidState):
        pledges.add_update(pledge=pledge, by=people["liaison"], text="开工。")


@pytest.mark.parametrize("who", ["other_liaison", "member", "operator"])
def test_others_may_not_post_updates_or_progress(people, units, who):
    pledge = make_pledge(people, units, items=["一组"])
    with unchanged(pledge, NotAllowed):
        pledges.add_update(pledge=pledge, by=people[who], text="开工。")
    with unchanged(pledge, NotAllowed):
        pledges.set_item_progress(item=pledge.items.get(), by=people[who], progress=10)
    with unchanged(pledge, NotAllowed):
        pledges.mark_done(pledge=pledge, by=people[who], text="完成")


def test_marking_done_needs_the_final_text_and_invites_feedback_givers_to_vote(people, units, resident, outbox):
    pledge = make_pledge(people, units, items=["一组", "二组"])
    pledges.feedback(pledge=pledge, resident=resident, text="二组什么时候修？", by=people["system"])
    with unchanged(pledge, InvalidInput) as info:
        pledges.mark_done(pledge=pledge, by=people["liaison"], text="")
    assert "政府晒单" in info.value.field_errors["text"][0]
    pledges.mark_done(pledge=pledge, by=people["liaison"], text="两条路全部硬化通车。", photos=[photo_bytes()])
    pledge.refresh_from_db()
    assert pledge.status == "done" and pledge.done_at and pledge.progress == 100
    assert set(pledge.items.values_list("progress", flat=True)) == {100}
    final = pledge.updates.get()
    assert final.text == "两条路全部硬化通车。" and final.photos.count() == 1
    invite = Message.objects.get(template="pledge_vote_invite")
    assert invite.resident == resident and f"YD {pledge.pk} 1" in invite.body


def test_overdue_is_published_not_done_and_past_the_target_date_in_shanghai(people, units, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    late = make_pledge(people, units, target=1, title="逾期的")
    done = make_pledge(people, units, "done", target=1, title="完成的")
    withdrawn = make_pledge(people, units, "withdrawn", target=1, title="撤回的")
    draft = make_pledge(people, units, "draft", target=1, title="草稿")
    on_time = make_pledge(people, units, target=2, title="按期的")
    # 2026-03-03 23:59 in Shanghai (15:59 UTC): the target day has not passed yet
    time_machine.move_to(at(2026, 3, 3, 23, 59), tick=False)
    assert not pledges.with_overdue(Pledge.objects.filter(pk=late.pk)).get().overdue
    # 2026-03-04 00:01 in Shanghai is still 03-03 in UTC: overdue all the same
    time_machine.move_to(at(2026, 3, 4, 0, 1), tick=False)
    overdue = set(pledges.with_overdue(Pledge.objects.all()).filter(overdue=True).values_list("title", flat=True))
    assert overdue == {"逾期的"}
    assert {done.pk, withdrawn.pk, draft.pk, on_time.pk}.isdisjoint(
        pledges.with_overdue(Pledge.objects.all()).filter(overdue=True).values_list("pk", flat=True)
    )
    board = {u.name: u for u in pledges.board()}
    assert board["区交通运输局"].overdue == 1 and board["区交通运输局"].done == 1
