"""A promotion request goes submitted → accepted → scheduled → published → done through hotline.promotions,
by the people who would do each step; the villager gets an SMS at each step, and history names the actor."""

import pytest
from django.utils import timezone

from hotline import promotions
from hotline.models import Message, PromotionRequest
from tests.promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db
PHONE = "+8613800138000"


def sms_to_villager():
    return list(Message.objects.filter(phone=PHONE, direction="out").order_by("pk").values_list("template", "body"))


def test_the_whole_way_with_an_sms_at_each_step(people, outbox, django_capture_on_commit_callbacks):
    editor, operator = people["editor"], people["operator"]
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(operator, resident_name="李大姐")
    assert (request.status, request.channel, request.created_by) == ("submitted", "phone", operator)
    assert request.resident.phone == PHONE and request.resident.name == "李大姐"
    assert sms_to_villager() == [
        ("promotion_submitted", f"已收到您的推广申请（石门村脆红李），编号{request.pk}，审核后短信告知您。")
    ]
    assert [(m["to"], m["text"]) for m in outbox] == [(PHONE, sms_to_villager()[0][1])]  # sent after the commit

    request = promotions.accept(request=request, by=editor, needs_papers=False, papers_checked=False,
                                wording_checked=True, note="图片清楚")
    assert (request.status, request.reviewed_by, request.review_note) == ("accepted", editor, "图片清楚")

    request = promotions.schedule(request=request, by=editor, placements={"douyin": today, "tv": today})
    assert request.status == "scheduled"
    assert sorted(request.placements.values_list("platform", flat=True)) == ["douyin", "tv"]

    douyin = request.placements.get(platform="douyin")
    promotions.publish(placement=douyin, by=editor, link="https://v.douyin.com/abc123/", published_on=today)
    request.refresh_from_db()
    assert request.status == "published" and request.published_at is not None  # the first platform makes it public
    tv = request.placements.get(platform="tv")
    promotions.publish(placement=tv, by=editor, link="", published_on=today)  # TV needs no link
    request.refresh_from_db()
    assert request.status == "published"

    promotions.enter_results(placement=douyin, by=editor, views=1200, likes=85, orders=12)
    promotions.enter_results(placement=tv, by=editor, views=3000)
    request = promotions.finish(request=request, by=editor)
    assert request.status == "done" and request.done_at is not None

    day = f"{today.month}月{today.day}日"
    assert [template for template, _body in sms_to_villager()] == [
        "promotion_submitted", "promotion_accepted", "promotion_scheduled", "promotion_published",
        "promotion_published", "promotion_done",
    ]
    bodies = [body for _template, body in sms_to_villager()]
    assert bodies[1] == "您的推广申请（石门村脆红李）已通过审核，排期后短信告知您。"
    assert bodies[2] == f"您的石门村脆红李将于{day}起在抖音、电视推广。"
    assert bodies[3] == "您的石门村脆红李已在抖音发布。https://v.douyin.com/abc123/"
    assert bodies[4] == "您的石门村脆红李已在电视发布。"
    assert bodies[5] == "您的石门村脆红李推广已完成：浏览4200次，点赞85个，订单12单。"
    assert all(len(body) <= 70 for body in bodies)
    assert Message.objects.filter(phone=PHONE).exclude(resident=request.resident).count() == 0

    # every change is on the record, with who made it
    history = list(request.history.order_by("history_date", "history_id").values_list("status", "history_user"))
    assert history[0] == ("submitted", operator.pk)
    assert [status for status, _user in history if _user == editor.pk][-4:] == ["accepted", "scheduled", "published", "done"]
    assert douyin.history.filter(history_user=editor).count() == 3  # scheduled, published, results


def test_declined_with_the_reason_by_sms(people):
    request = submit(people["operator"])
    request = promotions.decline(request=request, by=people["editor"], reason="请补充产品照片和产地，再来申请。")
    assert (request.status, request.decline_reason) == ("declined", "请补充产品照片和产地，再来申请。")
    assert sms_to_villager()[-1] == (
        "promotion_declined", "您的推广申请（石门村脆红李）未通过审核：请补充产品照片和产地，再来申请。"
    )


def test_a_long_reason_is_cut_to_one_sms_but_kept_whole(people):
    reason = "您的产品介绍中" + "有些说法需要核实，" * 10
    request = promotions.decline(request=submit(people["operator"]), by=people["editor"], reason=reason)
    assert request.decline_reason == " ".join(reason.split())
    body = sms_to_villager()[-1][1]
    assert len(body) <= 70 and body.endswith("…")


def test_a_supervisor_may_do_what_an_editor_does(people):
    request = advance(submit(people["operator"]), "done", editor=people["supervisor"])
    assert request.status == "done"


def test_scheduling_again_adds_a_platform_and_moves_an_unpublished_date(people):
    from tests.promotion_helpers import days

    editor = people["editor"]
    request = advance(submit(people["operator"]), "published", editor=editor)  # douyin published, wechat not
    promotions.schedule(request=request, by=editor, placements={"wechat": days(3), "kuaishou": days(5)})
    request.refresh_from_db()
    assert request.status == "published"  # adding a platform does not take the product off the showcase
    dates = dict(request.placements.values_list("platform", "scheduled_for"))
    assert dates["wechat"] == days(3) and dates["kuaishou"] == days(5)


def test_the_editor_corrects_the_wording_before_accepting(people):
    editor = people["editor"]
    request = submit(people["operator"], description="全县最好吃的脆红李，口感第一！")
    assert promotions.forbidden_terms(request.description) == ["最", "第一"]
    promotions.edit(request=request, by=editor, description="石门村山地种植的脆红李，脆甜多汁。", price="4.50")
    request = promotions.accept(request=request, by=editor, needs_papers=False, papers_checked=False, wording_checked=True)
    assert request.status == "accepted" and str(request.price) == "4.50"
    assert request.history.filter(history_user=editor).count() == 2


def test_only_published_and_done_requests_are_public(people):
    editor = people["editor"]
    states = ["submitted", "accepted", "scheduled", "published", "done"]
    requests = {state: advance(submit(people["operator"], phone=f"+861380013800{i}"), state, editor=editor)
                for i, state in enumerate(states)}
    public = set(promotions.public_products().values_list("pk", flat=True))
    assert public == {requests["published"].pk, requests["done"].pk}
    assert PromotionRequest.objects.count() == 5
