"""An operator answering directly (直办) finds a service guide on the ticket page, picks it (its id goes
into the answer form, its key facts can be pasted into the answer) and cites it; the workflow and the
API take the guide too. The ticket page then shows the cited guide with a link."""

import pytest
from rest_framework.test import APIClient

from hotline import workflow
from hotline.errors import InvalidInput
from hotline.models import Message, Ticket
from tests.guide_helpers import make_guide

pytestmark = pytest.mark.django_db

BASE = "https://rx.example.cn"


@pytest.fixture
def guide(people, units, settings):
    settings.TWILIO_PUBLIC_BASE_URL = BASE
    make_guide(people, units["roads"], title="户口迁移", keywords="落户")
    return make_guide(people, units["roads"], title="居民身份证换领", keywords="身份证 换证",
                      materials="原居民身份证、户口簿", location="通泉派出所户籍窗口")


def test_the_operator_finds_picks_and_cites_a_guide_on_the_ticket_page(client, people, make_ticket, guide, outbox):
    ticket = make_ticket("new")
    client.force_login(people["operator"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'hx-get="/tickets/guides/search/"' in page and 'id="id_answer-guide"' in page

    results = client.get("/tickets/guides/search/", {"q": "办身份证"}).content.decode()
    assert results.index("居民身份证换领") < results.find("户口迁移") or "户口迁移" not in results
    assert f'hx-get="/tickets/guides/{guide.pk}/pick/"' in results

    picked = client.get(f"/tickets/guides/{guide.pk}/pick/").content.decode()
    assert f'name="answer-guide" id="id_answer-guide" value="{guide.pk}" hx-swap-oob="true"' in picked
    assert "所需材料：原居民身份证、户口簿" in picked and f"{BASE}/public/guides/{guide.pk}/" in picked
    assert "<textarea" not in picked  # nothing pasted until asked
    pasted = client.get(f"/tickets/guides/{guide.pk}/pick/", {"paste": "1", "answer-answer": "您好，换领身份证："})
    textarea = pasted.content.decode().split("<textarea", 1)[1]
    assert 'id="id_answer-answer" hx-swap-oob="true">您好，换领身份证：\n居民身份证换领（区交通运输局）' in textarea

    response = client.post(
        f"/tickets/{ticket.number}/do/answer/",
        {"answer-answer": "请带原身份证和户口簿到通泉派出所户籍窗口换领。", "answer-source": "", "answer-guide": guide.pk},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.answer_guide, ticket.answer_source) == ("closed", guide, "居民身份证换领")
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'<a href="/public/guides/{guide.pk}/" target="_blank" rel="noopener">居民身份证换领</a>' in page
    answered = Message.objects.get(ticket=ticket, template="answered")
    assert answered.body.endswith(f" {BASE}/public/guides/{guide.pk}/")


def test_a_guide_that_is_not_published_is_refused_on_the_page_and_nothing_changes(client, people, units, make_ticket):
    pending = make_guide(people, units["roads"], title="居民身份证补领", state="pending")
    ticket = make_ticket("new")
    client.force_login(people["operator"])
    assert client.get(f"/tickets/guides/{pending.pk}/pick/").status_code == 404
    response = client.post(
        f"/tickets/{ticket.number}/do/answer/", {"answer-answer": "请到窗口办理", "answer-guide": pending.pk},
    )
    assert response.status_code == 400
    assert "只能引用已发布的办事指南" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_only_those_who_answer_directly_search_guides_there(client, people, guide):
    for who in ("liaison", "editor", "member"):
        client.force_login(people[who])
        assert client.get("/tickets/guides/search/", {"q": "身份证"}).status_code == 403
        assert client.get(f"/tickets/guides/{guide.pk}/pick/").status_code == 403
    client.logout()
    assert client.get("/tickets/guides/search/", {"q": "身份证"}).status_code == 302  # to the login page


def test_the_workflow_stores_the_guide_and_keeps_a_given_source(people, make_ticket, guide, refused, units):
    ticket = make_ticket("new")
    workflow.answer_directly(ticket=ticket, by=people["operator"], answer="请到窗口", source="户籍政策", guide=guide)
    ticket.refresh_from_db()
    assert (ticket.answer_guide, ticket.answer_source) == (guide, "户籍政策")
    assert ticket.history.latest().answer_guide_id == guide.pk

    withdrawn = make_guide(people, units["roads"], title="临时身份证", state="withdrawn")
    other = make_ticket("new")
    with refused(other, InvalidInput) as info:
        workflow.answer_directly(ticket=other, by=people["operator"], answer="答复", guide=withdrawn)
    assert "guide" in info.value.field_errors


def test_the_link_is_left_out_of_the_answer_sms_when_it_does_not_fit(people, make_ticket, guide, settings):
    settings.TWILIO_PUBLIC_BASE_URL = "https://" + "x" * 100 + ".cn"
    ticket = make_ticket("new")
    workflow.answer_directly(ticket=ticket, by=people["operator"], answer="请带身份证到户籍窗口办理", guide=guide)
    body = Message.objects.get(ticket=ticket, template="answered").body
    assert body == f"工单{ticket.number}答复：请带身份证到户籍窗口办理"


def test_the_api_answer_takes_a_guide(people, units, make_ticket, guide):
    api = APIClient()
    api.force_authenticate(people["operator"])
    ticket = make_ticket("new")
    response = api.post(f"/api/tickets/{ticket.number}/answer/", {"answer": "请到窗口办理", "guide": guide.pk}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["answer_source"]) == ("closed", "居民身份证换领")
    assert Ticket.objects.get(pk=ticket.pk).answer_guide == guide

    draft = make_guide(people, units["roads"], title="户口迁出", state="draft")
    other = make_ticket("new")
    response = api.post(f"/api/tickets/{other.number}/answer/", {"answer": "请到窗口办理", "guide": draft.pk}, format="json")
    assert response.status_code == 400 and "guide" in response.json()["error"]["fields"]
    assert Ticket.objects.get(pk=other.pk).status == "new"
