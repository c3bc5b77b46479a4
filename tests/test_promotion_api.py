"""The promotion API: the public reads published products (no login; the phone only with consent, never a
name); media editors list every request and run the workflow by POST, with the one error shape; operators
may record a request; everything is in the OpenAPI document."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from hotline.models import Message, PromotionRequest
from tests.promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_public_reads_published_products_only(api, people, village):
    editor = people["editor"]
    shown = advance(submit(people["operator"], contact_public=True, product="脆红李", village=village,
                           resident_name="王秀英"), "published", editor=editor)
    masked = advance(submit(people["operator"], phone="+8613900139000", product="烤鸭", category="local_food"),
                     "done", editor=editor)
    hidden = advance(submit(people["operator"], phone="+8613700137000", product="核桃"), "scheduled", editor=editor)
    response = api.get("/api/public/products/")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {shown.pk, masked.pk}
    assert rows[shown.pk]["contact_phone"] == "13800138000" and rows[masked.pk]["contact_phone"] is None
    assert rows[shown.pk]["village"] == "石门村" and rows[shown.pk]["township"] == "青山镇"
    assert rows[shown.pk]["platforms"] == [{"platform": "douyin", "platform_display": "抖音",
                                           "published_on": timezone.localdate().isoformat(),
                                           "link": "https://v.douyin.com/abc123/"}]
    assert rows[masked.pk]["done"] is True and rows[masked.pk]["price"] == "5.00"
    assert "王秀英" not in response.content.decode() and "13900139000" not in response.content.decode()
    assert api.get(f"/api/public/products/{shown.pk}/").json()["product"] == "脆红李"
    assert api.get(f"/api/public/products/{hidden.pk}/").status_code == 404
    body = api.get("/api/public/products/?category=local_food").json()
    assert [row["id"] for row in body["results"]] == [masked.pk]
    assert api.get(f"/api/public/products/?village={village.pk}").json()["results"][0]["id"] == shown.pk
    error = api.get("/api/public/products/?category=bogus").json()["error"]
    assert error["code"] == "invalid" and "category" in error["fields"]


def test_the_public_list_costs_a_fixed_number_of_queries(api, people, django_assert_max_num_queries):
    for i in range(3):
        advance(submit(people["operator"], phone=f"+86138001{i:05d}"), "published", editor=people["editor"])
    with django_assert_max_num_queries(5) as few:
        api.get("/api/public/products/")
    for i in range(3, 20):
        advance(submit(people["operator"], phone=f"+86138001{i:05d}"), "published", editor=people["editor"])
    with django_assert_max_num_queries(5) as many:
        assert len(api.get("/api/public/products/").json()["results"]) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_staff_endpoints_are_for_editors(api, people):
    request = submit(people["operator"])
    assert api.get("/api/promotions/").status_code == 401
    for role in ("operator", "liaison"):
        response = as_user(people[role]).get("/api/promotions/")
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
        assert as_user(people[role]).post(f"/api/promotions/{request.pk}/decline/", {"reason": "x"}, format="json").status_code == 403
    editor = as_user(people["editor"])
    body = editor.get("/api/promotions/?status=submitted").json()
    assert [row["id"] for row in body["results"]] == [request.pk]
    assert body["results"][0]["resident"]["phone"] == "+8613800138000"
    assert editor.get("/api/promotions/999999/").status_code == 404
    unconfirmed = PromotionRequest.objects.create(status="unconfirmed", channel="web", product="x")
    assert editor.get(f"/api/promotions/{unconfirmed.pk}/").status_code == 404
    assert unconfirmed.pk not in [row["id"] for row in editor.get("/api/promotions/").json()["results"]]


def test_the_workflow_through_the_api(people):
    editor = as_user(people["editor"])
    operator = as_user(people["operator"])
    today = timezone.localdate().isoformat()
    response = operator.post("/api/promotions/", {"phone": "13800138000", "product": "最好的蜂蜜",
                                                  "category": "farm_product", "description": "国家级品质"}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["forbidden_terms"] == {"product": ["最"], "description": ["国家级"]}
    url = f"/api/promotions/{pk}"

    response = editor.post(f"{url}/accept/", {"wording_checked": True}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and "最、国家级" in error["message"]
    assert set(error["fields"]) == {"wording_checked", "product", "description"}
    response = editor.post(f"{url}/edit/", {"product": "百花蜂蜜", "description": "大河乡山里的百花蜜"}, format="json")
    assert response.status_code == 200 and response.json()["forbidden_terms"] == {}
    response = editor.post(f"{url}/accept/", {"needs_papers": True, "papers_checked": True, "wording_checked": True},
                           format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert editor.post(f"{url}/accept/", {"wording_checked": True}, format="json").json()["error"]["code"] == "invalid_state"

    response = editor.post(f"{url}/schedule/", {"placements": [{"platform": "douyin", "date": "2001-01-01"}]}, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"] == {"placements": ["发布日期不能早于今天。"]}
    response = editor.post(f"{url}/schedule/", {"placements": [{"platform": "douyin", "date": today},
                                                               {"platform": "app", "date": today}]}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    response = editor.post(f"{url}/publish/", {"platform": "kuaishou", "link": "https://x.cn/", "published_on": today}, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"] == {"platform": ["这个平台还没有排期。"]}
    response = editor.post(f"{url}/publish/", {"platform": "douyin", "link": "https://v.douyin.com/z/", "published_on": today}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"
    response = editor.post(f"{url}/results/", {"platform": "douyin", "views": -1}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    response = editor.post(f"{url}/results/", {"platform": "douyin", "views": 500, "likes": 20, "orders": 3}, format="json")
    assert response.status_code == 200
    placements = {p["platform"]: p for p in response.json()["placements"]}
    assert placements["douyin"]["views"] == 500 and placements["app"]["published_on"] is None
    response = editor.post(f"{url}/finish/", format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    templates = list(Message.objects.filter(phone="+8613800138000").order_by("pk").values_list("template", flat=True))
    assert templates == ["promotion_submitted", "promotion_accepted", "promotion_scheduled", "promotion_published",
                         "promotion_done"]
    assert editor.post(f"{url}/decline/", {"reason": "x"}, format="json").status_code == 409


def test_every_promotion_operation_is_documented(api):
    document = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = document["paths"]
    assert set(paths["/api/public/products/"]) == {"get"} and "get" in paths["/api/public/products/{id}/"]
    assert set(paths["/api/promotions/"]) == {"get", "post"}
    for name in ("edit", "accept", "decline", "schedule", "publish", "results", "finish"):
        op = paths[f"/api/promotions/{{id}}/{name}/"]["post"]
        assert {"400", "403", "404", "409"} <= set(op["responses"]), name
        assert op["summary"] and op["description"]
    public = paths["/api/public/products/"]["get"]
    assert "电话只在村民同意公开时给出" in public["description"]
    assert document["components"]["schemas"]["PublicProduct"]["properties"]["contact_phone"]["nullable"] is True

