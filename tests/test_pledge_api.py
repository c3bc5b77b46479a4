"""承诺事项 over the REST API: anyone reads the public ones at /api/public/pledges/ (list with filters, detail
with items, timeline, trail and votes); staff read theirs at /api/pledges/ too and write through
hotline.pledges, with 404/403/400/409 as elsewhere."""

import pytest
from rest_framework.test import APIClient

from hotline import pledges
from hotline.models import Pledge, Resident
from tests.pledge_helpers import days, make_pledge, photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


def test_anyone_lists_the_public_pledges_in_fixed_queries(api, people, units, django_assert_num_queries):
    published = make_pledge(people, units, title="推进中")
    done = make_pledge(people, units, "done", title="已完成")
    withdrawn = make_pledge(people, units, "withdrawn", title="已撤回")
    make_pledge(people, units, "draft", title="草稿")
    make_pledge(people, units, "pending", title="待发布")
    with django_assert_num_queries(1):
        response = api().get("/api/public/pledges/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert {r["id"] for r in results} == {published.pk, done.pk, withdrawn.pk}
    first = next(r for r in results if r["id"] == published.pk)
    assert first["unit"] == {"id": units["roads"].pk, "name": "区交通运输局", "kind": "department"}
    assert first["overdue"] is False and first["status"] == "published" and first["target_date"] == days(30).isoformat()
    for n in range(5):
        make_pledge(people, units, title=f"更多{n}")
    with django_assert_num_queries(1):
        assert len(api().get("/api/public/pledges/").json()["results"]) == 8
    # staff see the public ones and those they may work on; anonymous callers may not use the staff list
    assert api().get("/api/pledges/").status_code == 401
    assert len(api(people["liaison"]).get("/api/pledges/").json()["results"]) == 10
    assert len(api(people["other_liaison"]).get("/api/pledges/").json()["results"]) == 8


def test_filters(api, people, units, time_machine):
    late = make_pledge(people, units, target=1, title="要逾期的")
    water = make_pledge(people, units, unit="water", by="other_liaison", title="水务局的")
    done = make_pledge(people, units, "done", title="完成的")
    time_machine.move_to(f"{days(3).isoformat()}T10:00:00+08:00")

    def ids(query):
        response = api().get("/api/public/pledges/?" + query)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids("overdue=true") == {late.pk}
    assert ids(f"unit={units['water'].pk}") == {water.pk}
    assert ids("status=done") == {done.pk}
    assert ids("status=published&status=done") == {late.pk, water.pk, done.pk}
    assert api().get("/api/public/pledges/?status=nonsense").status_code == 400
    assert api().get("/api/public/pledges/?unit=99999999999999999999999").status_code == 400


def test_the_detail_shows_items_updates_trail_and_votes_without_personal_data(api, people, units, resident,
                                                                               django_assert_max_num_queries):
    pledge = make_pledge(people, units, items=["一组"])
    pledges.add_update(pledge=pledge, by=people["liaison"], text="开工。", photos=[photo_bytes()])
    pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(60), reason="雨季顺延")
    pledges.feedback(pledge=pledge, resident=resident, text="张三家门口还没修", by=people["system"])
    pledges.mark_done(pledge=pledge, by=people["liaison"], text="完工。")
    pledges.vote(pledge=pledge, resident=resident, verdict="fulfilled", by=people["system"])
    with django_assert_max_num_queries(8):
        response = api().get(f"/api/public/pledges/{pledge.pk}/")
    body = response.json()
    assert body["items"] == [{"id": pledge.items.get().pk, "title": "一组", "progress": 100, "position": 0}]
    assert [u["text"] for u in body["updates"]] == ["完工。", "开工。"]
    assert body["updates"][1]["photos"][0].startswith("http://testserver/media/pledges/")
    assert any("雨季顺延" in entry["text"] for entry in body["trail"])
    assert body["votes"] == {"fulfilled": 1, "not_fulfilled": 0, "total": 1, "percent_fulfilled": 100}
    assert body["feedback_count"] == 1
    text = response.content.decode()
    assert "张三" not in text and "13800138000" not in text


def test_drafts_are_only_for_who_may_work_on_them(api, people, units):
    draft = make_pledge(people, units, "draft")
    assert api().get(f"/api/public/pledges/{draft.pk}/").status_code == 404
    assert api(people["liaison"]).get(f"/api/public/pledges/{draft.pk}/").status_code == 404
    assert api().get(f"/api/pledges/{draft.pk}/").status_code == 401
    assert api(people["other_liaison"]).get(f"/api/pledges/{draft.pk}/").status_code == 404
    assert api(people["operator"]).get(f"/api/pledges/{draft.pk}/").status_code == 404
    for who in ("liaison", "member", "editor"):
        assert api(people[who]).get(f"/api/pledges/{draft.pk}/").status_code == 200, who
    assert api().get("/api/public/pledges/99999999999999999999/").status_code == 404
    assert api().get("/api/public/pledges/null,null/").status_code == 404


def test_a_unit_drafts_and_an_editor_publishes_through_the_api(api, people, units):
    liaison = api(people["liaison"])
    response = liaison.post("/api/pledges/", {
        "title": "路灯安装", "description": "60盏。", "target_date": days(50).isoformat(), "items": ["一段", "二段"],
    }, format="json")
    assert response.status_code == 201, response.json()
    pledge_id = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["unit"]["id"] == units["roads"].pk
    response = liaison.patch(f"/api/pledges/{pledge_id}/", {"title": "新田村路灯安装"}, format="json")
    assert response.json()["title"] == "新田村路灯安装"
    assert liaison.post(f"/api/pledges/{pledge_id}/submit/").json()["status"] == "pending"
    response = liaison.post(f"/api/pledges/{pledge_id}/publish/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert api(people["editor"]).post(f"/api/pledges/{pledge_id}/publish/").json()["status"] == "published"
    # the date moves only with a reason, and the trail says so
    response = liaison.patch(f"/api/pledges/{pledge_id}/", {"target_date": days(80).isoformat()}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = liaison.patch(
        f"/api/pledges/{pledge_id}/", {"target_date": days(80).isoformat(), "reason": "材料延迟"}, format="json"
    )
    assert any("材料延迟" in entry["text"] for entry in response.json()["trail"])
    # sub-items and their progress
    item = response.json()["items"][0]["id"]
    response = liaison.patch(f"/api/pledges/{pledge_id}/items/{item}/", {"progress": 100}, format="json")
    assert response.json()["progress"] == 50
    response = liaison.post(f"/api/pledges/{pledge_id}/items/", {"title": "三段"}, format="json")
    assert response.json()["progress"] == 33
    response = liaison.delete(f"/api/pledges/{pledge_id}/items/{response.json()['items'][-1]['id']}/")
    assert response.json()["progress"] == 50
    assert liaison.patch(f"/api/pledges/{pledge_id}/items/999999/", {"progress": 1}, format="json").status_code == 404
    # an update without photos, then done
    response = liaison.post(f"/api/pledges/{pledge_id}/updates/", {"text": "一段亮灯。"}, format="json")
    assert response.json()["updates"][0]["text"] == "一段亮灯。"
    assert liaison.post(f"/api/pledges/{pledge_id}/done/", {"text": "全部亮灯。"}, format="json").json()["status"] == "done"
    response = liaison.post(f"/api/pledges/{pledge_id}/done/", {"text": "再完成一次"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


def test_the_editor_names_the_unit_and_sends_back_or_withdraws(api, people, units):
    editor = api(people["editor"])
    response = editor.post("/api/pledges/", {"title": "x", "description": "y", "target_date": days(5).isoformat()},
                           format="json")
    assert response.status_code == 400 and "unit" in response.json()["error"]["fields"]
    response = editor.post("/api/pledges/", {
        "unit": units["water"].pk, "title": "河道清淤", "description": "2公里。", "target_date": days(5).isoformat(),
    }, format="json")
    pledge_id = response.json()["id"]
    editor.post(f"/api/pledges/{pledge_id}/submit/")
    response = editor.post(f"/api/pledges/{pledge_id}/send-back/", {"note": ""}, format="json")
    assert response.status_code == 400
    assert editor.post(f"/api/pledges/{pledge_id}/send-back/", {"note": "补充"}, format="json").json()["status"] == "draft"
    published = make_pledge(people, units)
    response = editor.post(f"/api/pledges/{published.pk}/withdraw/", {"reason": "合并实施"}, format="json")
    assert response.json()["status"] == "withdrawn"


def test_who_may_not_write_is_refused(api, people, units):
    pledge = make_pledge(people, units)
    body = {"title": "x", "description": "y", "target_date": days(5).isoformat(), "unit": units["roads"].pk}
    assert api().post("/api/pledges/", body, format="json").status_code == 401
    assert api().post(f"/api/pledges/{pledge.pk}/updates/", {"text": "x"}, format="json").status_code == 401
    for who in ("operator", "member", "other_liaison"):
        client = api(people[who])
        assert client.post("/api/pledges/", body, format="json").status_code == 403, who
        assert client.post(f"/api/pledges/{pledge.pk}/updates/", {"text": "x"}, format="json").status_code == 403, who
        assert client.patch(f"/api/pledges/{pledge.pk}/", {"title": "改"}, format="json").status_code == 403, who
    assert Pledge.objects.count() == 1 and not pledge.updates.exists()


def test_bad_input_is_400_and_keeps_nothing(api, people, units):
    liaison = api(people["liaison"])
    for body in ({"title": "x", "description": "y", "target_date": "2020-01-01"},
                 {"title": "x", "description": "y", "target_date": "not a date"},
                 {"title": "", "description": "y", "target_date": days(3).isoformat()}):
        response = liaison.post("/api/pledges/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] in ("invalid", "invalid_input")
    assert not Pledge.objects.exists()
    pledge = make_pledge(people, units)
    response = liaison.post(f"/api/pledges/{pledge.pk}/updates/", {"text": "x", "progress": 101}, format="json")
    assert response.status_code == 400 and not pledge.updates.exists()
    assert not Resident.objects.exists()
