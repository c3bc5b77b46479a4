"""Phone numbers as residents write them, normalised to E.164 (region CN)."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212()（）.·]")


def normalize_phone(raw: str) -> str:
    """Return the number in E.164 (`+8613800138000`) or raise ValidationError.

    Accepts the usual Chinese forms: `138 0013 8000`, `+86 138 0013 8000`,
    `0086 13800138000`, `0871-6512 3456`, `(0871) 65123456`, full-width digits.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise ValidationError(_("请填写电话号码。"), code="empty")
    compact = _SEPARATORS.sub("", text)
    if not re.fullmatch(r"\+?\d+", compact):
        raise ValidationError(
            _("“%(value)s”不是电话号码：只能包含数字、空格、连字符和开头的 +。") % {"value": raw},
            code="invalid_characters",
        )
    try:
        number = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s”不是有效的电话号码：手机号为11位，座机请带区号（如 0871-6512 3456）。")
            % {"value": raw},
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """`+8613800138000` → `138****8000`; used wherever the full number is not needed."""
    if not e164:
        return ""
    digits = str(e164)
    if digits.startswith("+86"):
        digits = digits[3:]
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) >= 10 else 2
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def is_mobile(e164: str) -> bool:
    """True for a number that can receive SMS (a mobile, or one the library cannot tell apart)."""
    try:
        number = phonenumbers.parse(str(e164), "CN")
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
