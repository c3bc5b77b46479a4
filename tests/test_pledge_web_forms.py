"""群众评单 and 群众验单 on the public pledge page: acted on only once the SMS code sent to the phone is typed
back (hotline.confirmations); feedback becomes a linked ticket, a vote counts once per phone."""

import pytest

from hotline.models import Message, PhoneConfirmation, PledgeVote, Ticket
from hotline.models.choices import Channel
from tests.pledge_helpers import make_pledge

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _code(phone="+8613912345678"):
    return Message.objects.filter(phone=phone, template="confirm_code").latest("pk").params["code"]


def _confirm(client, response, code=None):
    assert response.status_code == 302 and "/public/confirm/" in response["Location"], response.content.decode()[:500]
    return client.post(response["Location"], {"code": code or _code()})


def test_feedback_on_the_web_becomes_a_ticket_once_the_code_is_typed(client, people, units):
    pledge = make_pledge(people, units)
    url = f"/public/pledges/{pledge.pk}/"
    response = client.post(url + "feedback/", {"feedback-text": "二组路段什么时候开工？", "feedback-phone": PHONE})
    assert not Ticket.objects.exists()  # nothing until the code is back
    wrong = client.post(response["Location"], {"code": "000000" if _code() != "000000" else "111111"})
    assert wrong.status_code == 400 and not Ticket.objects.exists()
    done = _confirm(client, response)
    assert done.status_code == 302 and done["Location"] == url + "?sent=feedback"
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PLEDGE_FEEDBACK and ticket.pledge == pledge
    assert ticket.resident.phone == "+8613912345678" and ticket.description == "二组路段什么时候开工？"
    receipt = Message.objects.get(ticket=ticket, template="received")
    assert ticket.number in receipt.body
    page = client.get(done["Location"]).content.decode()
    assert "感谢您的意见" in page and "已收到群众意见 1 条" in page
    assert PHONE not in page and "5678" not in page
    # the same code again: the first result, no second ticket
    _confirm(client, response, code=_code())
    assert Ticket.objects.count() == 1


def test_the_title_of_a_web_ticket_is_chinese_whatever_the_visitors_language(client, people, units):
    pledge = make_pledge(people, units)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(f"/public/pledges/{pledge.pk}/feedback/", {"feedback-text": "路灯还没修", "feedback-phone": PHONE})
    _confirm(client, response)
    assert Ticket.objects.get().title.startswith(f"承诺{pledge.pk}“")


@pytest.mark.parametrize(
    "data, field_message",
    [
        ({"feedback-text": "", "feedback-phone": PHONE}, "该字段是必填项"),
        ({"feedback-text": "路灯还没修", "feedback-phone": "0874-3121001"}, "请填写手机号"),
        ({"feedback-text": "路灯还没修", "feedback-phone": "12"}, 'class="error"'),
    ],
)
def test_bad_feedback_forms_are_shown_again_with_the_problem(client, people, units, data, field_message):
    pledge = make_pledge(people, units)
    response = client.post(f"/public/pledges/{pledge.pk}/feedback/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert field_message in page
    assert data["feedback-text"] in page  # what was typed is kept
    assert not PhoneConfirmation.objects.exists() and not Ticket.objects.exists()


def test_a_withdrawn_pledge_takes_no_feedback_on_the_web(client, people, units):
    pledge = make_pledge(people, units, "withdrawn")
    response = client.post(f"/public/pledges/{pledge.pk}/feedback/", {"feedback-text": "为什么", "feedback-phone": PHONE})
    assert response.status_code == 400 and not PhoneConfirmation.objects.exists()


@pytest.mark.parametrize("state", ["draft", "pending"])
def test_forms_of_unpublished_pledges_do_not_exist(client, people, units, state):
    pledge = make_pledge(people, units, state)
    for path, data in (("feedback", {"feedback-text": "x", "feedback-phone": PHONE}),
                       ("vote", {"vote-verdict": "fulfilled", "vote-phone": PHONE})):
        assert client.post(f"/public/pledges/{pledge.pk}/{path}/", data).status_code == 404
    assert not PhoneConfirmation.objects.exists()


def test_a_web_vote_counts_once_per_phone(client, people, units):
    pledge = make_pledge(people, units, "done")
    url = f"/public/pledges/{pledge.pk}/"
    response = client.post(url + "vote/", {"vote-verdict": "not_fulfilled", "vote-phone": PHONE})
    assert not PledgeVote.objects.exists()
    done = _confirm(client, response)
    assert done["Location"] == url + "?sent=vote"
    vote = PledgeVote.objects.get()
    assert (vote.verdict, vote.channel, vote.resident.phone) == ("not_fulfilled", "web", "+8613912345678")
    page = client.get(url).content.decode()
    assert "已兑现 0 票，未兑现 1 票，兑现率 0%" in page
    # again from the same phone (the code proves it): refused, and the page says so
    again = _confirm(client, client.post(url + "vote/", {"vote-verdict": "fulfilled", "vote-phone": PHONE}))
    assert again["Location"] == url + "?sent=already"
    assert "您已对这项承诺验过单" in client.get(again["Location"]).content.decode()
    assert PledgeVote.objects.get().verdict == "not_fulfilled"


def test_a_phone_that_voted_by_sms_cannot_vote_again_on_the_web(client, sms, people, units):
    pledge = make_pledge(people, units, "done")
    sms.send(f"YD {pledge.pk} 1", phone="+8613912345678")
    response = client.post(f"/public/pledges/{pledge.pk}/vote/", {"vote-verdict": "not_fulfilled", "vote-phone": PHONE})
    assert _confirm(client, response)["Location"].endswith("?sent=already")
    assert PledgeVote.objects.get().verdict == "fulfilled"


def test_a_vote_before_the_pledge_is_done_is_refused(client, people, units):
    pledge = make_pledge(people, units)
    response = client.post(f"/public/pledges/{pledge.pk}/vote/", {"vote-verdict": "fulfilled", "vote-phone": PHONE})
    assert response.status_code == 400 and "尚未完成" in response.content.decode()
    assert not PhoneConfirmation.objects.exists() and not PledgeVote.objects.exists()


def test_a_vote_needs_a_verdict(client, people, units):
    pledge = make_pledge(people, units, "done")
    response = client.post(f"/public/pledges/{pledge.pk}/vote/", {"vote-verdict": "maybe", "vote-phone": PHONE})
    assert response.status_code == 400 and not PhoneConfirmation.objects.exists()
