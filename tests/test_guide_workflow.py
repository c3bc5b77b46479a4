"""A unit drafts and submits a guide, a media editor publishes it or sends it back; withdrawing and
checking. Each refusal raises the right error and writes nothing."""

import contextlib
import datetime as dt

import pytest
import time_machine

from hotline import guides
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Message, ServiceGuide
from tests.conftest import at
from tests.guide_helpers import FULL, make_guide

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "guides": list(ServiceGuide.objects.order_by("pk").values()),
        "history": ServiceGuide.history.count(),
        "messages": Message.objects.count(),
    }


@contextlib.contextmanager
def refused(error):
    before = _snapshot()
    with pytest.raises(error) as info:
        yield info
    assert _snapshot() == before


def test_a_unit_drafts_submits_and_an_editor_publishes(people, units):
    liaison, editor = people["liaison"], people["editor"]
    guide = guides.draft(by=liaison, unit=units["roads"], title="道路运输证办理", category="certificate", **FULL)
    assert guide.status == "draft" and guide.created_by == liaison and guide.unit == units["roads"]

    guides.edit(guide=guide, by=people["head"], keywords="运输证  营运证")
    guides.submit(guide=guide, by=liaison)
    guide.refresh_from_db()
    assert guide.status == "pending"

    guides.publish(guide=guide, by=editor)
    guide.refresh_from_db()
    assert guide.status == "published" and guide.published_at is not None
    # the history names who did each step
    users = list(guide.history.order_by("history_id").values_list("history_user__username", "status"))
    assert users == [("liaison", "draft"), ("head", "draft"), ("liaison", "pending"), ("editor", "published")]


def test_an_editor_sends_a_guide_back_with_a_note_and_the_unit_submits_again(people, units):
    guide = make_guide(people, units["roads"], state="pending")
    with refused(InvalidInput) as info:
        guides.send_back(guide=guide, by=people["editor"], note="  ")
    assert "note" in info.value.field_errors

    guides.send_back(guide=guide, by=people["editor"], note="请补充收费依据")
    guide.refresh_from_db()
    assert (guide.status, guide.review_note) == ("draft", "请补充收费依据")
    guides.edit(guide=guide, by=people["liaison"], fees="工本费20元（依据：省物价局文件）")
    guides.submit(guide=guide, by=people["liaison"])
    guide.refresh_from_db()
    assert (guide.status, guide.review_note) == ("pending", "")


def test_only_an_editor_publishes_or_sends_back(people, units):
    guide = make_guide(people, units["roads"], state="pending")
    for who in ("liaison", "head", "operator", "other_liaison"):
        with refused(NotAllowed):
            guides.publish(guide=guide, by=people[who])
        with refused(NotAllowed):
            guides.send_back(guide=guide, by=people[who], note="不行")
    guides.publish(guide=guide, by=people["supervisor"])  # a supervisor may do what an editor does


def test_only_the_units_liaison_and_head_or_an_editor_draft_and_edit(people, units):
    for who in ("member", "operator", "other_liaison"):
        with refused(NotAllowed):
            guides.draft(by=people[who], unit=units["roads"], title="社保卡补办")
    guide = make_guide(people, units["roads"], state="draft")
    for who in ("member", "operator", "other_liaison"):
        with refused(NotAllowed):
            guides.edit(guide=guide, by=people[who], title="改了")
        with refused(NotAllowed):
            guides.submit(guide=guide, by=people[who])
        with refused(NotAllowed):
            guides.mark_checked(guide=guide, by=people[who])
    editor_draft = guides.draft(by=people["editor"], unit=units["water"], title="城乡居民用水报装")
    assert editor_draft.unit == units["water"]


def test_actions_in_the_wrong_state_are_refused(people, units):
    draft = make_guide(people, units["roads"], state="draft")
    with refused(InvalidState):
        guides.publish(guide=draft, by=people["editor"])  # not submitted
    with refused(InvalidState):
        guides.withdraw(guide=draft, by=people["liaison"])
    published = make_guide(people, units["roads"], title="居民身份证补领")
    with refused(InvalidState):
        guides.submit(guide=published, by=people["liaison"])
    with refused(InvalidState):
        guides.publish(guide=published, by=people["editor"])
    # the public text changes only with an editor: a unit withdraws, edits and submits again
    with refused(InvalidState):
        guides.edit(guide=published, by=people["liaison"], materials="只要身份证")
    guides.edit(guide=published, by=people["editor"], materials="居民户口簿")
    withdrawn = make_guide(people, units["roads"], title="户口迁移", state="withdrawn")
    with refused(InvalidState):
        guides.mark_checked(guide=withdrawn, by=people["liaison"])
    guides.edit(guide=withdrawn, by=people["liaison"], materials="户口簿、身份证")
    withdrawn.refresh_from_db()
    assert withdrawn.status == "draft"


def test_bad_input_gets_a_clear_error_and_loses_nothing(people, units):
    with refused(InvalidInput) as info:
        guides.draft(by=people["liaison"], unit=units["roads"], title="   ")
    assert set(info.value.field_errors) == {"title"}
    with refused(InvalidInput) as info:
        guides.draft(by=people["liaison"], unit=units["roads"], title="x", category="无此类别", phone="1" * 51)
    assert set(info.value.field_errors) == {"category", "phone"}
    guide = guides.draft(by=people["liaison"], unit=units["roads"], title="社保卡补办")
    with refused(InvalidInput) as info:
        guides.submit(guide=guide, by=people["liaison"])  # no materials, procedure, place, hours, phone yet
    assert set(info.value.field_errors) == {"materials", "procedure", "location", "office_hours", "phone"}
    assert "所需材料" in info.value.message


def test_withdrawing_takes_a_guide_off_the_public_list(people, units):
    guide = make_guide(people, units["roads"])
    assert list(guides.published()) == [guide]
    guides.withdraw(guide=guide, by=people["liaison"], reason="业务已调整")
    assert not guides.published().exists()
    assert guide.history.latest().history_change_reason == "业务已调整"


def test_checking_resets_the_staleness_period(people, units):
    with time_machine.travel(at(2025, 1, 10, 10, 0), tick=False):
        guide = make_guide(people, units["roads"])
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        assert guides.is_stale(guide) and list(guides.stale()) == [guide]
        guides.mark_checked(guide=guide, by=people["head"])
        guide.refresh_from_db()
        assert guide.last_checked == dt.date(2026, 3, 2)
        assert not guides.is_stale(guide) and not guides.stale().exists()
