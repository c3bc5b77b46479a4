"""The public forms' SMS codes go only to mainland China mobiles (+86): a foreign number is refused with a
clear message and no SMS, so the forms cannot be used to send codes abroad at the hotline's cost (SMS
pumping). What the visitor typed is kept."""

import pytest
from django.core.exceptions import ValidationError

from hotline import confirmations
from hotline.models import Message, PhoneConfirmation
from tests.pledge_helpers import make_pledge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("phone", ["+44 7911 123456", "+1 202 555 0123", "+852 6123 4567", "00447911123456"])
def test_a_foreign_mobile_gets_no_code(phone):
    with pytest.raises(ValidationError) as info:
        confirmations.start(phone=phone, purpose="pledge_feedback", payload={})
    assert "中国大陆" in info.value.message_dict["phone"][0]
    assert not Message.objects.exists() and not PhoneConfirmation.objects.exists()


def test_a_mainland_mobile_gets_its_code():
    confirmations.start(phone="139 1234 5678", purpose="pledge_feedback", payload={})
    assert Message.objects.get(template="confirm_code").phone == "+8613912345678"


def test_the_form_says_so_and_keeps_the_text(client, people, units):
    pledge = make_pledge(people, units)
    response = client.post(f"/public/pledges/{pledge.pk}/feedback/",
                           {"feedback-text": "二组路段什么时候开工？", "feedback-phone": "+447911123456"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "中国大陆" in page and "二组路段什么时候开工？" in page
    assert not Message.objects.filter(template="confirm_code").exists()
