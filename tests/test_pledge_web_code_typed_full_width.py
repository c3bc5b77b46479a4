"""A code typed with a Chinese input method in full-width mode ("１２３４５６") is the same code: it confirms
the form, and is not counted as a wrong try."""

import pytest

from hotline.models import Message, PhoneConfirmation, Ticket
from tests.pledge_helpers import make_pledge

pytestmark = pytest.mark.django_db
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_full_width_code_confirms(client, people, units):
    pledge = make_pledge(people, units)
    response = client.post(f"/public/pledges/{pledge.pk}/feedback/",
                           {"feedback-text": "路灯还没修", "feedback-phone": "13912345678"})
    code = Message.objects.get(template="confirm_code").params["code"]
    done = client.post(response["Location"], {"code": f" {code.translate(FULL_WIDTH)} "})
    assert done.status_code == 302, done.content.decode()[:300]
    assert Ticket.objects.get().pledge == pledge
    assert PhoneConfirmation.objects.get().attempts == 0
