"""The admin of service guides: for media editors and supervisors; saves and state changes go through
hotline.guides (history names the admin user), and guides are withdrawn, never deleted."""

import pytest

from hotline.models import ServiceGuide
from tests.guide_helpers import FULL, make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(people):
    for name in ("supervisor", "editor", "operator"):
        people[name].is_staff = True
        people[name].save()
    return people


def test_editors_and_supervisors_use_it_and_operators_do_not(client, staff, units):
    guide = make_guide(staff, units["roads"])
    for who in ("supervisor", "editor"):
        client.force_login(staff[who])
        assert client.get("/admin/hotline/serviceguide/").status_code == 200
        assert client.get(f"/admin/hotline/serviceguide/{guide.pk}/change/").status_code == 200
        assert client.get(f"/admin/hotline/serviceguide/{guide.pk}/history/").status_code == 200
        assert client.get(f"/admin/hotline/serviceguide/{guide.pk}/delete/").status_code == 403
    client.force_login(staff["operator"])
    assert client.get("/admin/hotline/serviceguide/").status_code == 403


def test_a_guide_added_and_changed_in_the_admin_goes_through_the_service(client, staff, units):
    client.force_login(staff["editor"])
    form = {"unit": units["water"].pk, "title": "城乡居民用水报装", "category": "payment", **FULL,
            "conditions": "", "legal_time_limit": "", "promised_time_limit": "", "fees": "", "complaints": "",
            "keywords": "ＡＢ 自来水", "source": ""}
    response = client.post("/admin/hotline/serviceguide/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    guide = ServiceGuide.objects.get()
    assert (guide.status, guide.created_by, guide.search_keywords) == ("draft", staff["editor"], "ab 自来水")
    form.pop("unit")
    response = client.post(f"/admin/hotline/serviceguide/{guide.pk}/change/", {**form, "fees": "按材料费收取"})
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.fees == "按材料费收取" and guide.history.latest().history_user == staff["editor"]


def test_the_admin_actions_publish_and_withdraw(client, staff, units):
    pending = make_guide(staff, units["roads"], state="pending")
    draft = make_guide(staff, units["roads"], title="户口迁移", state="draft")
    client.force_login(staff["supervisor"])
    response = client.post("/admin/hotline/serviceguide/", {
        "action": "publish_selected", "_selected_action": [pending.pk, draft.pk],
    }, follow=True)
    assert "已发布 1 项办事指南" in response.content.decode()
    assert ServiceGuide.objects.get(pk=pending.pk).status == "published"
    assert ServiceGuide.objects.get(pk=draft.pk).status == "draft"  # not submitted: left as it was, with a warning
    client.post("/admin/hotline/serviceguide/", {"action": "withdraw_selected", "_selected_action": [pending.pk]})
    assert ServiceGuide.objects.get(pk=pending.pk).status == "withdrawn"
