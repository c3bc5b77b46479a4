"""What the public sees of a promotion (product, description, availability, quantity) never carries a phone
number or the villager's name: the phone is shown only through the consent box (and the SMS text a villager
sends is told to include "联系方式"). Accepting such a request, or editing it in after acceptance, is refused
with a message on the field, and nothing changes; the editor's page says what to remove."""

import pytest

from hotline import promotions
from hotline.errors import InvalidInput
from hotline.models import PromotionRequest
from tests.promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db
ACCEPT = {"needs_papers": False, "papers_checked": False, "wording_checked": True}


@pytest.mark.parametrize(
    "description",
    [
        "石门村脆红李500斤，电话13912345678",
        "联系：139 1234 5678",
        "联系：139-1234-5678",
        "联系：+86 13912345678",
        "联系：１３９１２３４５６７８",  # full-width digits
        "座机0871-6512345",
    ],
)
def test_a_phone_number_in_the_text_blocks_acceptance(people, description):
    request = submit(people["operator"], description=description)
    with pytest.raises(InvalidInput) as info:
        promotions.accept(request=request, by=people["editor"], **ACCEPT)
    assert "电话号码" in info.value.field_errors["description"][0]
    assert PromotionRequest.objects.get(pk=request.pk).status == "submitted"


def test_the_villagers_name_in_the_text_blocks_acceptance(people):
    request = promotions.create_by_operator(
        by=people["operator"], phone="+8613912345678", resident_name="杨桂芬", product="杨桂芬家的脆红李",
        category="farm_product", description="自家果园的脆红李。",
    )
    with pytest.raises(InvalidInput) as info:
        promotions.accept(request=request, by=people["editor"], **ACCEPT)
    assert "群众姓名" in info.value.field_errors["product"][0]


def test_ordinary_numbers_are_no_phone(people):
    request = submit(people["operator"], description="约3000斤，每斤5元，2026年6月15日起上市，海拔2000米。",
                     quantity="每天约200个", availability="6月至7月")
    assert promotions.accept(request=request, by=people["editor"], **ACCEPT).status == "accepted"


def test_a_phone_cannot_be_edited_in_after_acceptance(people):
    request = advance(submit(people["operator"]), "published", editor=people["editor"])
    with pytest.raises(InvalidInput) as info:
        promotions.edit(request=request, by=people["editor"], availability="全年，电话13912345678")
    assert "电话号码" in info.value.field_errors["availability"][0]
    assert "13912345678" not in PromotionRequest.objects.get(pk=request.pk).availability


def test_an_sms_request_with_a_phone_in_its_text_never_reaches_the_public_page(client, sms, people):
    sms.send("TG 石门村脆红李500斤，电话13912345678 张三", phone="+8613800138000")
    request = PromotionRequest.objects.get()
    editor = people["editor"]
    client.force_login(editor)
    # the editor's page prefills the description with the SMS text and says the phone must go
    page = client.get(f"/editor/promotions/{request.pk}/").content.decode()
    assert "13912345678" in page  # staff see it
    promotions.edit(request=request, by=editor, description=request.text)
    page = client.get(f"/editor/promotions/{request.pk}/").content.decode()
    assert 'id="personal-data"' in page and "电话号码" in page
    response = client.post(f"/editor/promotions/{request.pk}/do/accept/",
                           {"accept-wording_checked": "on"})
    assert response.status_code == 400
    assert "电话号码" in response.content.decode()
    assert PromotionRequest.objects.get(pk=request.pk).status == "submitted"
    # once the editor takes it out, the request goes through
    promotions.edit(request=request, by=editor, description="石门村脆红李，约500斤。")
    request = advance(PromotionRequest.objects.get(pk=request.pk), "published", editor=editor)
    client.logout()
    public = client.get(f"/public/products/{request.pk}/").content.decode()
    assert "13912345678" not in public and "13800138000" not in public
