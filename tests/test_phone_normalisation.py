import pytest
from django.core.exceptions import ValidationError

from hotline.models import Resident
from hotline.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+86-13800138000", "+8613800138000"),
        ("0086 13800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),  # full-width digits from a Chinese IME
        ("0871-6512 3456", "+8687165123456"),
        ("(0871) 65123456", "+8687165123456"),
        ("（0871）65123456", "+8687165123456"),
        ("010-12345678", "+861012345678"),
    ],
)
def test_it_accepts_the_usual_chinese_forms(typed, e164):
    assert normalize_phone(typed) == e164


@pytest.mark.parametrize(
    "junk, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("张三", "invalid_characters"),
        ("138abc8000", "invalid_characters"),
        ("12345", "invalid"),
        ("1380013800", "invalid"),  # ten digits: one missing
        ("138001380001", "invalid"),  # twelve digits
        ("+1 202 555 01", "invalid"),
    ],
)
def test_it_rejects_junk_with_a_clear_message(junk, code):
    with pytest.raises(ValidationError) as exc:
        normalize_phone(junk)
    assert exc.value.code == code
    assert exc.value.messages[0]  # a sentence a person can act on


def test_residents_are_found_by_any_spelling_of_their_number(db):
    first = Resident.for_phone("138 0013 8000", name="李四")
    again = Resident.for_phone("+86 13800138000")
    assert first.pk == again.pk and again.phone == "+8613800138000" and again.name == "李四"


def test_masking_keeps_only_the_ends():
    assert mask_phone("+8613800138000") == "138****8000"
    assert mask_phone("+8687165123456") == "871****3456"
    assert "0013" not in mask_phone("+8613800138000")
