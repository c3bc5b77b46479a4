"""The media editors' pages: the queue by status with counts, the request page with everything (photos,
checklist, forbidden terms marked, history) and a form per action; errors on the fields (400), a wrong
state 409, others 403/404. Operators record requests taken on the phone."""

import pytest
from django.utils import timezone

from hotline.models import PromotionRequest
from tests.promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, people):
    client.force_login(people["editor"])
    return client


def post(client, request, action, data):
    return client.post(f"/editor/promotions/{request.pk}/do/{action}/", {f"{action}-{k}": v for k, v in data.items()})


def test_the_queue_by_status_with_counts(editor_client, people):
    for i, state in enumerate(["submitted", "submitted", "accepted", "scheduled", "published", "done"]):
        advance(submit(people["operator"], phone=f"+86138001380{i:02d}", product=f"产品{i}"), state, editor=people["editor"])
    PromotionRequest.objects.create(status="unconfirmed", channel="web", product="未确认的")
    response = editor_client.get("/editor/promotions/")
    assert response.status_code == 200
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs == {"submitted": 2, "accepted": 1, "scheduled": 1, "published": 1, "done": 1, "declined": 0}
    html = response.content.decode()
    assert "产品0" in html and "产品1" in html and "产品2" not in html and "未确认的" not in html
    assert "产品4" in editor_client.get("/editor/promotions/?status=published").content.decode()
    assert "产品1" in editor_client.get("/editor/promotions/?q=产品1").content.decode()
    assert "产品0" not in editor_client.get("/editor/promotions/?q=产品1").content.decode()


def test_the_queue_costs_the_same_queries_for_few_or_many(editor_client, people, django_assert_max_num_queries):
    for i in range(2):
        submit(people["operator"], phone=f"+861380013{i:04d}")
    with django_assert_max_num_queries(20) as few:
        editor_client.get("/editor/promotions/")
    for i in range(2, 25):
        submit(people["operator"], phone=f"+861380013{i:04d}")
    with django_assert_max_num_queries(20) as many:
        editor_client.get("/editor/promotions/")
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("role", ["operator", "liaison", "member"])
def test_others_may_not_use_the_editor_pages(client, people, role):
    request = submit(people["operator"])
    client.force_login(people[role])
    assert client.get("/editor/promotions/").status_code == 403
    assert client.get(f"/editor/promotions/{request.pk}/").status_code == 403
    assert post(client, request, "decline", {"reason": "x"}).status_code == 403
    assert PromotionRequest.objects.get().status == "submitted"


def test_anonymous_visitors_are_asked_to_log_in(client, people):
    request = submit(people["operator"])
    assert client.get("/editor/promotions/").status_code == 302
    assert client.get(f"/editor/promotions/{request.pk}/").status_code == 302
    assert client.get("/promotions/new/").status_code == 302


def test_the_request_page_marks_forbidden_terms_and_shows_history(editor_client, people):
    request = submit(people["operator"], description="全国第一的脆红李")
    html = editor_client.get(f"/editor/promotions/{request.pk}/").content.decode()
    assert '<mark class="forbidden">第一</mark>' in html
    assert 'id="forbidden-terms"' in html and "含有广告法禁用词：第一。请修改用语。" in html
    assert "登记（电话）" in html  # history
    assert "+8613800138000" in html  # the editor sees the contact
    assert 'data-action="accept"' in html and 'data-action="decline"' in html and 'data-action="edit"' in html


def test_accepting_with_forbidden_terms_is_refused_on_the_fields(editor_client, people):
    request = submit(people["operator"], description="全国第一的脆红李")
    response = post(editor_client, request, "accept", {"wording_checked": "on"})
    assert response.status_code == 400
    form = response.context["forms"][0][2]
    assert form.errors["wording_checked"] == ["宣传内容含有广告法禁用词：第一。请先修改用语，再通过审核。"]
    assert PromotionRequest.objects.get().status == "submitted"
    response = post(editor_client, request, "edit", {"product": "脆红李", "category": "farm_product",
                                                     "description": "石门村的脆红李"})
    assert response.status_code == 302
    response = post(editor_client, request, "accept", {"wording_checked": "on"})
    assert response.status_code == 302 and PromotionRequest.objects.get().status == "accepted"


def test_checklist_and_reason_errors_are_400_and_a_wrong_state_409(editor_client, people):
    request = submit(people["operator"])
    response = post(editor_client, request, "accept", {"needs_papers": "on", "wording_checked": "on"})
    assert response.status_code == 400
    assert "此产品需要食品安全或检疫证明" in response.content.decode()
    response = post(editor_client, request, "decline", {"reason": ""})
    assert response.status_code == 400
    response = post(editor_client, request, "schedule", {"douyin": timezone.localdate().isoformat()})
    assert response.status_code == 409 and "不能执行此操作" in response.content.decode()
    assert post(editor_client, request, "nothing", {}).status_code == 404
    assert editor_client.post("/editor/promotions/999999/do/decline/", {"decline-reason": "x"}).status_code == 404


def test_the_whole_way_on_the_pages(editor_client, people):
    today = timezone.localdate().isoformat()
    request = submit(people["operator"])
    assert post(editor_client, request, "accept", {"wording_checked": "on"}).status_code == 302
    response = post(editor_client, request, "schedule", {"douyin": "2000-01-01"})
    assert response.status_code == 400 and "发布日期不能早于今天。" in response.content.decode()
    assert post(editor_client, request, "schedule", {}).status_code == 400
    assert post(editor_client, request, "schedule", {"douyin": today, "tv": today}).status_code == 302
    douyin = request.placements.get(platform="douyin")
    response = post(editor_client, request, "publish", {"placement": douyin.pk, "link": "ftp://x", "published_on": today})
    assert response.status_code == 400 and "请填写以 http:// 或 https:// 开头的完整链接。" in response.content.decode()
    assert post(editor_client, request, "publish", {"placement": douyin.pk, "link": "https://v.douyin.com/a/",
                                                    "published_on": today}).status_code == 302
    response = post(editor_client, request, "results", {"placement": douyin.pk, "views": "-5"})
    assert response.status_code == 400 and "不能为负数。" in response.content.decode()
    assert post(editor_client, request, "results", {"placement": douyin.pk, "views": "900", "likes": "30",
                                                    "orders": "4"}).status_code == 302
    assert post(editor_client, request, "finish", {}).status_code == 302
    request.refresh_from_db()
    assert request.status == "done"
    html = editor_client.get(f"/editor/promotions/{request.pk}/").content.decode()
    assert "抖音：效果 浏览900 点赞30 订单4" in html and 'data-action=' not in html


def test_operators_record_a_phone_request_with_the_caller_looked_up(client, people, village):
    client.force_login(people["operator"])
    page = client.get("/promotions/new/")
    assert page.status_code == 200 and "登记推广" in page.content.decode()  # the nav entry
    submit(people["operator"], product="旧申请")
    lookup = client.get("/promotions/lookup/", {"phone": "138 0013 8000"}).content.decode()
    assert "旧申请" in lookup
    assert "新来电人" in client.get("/promotions/lookup/", {"phone": "13912340000"}).content.decode()
    assert "error" in client.get("/promotions/lookup/", {"phone": "123"}).content.decode()
    response = client.post("/promotions/new/", {"phone": "", "product": "烤鸭", "category": "local_food"})
    assert response.status_code == 400
    response = client.post("/promotions/new/", {
        "phone": "13912340000", "resident_name": "刘大爷", "product": "烤鸭", "category": "local_food",
        "village": village.pk, "text": "来电：家里烤鸭想推广", "contact_public": "on",
    })
    assert response.status_code == 302 and response.url == "/promotions/new/"
    request = PromotionRequest.objects.get(product="烤鸭")
    assert (request.channel, request.created_by, request.contact_public) == ("phone", people["operator"], True)
    assert request.resident.name == "刘大爷"
    client.force_login(people["liaison"])
    assert client.get("/promotions/new/").status_code == 403


def test_the_menus(client, people):
    client.force_login(people["editor"])
    html = client.get("/editor/promotions/").content.decode()
    assert 'href="/editor/promotions/"' in html
    client.force_login(people["supervisor"])
    assert 'href="/editor/promotions/"' in client.get("/supervisor/").content.decode()
    client.force_login(people["operator"])
    html = client.get("/console/").content.decode()
    assert 'href="/promotions/new/"' in html and 'href="/editor/promotions/"' not in html
