"""Ticket numbers: 7–8 digits, random (not sequential), ending in a Damm check digit.

The Damm algorithm catches every single-digit typo and every swap of two
adjacent digits, the two mistakes people make on a keypad.
"""

import secrets

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def check_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def is_valid_number(number: str) -> bool:
    """True if `number` looks like a ticket number and its check digit matches."""
    number = (number or "").strip()
    return number.isdigit() and 7 <= len(number) <= 8 and check_digit(number) == "0"


def random_number(*, digits: int = 7) -> str:
    """A random ticket number of `digits` digits (the last one the check digit)."""
    low = 10 ** (digits - 2)
    base = str(low + secrets.randbelow(9 * low))
    return base + check_digit(base)
