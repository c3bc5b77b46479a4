"""Ticket numbers a villager can type on a keypad: short, random, and a typo is caught."""

import itertools

import pytest

from hotline.numbers import check_digit, is_valid_number, random_number


def test_numbers_are_seven_or_eight_digits_and_valid():
    for digits in (7, 8):
        for _ in range(200):
            number = random_number(digits=digits)
            assert len(number) == digits and number.isdigit() and number[0] != "0"
            assert is_valid_number(number)


def test_every_single_digit_typo_is_caught():
    number = "1234567" + check_digit("1234567")
    for position, wrong in itertools.product(range(len(number)), "0123456789"):
        if number[position] != wrong:
            assert not is_valid_number(number[:position] + wrong + number[position + 1:])


def test_every_swap_of_neighbouring_digits_is_caught():
    for _ in range(100):
        number = random_number(digits=8)
        for i in range(len(number) - 1):
            if number[i] != number[i + 1]:
                swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
                assert not is_valid_number(swapped)


@pytest.mark.parametrize("junk", ["", "12345", "123456789", "12a4567", " "])
def test_junk_is_not_a_ticket_number(junk):
    assert not is_valid_number(junk)


@pytest.mark.django_db
def test_tickets_get_unique_non_sequential_numbers(make_ticket):
    numbers = [make_ticket("new").number for _ in range(5)]
    assert len(set(numbers)) == 5 and all(is_valid_number(n) for n in numbers)
    ints = sorted(int(n) for n in numbers)
    assert any(b - a > 10 for a, b in zip(ints, ints[1:]))  # not handed out in sequence
