"""Ranking order, ties, min_received and the 红榜/黑榜 marks (hotline.ranking.rank_rows) on hand-made rows."""

from decimal import Decimal as D

from hotline.models import RankingScheme, Unit
from hotline.ranking import rank_rows

ONLY_SATISFACTION = dict(signed_on_time=0, replied_on_time=0, satisfaction=100, resolution=0, not_returned=0,
                         not_reopened=0)


def scheme(marked=3, min_received=1):
    return RankingScheme(**ONLY_SATISFACTION, marked=marked, min_received=min_received)


def row(name, satisfaction, received=10):
    return {"unit": Unit(name=name), "received": received,
            "satisfaction_rate": None if satisfaction is None else D(str(satisfaction))}


def table(rows, **kwargs):
    return [(r["unit"].name, r["rank"], r["score"], r["mark"]) for r in rank_rows(rows, scheme(**kwargs))]


def test_best_first_and_equal_scores_share_a_rank_and_the_next_skips():
    got = rank_rows([row("丙", 80), row("甲", 95), row("乙", 80), row("丁", 60)], scheme(marked=1))
    assert [(r["unit"].name, r["rank"]) for r in got] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]
    assert [r["score"] for r in got] == [D("95.00"), D("80.00"), D("80.00"), D("60.00")]


def test_ties_are_listed_by_received_then_name():
    got = rank_rows([row("b", 90, received=5), row("a", 90, received=5), row("c", 90, received=9)], scheme())
    assert [(r["unit"].name, r["rank"]) for r in got] == [("c", 1), ("a", 1), ("b", 1)]


def test_units_below_min_received_or_without_a_score_are_listed_but_not_ranked():
    got = table([row("少", 100, received=2), row("多", 50, received=3), row("无评价", None, received=40)],
                min_received=3)
    assert got == [("多", 1, D("50.00"), None), ("无评价", None, None, None), ("少", None, D("100.00"), None)]


def test_a_unit_with_no_tickets_is_not_ranked_even_with_min_received_zero():
    got = table([row("空", None, received=0), row("有", 70)], min_received=0)
    assert [(name, rank) for name, rank, _s, _m in got] == [("有", 1), ("空", None)]


def test_marked_units_at_the_top_are_red_and_at_the_bottom_black():
    rows = [row(str(n), 100 - n) for n in range(8)]
    marks = [mark for _n, _r, _s, mark in table(rows, marked=3)]
    assert marks == ["red"] * 3 + [None] * 2 + ["black"] * 3


def test_with_few_units_each_list_gets_at_most_half_of_them():
    assert [m for *_x, m in table([row("a", 90), row("b", 80), row("c", 70), row("d", 60), row("e", 50)])] == [
        "red", "red", None, "black", "black"]
    assert [m for *_x, m in table([row("a", 90), row("b", 80), row("c", 70)])] == ["red", None, "black"]
    assert [m for *_x, m in table([row("a", 90), row("b", 80)])] == ["red", "black"]
    assert [m for *_x, m in table([row("a", 90)])] == [None]  # alone: neither best nor worst of anything
    assert table([]) == []


def test_equal_scores_share_a_mark_and_a_tie_across_both_lists_gets_none():
    # ranks 1 2 3 3 5 6 with marked=3: both 70s are in the top 3 and in the bottom 3 → no mark
    got = table([row("a", 90), row("b", 80), row("c", 70), row("d", 70), row("e", 60), row("f", 50)])
    assert [(n, r, m) for n, r, _s, m in got] == [
        ("a", 1, "red"), ("b", 2, "red"), ("c", 3, None), ("d", 3, None), ("e", 5, "black"), ("f", 6, "black")]
    # a tie at the edge of the red list takes the mark for all of them
    got = table([row("a", 90), row("b", 90), row("c", 80), row("d", 50), row("e", 40)], marked=1)
    assert [(n, r, m) for n, r, _s, m in got] == [
        ("a", 1, "red"), ("b", 1, "red"), ("c", 3, None), ("d", 4, None), ("e", 5, "black")]
    # everyone equal: nobody stands out
    assert {m for *_x, m in table([row(str(n), 75) for n in range(6)])} == {None}


def test_unranked_units_never_get_a_mark():
    got = table([row("a", 90), row("b", 10), row("c", 5, received=0)], marked=1)
    assert got[-1] == ("c", None, D("5.00"), None)
