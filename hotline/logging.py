"""Logging's safety net: phone numbers in log lines are masked before they are written.

The code logs ids, never numbers or SMS text (tests/test_logs_hold_no_personal_data.py checks a
whole lifecycle); this filter, on the root handler (settings.LOGGING), catches what slips through
anyway: a provider's error text, an exception's message, a request path with ?phone=… in it.
"""

import logging
import re

# a mainland mobile, with or without +86 / 0086 / %2B86 and the usual separators; any other E.164
# number; a landline with its area code. Not inside a longer run of letters or digits (a SID, an id).
_EDGE_BEFORE = r"(?<![0-9A-Za-z+])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
_SEP = r"[ \-\u2010-\u2015.·]?"
PHONE_IN_TEXT = re.compile(
    _EDGE_BEFORE
    + "(?:"
    + rf"(?:(?:\+|%2[Bb]|00)?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}"  # mobiles: 138 0013 8000, +86-138…
    + r"|(?:\+|%2[Bb])\d{7,15}"  # E.164 (+13177592786, %2B13177592786 in a query string)
    + rf"|[(（]?0\d{{2,3}}[)）]?{_SEP}\d{{3,4}}{_SEP}\d{{4}}"  # landlines: 0871-6512 3456, (0871)65123456
    + ")"
    + _EDGE_AFTER
)


def _mask(match):
    digits = re.sub(r"\D", "", re.sub(r"%2[Bb]", "", match.group(0)))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    return digits[:2] + "*" * max(len(digits) - 6, 3) + digits[-4:]


def mask_phones(text):
    """`text` with every phone-like number masked (138****8000)."""
    return PHONE_IN_TEXT.sub(_mask, text) if text else text


class MaskPhonesFilter(logging.Filter):
    """Masks phone numbers in a record's message, exception text and stack (never drops a record)."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_phones(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_phones(record.stack_info)
        return True
