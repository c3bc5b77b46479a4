"""Every action of hotline.promotions refuses what it must — the wrong role, the wrong state, a missing
reason, forbidden advertising terms, an incomplete checklist, bad dates, negative results — with a clear
message on the field concerned, and changes nothing (no history, no SMS)."""

import contextlib

import pytest
from django.utils import timezone

from hotline import promotions
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from tests.promotion_helpers import advance, days, snapshot, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unchanged():
    @contextlib.contextmanager
    def check(request, error):
        before = snapshot(request)
        with pytest.raises(error) as info:
            yield info
        assert snapshot(request) == before

    return check


@pytest.fixture
def at(people):
    """`at("scheduled")`: a request walked up to that state."""
    return lambda state, **kw: advance(submit(people["operator"], **kw), state, editor=people["editor"])


ACCEPT = {"needs_papers": False, "papers_checked": False, "wording_checked": True}


@pytest.mark.parametrize("role", ["operator", "liaison", "head", "member"])
def test_only_editors_and_supervisors_run_the_workflow(people, at, unchanged, role):
    user = people[role]
    request = at("submitted")
    for action in (
        lambda: promotions.accept(request=request, by=user, **ACCEPT),
        lambda: promotions.decline(request=request, by=user, reason="不符合"),
        lambda: promotions.edit(request=request, by=user, product="苹果"),
    ):
        with unchanged(request, NotAllowed) as info:
            action()
        assert info.value.message == "只有编辑和督办可以处理推广申请。"
    accepted = at("accepted")
    with unchanged(accepted, NotAllowed):
        promotions.schedule(request=accepted, by=user, placements={"douyin": days(1)})
    published = at("published")
    douyin = published.placements.get(platform="douyin")
    with unchanged(published, NotAllowed):
        promotions.enter_results(placement=douyin, by=user, views=1)
    with unchanged(published, NotAllowed):
        promotions.finish(request=published, by=user)


@pytest.mark.parametrize("role", ["liaison", "member", "other_liaison"])
def test_unit_users_cannot_record_requests(people, role):
    with pytest.raises(NotAllowed):
        submit(people[role])
    assert not promotions.PromotionRequest.objects.exists()


def test_each_action_in_the_wrong_state_is_a_conflict(people, at, unchanged):
    editor, today = people["editor"], timezone.localdate()
    submitted, accepted, scheduled, done = at("submitted"), at("accepted"), at("scheduled"), at("done")
    with unchanged(submitted, InvalidState):  # scheduling before the review
        promotions.schedule(request=submitted, by=editor, placements={"douyin": today})
    with unchanged(accepted, InvalidState):
        promotions.accept(request=accepted, by=editor, **ACCEPT)  # twice
    with unchanged(scheduled, InvalidState):
        promotions.finish(request=scheduled, by=editor)  # nothing published yet
    with unchanged(done, InvalidState):
        promotions.decline(request=done, by=editor, reason="不合适")
    with unchanged(done, InvalidState):
        promotions.edit(request=done, by=editor, product="苹果")
    with unchanged(done, InvalidState) as info:
        promotions.schedule(request=done, by=editor, placements={"kuaishou": today})
    assert "已完成" in info.value.message
    douyin = done.placements.get(platform="douyin")
    with unchanged(done, InvalidState):
        promotions.enter_results(placement=douyin, by=editor, views=5)


def test_a_platform_is_published_once_and_results_only_after_publication(people, at, unchanged):
    editor, today = people["editor"], timezone.localdate()
    published = at("published")
    douyin, wechat = published.placements.get(platform="douyin"), published.placements.get(platform="wechat")
    with unchanged(published, InvalidState) as info:
        promotions.publish(placement=douyin, by=editor, link="https://v.douyin.com/other/", published_on=today)
    assert info.value.message == "抖音已经发布。"
    with unchanged(published, InvalidState) as info:
        promotions.enter_results(placement=wechat, by=editor, views=10)
    assert info.value.message == "微信公众号还没有发布，不能录入效果。"
    with unchanged(published, InvalidInput) as info:
        promotions.schedule(request=published, by=editor, placements={"douyin": days(2)})
    assert info.value.field_errors == {"douyin": ["抖音已经发布，不能重新排期。"]}


def test_a_decline_needs_a_reason(people, at, unchanged):
    request = at("submitted")
    with unchanged(request, InvalidInput) as info:
        promotions.decline(request=request, by=people["editor"], reason="  ")
    assert info.value.field_errors == {"reason": ["请填写未通过的原因（会短信告知群众）。"]}


def test_forbidden_terms_are_named_and_block_acceptance(people, at, unchanged):
    request = at("submitted", product="极品脆红李", description="全国第一，100%纯天然，国家级品质。")
    with unchanged(request, InvalidInput) as info:
        promotions.accept(request=request, by=people["editor"], **ACCEPT)
    errors = info.value.field_errors
    assert info.value.message == "宣传内容含有广告法禁用词：极品、第一、100%、国家级。请先修改用语，再通过审核。"
    assert errors["product"] == ["含有广告法禁用词：极品。请修改用语。"]
    assert errors["description"] == ["含有广告法禁用词：第一、100%、国家级。请修改用语。"]


def test_an_accepted_text_cannot_take_a_forbidden_term_again(people, at, unchanged):
    request = at("accepted")
    with unchanged(request, InvalidInput) as info:
        promotions.edit(request=request, by=people["editor"], description="本地最佳脆红李")
    assert info.value.field_errors == {"description": ["含有广告法禁用词：最佳。请修改用语。"]}


def test_the_checklist_must_be_complete(people, at, unchanged):
    editor, request = people["editor"], at("submitted")
    with unchanged(request, InvalidInput) as info:
        promotions.accept(request=request, by=editor, needs_papers=True, papers_checked=False, wording_checked=True)
    assert info.value.field_errors == {"papers_checked": ["此产品需要食品安全或检疫证明：请先核验证明，再通过审核。"]}
    with unchanged(request, InvalidInput) as info:
        promotions.accept(request=request, by=editor, needs_papers=False, papers_checked=False, wording_checked=False)
    assert info.value.field_errors == {"wording_checked": ["请核对宣传用语后勾选。"]}
    request = promotions.accept(request=request, by=editor, needs_papers=True, papers_checked=True, wording_checked=True)
    assert request.needs_papers and request.papers_checked


def test_bad_schedule_dates_and_platforms(people, at, unchanged):
    editor, request = people["editor"], at("accepted")
    cases = [
        ({"douyin": days(-1)}, {"douyin": ["发布日期不能早于今天。"]}),
        ({"douyin": None}, {"douyin": ["请填写抖音的发布日期。"]}),
        ({}, {"placements": ["请至少选择一个平台并填写日期。"]}),
        ({"weibo": days(1)}, {"placements": ["没有这个平台：weibo。"]}),
        ({"douyin": days(400)}, {"douyin": ["发布日期须在一年之内。"]}),
    ]
    for placements, errors in cases:
        with unchanged(request, InvalidInput) as info:
            promotions.schedule(request=request, by=editor, placements=placements)
        assert info.value.field_errors == errors, placements
    with unchanged(request, InvalidInput) as info:
        promotions.schedule(request=request, by=editor, placements=[("douyin", days(1)), ("douyin", days(2))])
    assert info.value.field_errors == {"douyin": ["同一平台只能排期一次。"]}


def test_bad_publication_link_and_date(people, at, unchanged):
    editor, request = people["editor"], at("scheduled")
    douyin = request.placements.get(platform="douyin")
    cases = [
        ({"link": "", "published_on": days(0)}, {"link": ["请填写发布链接（电视节目可不填）。"]}),
        ({"link": "javascript:alert(1)", "published_on": days(0)}, {"link": ["请填写以 http:// 或 https:// 开头的完整链接。"]}),
        ({"link": "https://v.douyin.com/x/", "published_on": days(1)}, {"published_on": ["发布日期不能晚于今天。"]}),
        ({"link": "https://v.douyin.com/x/", "published_on": None}, {"published_on": ["请填写发布日期。"]}),
    ]
    for kwargs, errors in cases:
        with unchanged(request, InvalidInput) as info:
            promotions.publish(placement=douyin, by=editor, **kwargs)
        assert info.value.field_errors == errors, kwargs


def test_results_are_whole_numbers_not_negative(people, at, unchanged):
    editor, request = people["editor"], at("published")
    douyin = request.placements.get(platform="douyin")
    cases = [
        ({"views": -1}, {"views": ["不能为负数。"]}),
        ({"views": 10, "likes": -3, "orders": "x"}, {"likes": ["不能为负数。"], "orders": ["请填写整数。"]}),
        ({"views": 1.5}, {"views": ["请填写整数。"]}),
        ({}, {"views": ["请至少填写一项效果数据。"]}),
    ]
    for kwargs, errors in cases:
        with unchanged(request, InvalidInput) as info:
            promotions.enter_results(placement=douyin, by=editor, **kwargs)
        assert info.value.field_errors == errors, kwargs


def test_finishing_needs_the_results_of_every_published_platform(people, at, unchanged):
    editor, request = people["editor"], at("published")
    promotions.publish(placement=request.placements.get(platform="wechat"), by=editor,
                       link="https://mp.weixin.qq.com/s/abc", published_on=timezone.localdate())
    promotions.enter_results(placement=request.placements.get(platform="douyin"), by=editor, views=100)
    with unchanged(request, InvalidInput) as info:
        promotions.finish(request=request, by=editor)
    assert info.value.message == "请先录入这些平台的推广效果：微信公众号。"


def test_the_operator_form_needs_the_phone_and_a_product(people):
    with pytest.raises(InvalidInput) as info:
        promotions.create_by_operator(by=people["operator"], phone="", product="苹果")
    assert info.value.field_errors == {"phone": ["请填写群众的电话。"]}
    with pytest.raises(InvalidInput) as info:
        promotions.create_by_operator(by=people["operator"], phone="12345", product="苹果")
    assert list(info.value.field_errors) == ["phone"]
    with pytest.raises(InvalidInput) as info:
        promotions.create_by_operator(by=people["operator"], phone="13800138000", product="", price="-1")
    assert info.value.field_errors == {"product": ["请填写产品名称。"], "price": ["价格须在0到1亿元之间。"]}
    assert not promotions.PromotionRequest.objects.exists()
