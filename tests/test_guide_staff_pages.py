"""The units' guide pages (/unit/guides/: draft, edit, submit, mark checked; the ones to check) and the
editors' (/editor/guides/: publish, send back, withdraw; the stale list), through hotline.guides."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.models import ServiceGuide
from tests.conftest import at
from tests.guide_helpers import FULL, make_guide

pytestmark = pytest.mark.django_db


def _form(**fields):
    data = {"title": "", "category": "affairs", **{name: "" for name in (
        "conditions", "materials", "procedure", "legal_time_limit", "promised_time_limit", "fees", "location",
        "office_hours", "phone", "complaints", "keywords", "source")}}
    data.update(fields)
    return data


def test_a_liaison_drafts_edits_and_submits_from_the_unit_pages(client, people, units):
    client.force_login(people["liaison"])
    assert client.get("/unit/guides/").status_code == 200
    response = client.post("/unit/guides/new/", _form(title="道路运输证办理", category="certificate"))
    guide = ServiceGuide.objects.get()
    assert response.status_code == 302 and response.url == f"/unit/guides/{guide.pk}/"
    assert (guide.unit, guide.status, guide.created_by) == (units["roads"], "draft", people["liaison"])

    # submitting without the facts a resident needs: told which, nothing changes
    response = client.post(f"/unit/guides/{guide.pk}/do/submit/", {})
    assert response.status_code == 400 and "提交发布前请填写：所需材料" in response.content.decode()
    assert ServiceGuide.objects.get(pk=guide.pk).status == "draft"

    response = client.post(f"/unit/guides/{guide.pk}/", _form(title="道路运输证办理", category="certificate", **FULL))
    assert response.status_code == 302
    response = client.post(f"/unit/guides/{guide.pk}/do/submit/", {})
    assert response.status_code == 302
    assert ServiceGuide.objects.get(pk=guide.pk).status == "pending"
    page = client.get("/unit/guides/").content.decode()
    assert "道路运输证办理" in page and "待发布" in page


def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(client, people):
    client.force_login(people["head"])
    response = client.post("/unit/guides/new/", _form(title="", phone="1" * 60))
    assert response.status_code == 400
    assert not ServiceGuide.objects.exists()


def test_an_editor_publishes_sends_back_and_withdraws(client, people, units):
    pending = make_guide(people, units["roads"], state="pending")
    second = make_guide(people, units["water"], title="用水报装", state="pending", by="other_liaison")
    client.force_login(people["editor"])
    page = client.get("/editor/guides/").content.decode()
    assert "居民身份证换领" in page and "用水报装" in page and "区水务局" in page

    response = client.post(f"/editor/guides/{pending.pk}/do/publish/", {})
    assert response.status_code == 302 and ServiceGuide.objects.get(pk=pending.pk).status == "published"
    response = client.post(f"/editor/guides/{pending.pk}/do/publish/", {})
    assert response.status_code == 409  # already published

    response = client.post(f"/editor/guides/{second.pk}/do/send_back/", {"send_back-note": ""})
    assert response.status_code == 400 and ServiceGuide.objects.get(pk=second.pk).status == "pending"
    client.post(f"/editor/guides/{second.pk}/do/send_back/", {"send_back-note": "请补充收费依据"})
    assert ServiceGuide.objects.get(pk=second.pk).review_note == "请补充收费依据"

    client.post(f"/editor/guides/{pending.pk}/do/withdraw/", {"withdraw-reason": "政策调整"})
    assert ServiceGuide.objects.get(pk=pending.pk).status == "withdrawn"

    # the unit sees the editor's note
    client.force_login(people["other_liaison"])
    assert "编辑退回意见：请补充收费依据" in client.get(f"/unit/guides/{second.pk}/").content.decode()


def test_a_unit_cannot_publish_nor_edit_a_published_guide(client, people, units):
    pending = make_guide(people, units["roads"], state="pending")
    published = make_guide(people, units["roads"], title="户口迁移")
    client.force_login(people["liaison"])
    assert client.post(f"/unit/guides/{pending.pk}/do/publish/", {}).status_code == 403
    page = client.get(f"/unit/guides/{published.pk}/").content.decode()
    assert "请先下线" in page and 'data-action="publish"' not in page
    response = client.post(f"/unit/guides/{published.pk}/", _form(title="改标题", **FULL))
    assert response.status_code == 409
    assert ServiceGuide.objects.get(pk=published.pk).title == "户口迁移"


def test_units_see_only_their_own_guides(client, people, units):
    water = make_guide(people, units["water"], title="用水报装", by="other_liaison")
    client.force_login(people["liaison"])
    assert "用水报装" not in client.get("/unit/guides/").content.decode()
    assert client.get(f"/unit/guides/{water.pk}/").status_code == 404
    assert client.post(f"/unit/guides/{water.pk}/do/check/", {}).status_code == 404
    for who in ("member", "operator"):
        client.force_login(people[who])
        assert client.get("/unit/guides/").status_code == 403
        assert client.get("/editor/guides/").status_code == 403
    client.force_login(people["liaison"])
    assert client.get("/editor/guides/").status_code == 403
    client.logout()
    assert client.get("/unit/guides/").status_code == 302


def test_stale_guides_are_flagged_on_the_unit_and_editor_pages_and_checked_there(client, people, units):
    with time_machine.travel(at(2024, 12, 1, 10, 0), tick=False):
        old = make_guide(people, units["roads"], title="道路运输证办理")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        fresh = make_guide(people, units["roads"], title="户口迁移")
        client.force_login(people["head"])
        page = client.get("/unit/guides/").content.decode()
        assert "有 1 项已发布的指南很久没有核对了" in page
        row = page.split("道路运输证办理", 1)[1].split("</tr>", 1)[0]
        assert "待核对" in row
        assert "待核对" not in page.split("户口迁移", 1)[1].split("</tr>", 1)[0]

        client.force_login(people["editor"])
        stale = client.get("/editor/guides/", {"tab": "stale"}).content.decode()
        assert "道路运输证办理" in stale and f"/editor/guides/{fresh.pk}/" not in stale

        client.force_login(people["liaison"])
        assert client.post(f"/unit/guides/{old.pk}/do/check/", {}).status_code == 302
        assert "很久没有核对" not in client.get("/unit/guides/").content.decode()


def test_the_navigation_offers_the_guide_pages(client, people):
    client.force_login(people["liaison"])
    assert '<a href="/unit/guides/">办事指南</a>' in client.get("/unit/").content.decode()
    client.force_login(people["supervisor"])
    assert '<a href="/editor/guides/">办事指南</a>' in client.get("/supervisor/").content.decode()


def test_the_lists_cost_the_same_queries_whatever_the_number_of_guides(client, people, units):
    def queries(user, path):
        client.force_login(people[user])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    make_guide(people, units["roads"], state="pending")
    before = [queries("liaison", "/unit/guides/"), queries("editor", "/editor/guides/"),
              queries("editor", "/editor/guides/?tab=all")]
    for i in range(20):
        make_guide(people, units["roads"], title=f"指南{i}", state=["draft", "pending", "published"][i % 3])
    assert [queries("liaison", "/unit/guides/"), queries("editor", "/editor/guides/"),
            queries("editor", "/editor/guides/?tab=all")] == before
