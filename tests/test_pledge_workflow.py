"""A pledge goes draft → pending → published (or back to draft with a note) → done or withdrawn, each step
by whoever may take it, with its history; wrong users, states and dates are refused and change nothing."""

import pytest

from hotline import pledges
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Message, Pledge, PledgeItem
from tests.conftest import at
from tests.pledge_helpers import days, make_pledge, unchanged

pytestmark = pytest.mark.django_db


def test_a_liaison_drafts_submits_and_an_editor_publishes(people, units):
    pledge = pledges.draft(
        by=people["liaison"], unit=units["roads"], title="乡村客运班线延伸", description="班线延伸到上寨村。",
        origin="上寨村群众反映出行难。", target_date=days(60), broadcast_date=days(5), items=["站点建设", "试运行"],
    )
    assert pledge.status == Pledge.Status.DRAFT and pledge.created_by == people["liaison"]
    assert [i.title for i in pledge.items.order_by("position")] == ["站点建设", "试运行"]
    pledges.submit(pledge=pledge, by=people["head"])
    published = pledges.publish(pledge=pledge, by=people["editor"])
    assert published.status == Pledge.Status.PUBLISHED and published.published_at is not None
    history = list(Pledge.history.filter(id=pledge.pk).order_by("history_date", "history_id"))
    assert [(h.status, h.history_user) for h in history] == [
        ("draft", people["liaison"]), ("pending", people["head"]), ("published", people["editor"]),
    ]
    # the unit's liaison is told by SMS (staff notice: the number and the title)
    notice = Message.objects.get(template="unit_pledge_published")
    assert notice.recipient_user == people["liaison"] and str(pledge.pk) in notice.body


def test_an_editor_may_draft_for_any_unit(people, units):
    pledge = pledges.draft(
        by=people["editor"], unit=units["water"], title="河道清淤", description="清淤2公里。", target_date=days(30),
    )
    assert pledge.unit == units["water"]


@pytest.mark.parametrize("who", ["other_liaison", "member", "operator"])
def test_others_may_not_draft_for_the_unit(people, units, who):
    with pytest.raises(NotAllowed):
        pledges.draft(by=people[who], unit=units["roads"], title="x", description="y", target_date=days(30))
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [("title", " "), ("description", ""), ("target_date", None), ("target_date", "2026-13-40"),
     ("broadcast_date", "1899-01-01")],
)
def test_drafts_need_their_fields_and_sane_dates(people, units, field, value):
    values = {"title": "路灯安装", "description": "安装60盏。", "target_date": days(30), "broadcast_date": None}
    values[field] = value
    with pytest.raises(InvalidInput) as info:
        pledges.draft(by=people["liaison"], unit=units["roads"], **values)
    assert field in info.value.field_errors
    assert not Pledge.objects.exists()


def test_a_target_date_in_the_past_is_refused(people, units):
    with pytest.raises(InvalidInput) as info:
        pledges.draft(by=people["liaison"], unit=units["roads"], title="x", description="y", target_date=days(-1))
    assert "不能早于今天" in info.value.field_errors["target_date"][0]


def test_the_editor_sends_a_pending_pledge_back_with_a_note(people, units, outbox):
    pledge = make_pledge(people, units, "pending")
    with unchanged(pledge, InvalidInput):
        pledges.send_back(pledge=pledge, by=people["editor"], note=" ")
    with unchanged(pledge, InvalidInput):
        pledges.send_back(pledge=pledge, by=people["editor"], note="长" * 101)
    pledges.send_back(pledge=pledge, by=people["editor"], note="请写明两条路的长度")
    pledge.refresh_from_db()
    assert pledge.status == "draft"
    assert pledges.last_send_back_note(pledge) == "请写明两条路的长度"
    assert Message.objects.filter(template="unit_pledge_sent_back", body__contains="请写明两条路的长度").exists()


@pytest.mark.parametrize("action", ["publish", "send_back", "withdraw"])
@pytest.mark.parametrize("who", ["liaison", "head", "operator"])
def test_only_editors_publish_send_back_and_withdraw(people, units, action, who):
    pledge = make_pledge(people, units, "pending" if action != "withdraw" else "published")
    extra = {"send_back": {"note": "请修改"}, "withdraw": {"reason": "合并实施"}}.get(action, {})
    with unchanged(pledge, NotAllowed):
        getattr(pledges, action)(pledge=pledge, by=people[who], **extra)


def test_a_supervisor_may_do_what_an_editor_does(people, units):
    pledge = make_pledge(people, units, "pending")
    pledges.publish(pledge=pledge, by=people["supervisor"])
    assert Pledge.objects.get(pk=pledge.pk).status == "published"


@pytest.mark.parametrize("who", ["other_liaison", "member", "operator"])
def test_only_the_units_liaison_head_or_an_editor_submit_and_edit(people, units, who):
    pledge = make_pledge(people, units, "draft")
    user = people[who]
    with unchanged(pledge, NotAllowed):
        pledges.submit(pledge=pledge, by=user)
    with unchanged(pledge, NotAllowed):
        pledges.edit(pledge=pledge, by=user, title="改了")
    with unchanged(pledge, NotAllowed):
        pledges.add_item(pledge=pledge, by=user, title="新子项")


@pytest.mark.parametrize(
    "state, action",
    [("draft", "publish"), ("published", "publish"), ("published", "submit"), ("draft", "send_back"),
     ("draft", "withdraw"), ("pending", "withdraw"), ("withdrawn", "withdraw"), ("done", "submit")],
)
def test_actions_in_the_wrong_state_are_refused(people, units, state, action):
    pledge = make_pledge(people, units, state)
    by = people["editor"] if action in ("publish", "send_back", "withdraw") else people["liaison"]
    extra = {"send_back": {"note": "请修改"}, "withdraw": {"reason": "合并实施"}}.get(action, {})
    with unchanged(pledge, InvalidState):
        getattr(pledges, action)(pledge=pledge, by=by, **extra)


@pytest.mark.parametrize("state", ["done", "withdrawn"])
def test_a_done_or_withdrawn_pledge_is_frozen(people, units, state):
    pledge = make_pledge(people, units, state, items=["一组"])
    with unchanged(pledge, InvalidState):
        pledges.edit(pledge=pledge, by=people["liaison"], title="改个标题")
    with unchanged(pledge, InvalidState):
        pledges.add_item(pledge=pledge, by=people["liaison"], title="新子项")
    with unchanged(pledge, InvalidState):
        pledges.set_item_progress(item=pledge.items.get(), by=people["liaison"], progress=50)


def test_publishing_a_pledge_whose_target_date_has_passed_is_refused(people, units, time_machine):
    pledge = make_pledge(people, units, "pending", target=3)
    later = days(10)
    time_machine.move_to(at(later.year, later.month, later.day, 10, 0))
    with unchanged(pledge, InvalidInput) as info:
        pledges.publish(pledge=pledge, by=people["editor"])
    assert "target_date" in info.value.field_errors


def test_moving_a_published_pledges_target_date_needs_a_reason_kept_in_history(people, units):
    pledge = make_pledge(people, units, "published")
    with unchanged(pledge, InvalidInput) as info:
        pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(90))
    assert "reason" in info.value.field_errors
    with unchanged(pledge, InvalidInput):
        pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(-3), reason="雨季")
    pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(90), reason="雨季施工顺延")
    latest = Pledge.history.filter(id=pledge.pk).latest("history_date")
    assert latest.target_date == days(90) and latest.history_change_reason == "雨季施工顺延"
    assert latest.history_user == people["liaison"]


def test_a_draft_may_move_its_target_date_without_a_reason(people, units):
    pledge = make_pledge(people, units, "draft")
    pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(90))
    assert Pledge.objects.get(pk=pledge.pk).target_date == days(90)


def test_an_edit_that_changes_nothing_writes_no_history(people, units):
    pledge = make_pledge(people, units, "published")
    count = Pledge.history.filter(id=pledge.pk).count()
    pledges.edit(pledge=pledge, by=people["liaison"], title=pledge.title)
    assert Pledge.history.filter(id=pledge.pk).count() == count


def test_withdrawing_keeps_the_pledge_with_its_reason(people, units):
    pledge = make_pledge(people, units, "published")
    with unchanged(pledge, InvalidInput):
        pledges.withdraw(pledge=pledge, by=people["editor"], reason="")
    pledges.withdraw(pledge=pledge, by=people["editor"], reason="与区生态环境分局项目合并实施")
    assert Pledge.objects.get(pk=pledge.pk).status == "withdrawn"
    assert pledges.public_pledges().filter(pk=pledge.pk).exists()
    assert any("合并实施" in entry["text"] for entry in pledges.trail(pledge))


def test_sub_items_are_added_renamed_and_removed_with_history(people, units):
    pledge = make_pledge(people, units, "published", items=["一组"])
    item = pledges.add_item(pledge=pledge, by=people["head"], title="二组")
    pledges.rename_item(item=item, by=people["head"], title="二组路段")
    pledges.remove_item(item=PledgeItem.objects.get(title="一组"), by=people["editor"])
    assert list(PledgeItem.objects.values_list("title", flat=True)) == ["二组路段"]
    removed = PledgeItem.history.filter(history_type="-").get()
    assert removed.title == "一组" and removed.history_user == people["editor"]
    with unchanged(pledge, InvalidInput):
        pledges.add_item(pledge=pledge, by=people["head"], title="  ")
