"""The guides API: the public search, list and detail need no login and show only published guides;
units draft and submit their own guides and editors publish, through hotline.guides."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hotline.models import ServiceGuide
from tests.guide_helpers import FULL, make_guide

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def shelf(people, units):
    return {
        "id": make_guide(people, units["roads"], title="居民身份证换领", keywords="身份证", category="certificate"),
        "hukou": make_guide(people, units["roads"], title="户口迁移"),
        "water": make_guide(people, units["water"], title="城乡居民用水报装", category="payment", by="other_liaison"),
        "draft": make_guide(people, units["roads"], title="身份证明开具", state="draft"),
    }


def test_the_public_list_and_search_need_no_login(shelf):
    body = api().get("/api/public/guides/").json()
    assert body["count"] == 3 and {g["title"] for g in body["results"]} == {"居民身份证换领", "户口迁移", "城乡居民用水报装"}
    first = body["results"][0]
    assert set(first) == {"id", "title", "category", "category_display", "unit", "location", "phone", "last_checked",
                          "url", "stale"}
    assert first["url"] == f"http://testserver/public/guides/{first['id']}/"
    found = api().get("/api/public/guides/", {"q": "办身份证"}).json()["results"]
    assert found[0]["title"] == "居民身份证换领" and "身份证明开具" not in [g["title"] for g in found]
    assert [g["title"] for g in api().get("/api/public/guides/", {"category": "payment"}).json()["results"]] == [
        "城乡居民用水报装"]
    by_unit = api().get("/api/public/guides/", {"unit": shelf["water"].unit_id}).json()["results"]
    assert [g["title"] for g in by_unit] == ["城乡居民用水报装"]
    bad = api().get("/api/public/guides/", {"category": "nonsense"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {"category": ["没有这个类别。"]}


def test_the_public_detail_shows_published_guides_only(shelf):
    body = api().get(f"/api/public/guides/{shelf['id'].pk}/").json()
    assert body["materials"] == FULL["materials"] and body["unit"]["name"] == "区交通运输局"
    assert "status" not in body and "created_by" not in body
    for pk in (shelf["draft"].pk, 999999, 10**30):
        response = api().get(f"/api/public/guides/{pk}/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_public_list_costs_the_same_queries_whatever_its_length(shelf, people, units):
    def count(params):
        with CaptureQueriesContext(connection) as captured:
            assert api().get("/api/public/guides/", params).status_code == 200
        return len(captured)

    before = [count({}), count({"q": "身份证"})]
    for i in range(15):
        make_guide(people, units["roads"], title=f"身份证业务{i}")
    assert [count({}), count({"q": "身份证"})] == before


def test_a_unit_drafts_submits_and_an_editor_publishes(shelf, people, units):
    liaison, editor = api(people["liaison"]), api(people["editor"])
    mine = liaison.get("/api/guides/").json()
    assert {g["title"] for g in mine["results"]} == {"居民身份证换领", "户口迁移", "身份证明开具"}
    assert mine["results"][0]["status"] in ("published", "draft")

    created = liaison.post("/api/guides/", {"title": "道路运输证办理", "category": "certificate"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (created.json()["status"], created.json()["unit"]["id"]) == ("draft", units["roads"].pk)
    refused = liaison.post(f"/api/guides/{pk}/submit/", format="json")
    assert refused.status_code == 400 and "materials" in refused.json()["error"]["fields"]
    assert liaison.patch(f"/api/guides/{pk}/", FULL, format="json").status_code == 200
    assert liaison.post(f"/api/guides/{pk}/submit/", format="json").json()["status"] == "pending"
    assert liaison.post(f"/api/guides/{pk}/publish/", format="json").status_code == 403
    assert editor.post(f"/api/guides/{pk}/send-back/", {}, format="json").status_code == 400
    assert editor.post(f"/api/guides/{pk}/publish/", format="json").json()["status"] == "published"
    assert editor.post(f"/api/guides/{pk}/publish/", format="json").status_code == 409
    # published: the unit withdraws before editing
    assert liaison.patch(f"/api/guides/{pk}/", {"fees": "免费"}, format="json").status_code == 409
    assert liaison.post(f"/api/guides/{pk}/withdraw/", {"reason": "调整"}, format="json").json()["status"] == "withdrawn"
    assert liaison.patch(f"/api/guides/{pk}/", {"fees": "免费"}, format="json").json()["status"] == "draft"
    assert ServiceGuide.objects.get(pk=pk).fees == "免费"


def test_units_draft_only_for_themselves_and_editors_name_the_unit(shelf, people, units):
    liaison, editor = api(people["liaison"]), api(people["editor"])
    response = liaison.post("/api/guides/", {"title": "x", "unit": units["water"].pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()["error"]["fields"]
    response = editor.post("/api/guides/", {"title": "社保卡补办"}, format="json")
    assert response.status_code == 400 and "unit" in response.json()["error"]["fields"]
    response = editor.post("/api/guides/", {"title": "社保卡补办", "unit": units["water"].pk}, format="json")
    assert response.status_code == 201 and response.json()["unit"]["id"] == units["water"].pk
    assert ServiceGuide.objects.filter(title="x").count() == 0


def test_who_may_use_the_staff_endpoints(shelf, people):
    water = shelf["water"]
    assert api(people["liaison"]).get(f"/api/guides/{water.pk}/").status_code == 404
    assert api(people["liaison"]).post(f"/api/guides/{water.pk}/check/", format="json").status_code == 404
    assert api(people["other_liaison"]).post(f"/api/guides/{water.pk}/check/", format="json").status_code == 200
    for who in ("operator", "member"):
        assert api(people[who]).get("/api/guides/").status_code == 403
    assert api().get("/api/guides/").status_code == 401
    assert api(people["editor"]).get("/api/guides/", {"unit": water.unit_id}).json()["count"] == 1
    assert api(people["editor"]).get("/api/guides/", {"status": "draft"}).json()["count"] == 1
    assert api(people["editor"]).get("/api/guides/", {"status": "bogus"}).status_code == 400


def test_the_operations_are_in_the_schema_with_chinese_descriptions():
    document = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = document["paths"]
    assert paths["/api/public/guides/"]["get"]["summary"] == "办事指南：查询和列表（公开）"
    assert paths["/api/public/guides/{id}/"]["get"]["operationId"] == "public_guides_retrieve"
    for name in ("submit", "publish", "send-back", "withdraw", "check"):
        assert "409" in paths[f"/api/guides/{{id}}/{name}/"]["post"]["responses"]
    english = APIClient().get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 200
