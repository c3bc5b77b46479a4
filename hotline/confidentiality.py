"""The resident's name and number kept out of the words a unit reads (issue 10, point 2).

On a ticket that hides the resident from units (confidential, or any report: see
`Ticket.hides_resident_from_units` and `access.sees_resident`), the pages, the API and the
exports already leave out the resident record. But words reach the unit too: the resident's
own SMS (a report signed "我是…，电话…", a further SMS that joins the ticket, an 不满意 reason)
and what the hotline writes on the timeline or sends the unit by SMS. Those texts are stored
without the resident's name and number, so no surface can show them (the workflow calls
`for_units` where it writes such text). Nothing is lost for the hotline: the resident record
holds the name and number, and the SMS as received stays in its Message row (hotline staff only).

Only this resident's own name (two characters or more) and number are taken out, in the
ways people write a number (spaces, hyphens, +86/0086, full-width digits); other numbers in
the text (a village office, a shop) stay.
"""

import re

HIDDEN = "***"

_SEPARATOR = r"[\s\-\u2010-\u2015\u2212－()（）.．·]*"


def _digit(d):
    return f"[{d}{chr(0xFF10 + int(d))}]"  # 1 or its full-width form １


def number_pattern(phone):
    """A regex for `phone` (E.164) as people write it: +86 138 0013 8000, 0086-138…, 13800138000,
    full-width digits, and a landline with its leading 0 (+86 871… written 0871…); None if too short."""
    phone = str(phone or "")
    national = phone[3:] if phone.startswith("+86") else phone.lstrip("+")
    if len(national) < 7 or not national.isdigit():
        return None
    digits = _SEPARATOR.join(_digit(d) for d in national)
    if phone.startswith("+86"):
        prefix = rf"(?:(?:[+＋]|00)?{_digit(8)}{_digit(6)}{_SEPARATOR}|{_digit(0)}{_SEPARATOR})?"
    else:
        prefix = r"(?:[+＋]|00)?"
    return re.compile(rf"(?<![0-9０-９]){prefix}{digits}(?![0-9０-９])")


class Scrubber:
    """Takes one resident's phone number (any common form) and name (two characters or more) out of texts."""

    def __init__(self, *, phone, name, replacement=HIDDEN):
        self.pattern = number_pattern(phone)
        name = (name or "").strip()
        self.name = name if len(name) >= 2 else ""
        self.replacement = replacement

    def __call__(self, text):
        if not text:
            return text
        if self.pattern is not None:
            text = self.pattern.sub(self.replacement, text)
        if self.name:
            text = text.replace(self.name, self.replacement)
        return text


def scrub(text, resident):
    """`text` without `resident`'s name and phone number."""
    if resident is None:
        return text
    return Scrubber(phone=resident.phone, name=resident.name)(text)


def for_units(ticket, text):
    """`text` as it may be stored on `ticket` where its units read it: scrubbed when the ticket hides the resident."""
    if text and ticket.resident_id is not None and ticket.hides_resident_from_units:
        return scrub(text, ticket.resident)
    return text
