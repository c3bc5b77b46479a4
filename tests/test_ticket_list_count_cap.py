"""The ticket list counts at most LIST_COUNT_CAP matches (issue 9): at a million tickets counting
them all cost more than the page. Beyond the cap it says so and its pages stop there; below, the
exact count as before."""

import pytest

from dashboards.paging import CappedPaginator
from hotline.models import Ticket


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["operator"])
    return client


def test_the_list_shows_the_exact_count_below_the_cap_and_says_more_beyond(operator_client, make_ticket, monkeypatch):
    for _ in range(4):
        make_ticket("new")
    body = operator_client.get("/tickets/").content.decode()
    assert "共 4 件" in body and "超过" not in body

    monkeypatch.setattr("dashboards.paging.LIST_COUNT_CAP", 3)
    body = operator_client.get("/tickets/").content.decode()
    assert "超过 3 件" in body and "共 4 件" not in body


def test_the_capped_paginator_counts_no_further_than_the_cap(make_ticket, django_assert_num_queries):
    for _ in range(5):
        make_ticket("new")
    paginator = CappedPaginator(Ticket.objects.order_by("pk"), 2, cap=3)
    with django_assert_num_queries(1) as captured:
        assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]
    assert [len(paginator.page(n).object_list) for n in (1, 2)] == [2, 1]

    exact = CappedPaginator(Ticket.objects.order_by("pk"), 2, cap=10)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)
