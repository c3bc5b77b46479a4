"""The composite score (hotline.ranking.score) on hand-made unit rows: the weighted mean of the rates, with
100 − return rate and 100 − reopen rate, and a rate nobody counted left out with its weight."""

from decimal import Decimal as D

from hotline.models import RankingScheme
from hotline.ranking import score

RATES = ("signed_on_time_rate", "replied_on_time_rate", "satisfaction_rate", "resolution_rate", "return_rate",
         "reopen_rate")


def row(**rates):
    return {key: (D(str(rates[key])) if rates.get(key) is not None else None) for key in RATES}


def scheme(**weights):
    values = dict(signed_on_time=0, replied_on_time=0, satisfaction=0, resolution=0, not_returned=0, not_reopened=0)
    values.update(weights)
    return RankingScheme(**{k: D(str(v)) for k, v in values.items()})


def test_the_default_weights_give_the_weighted_mean():
    default = RankingScheme()  # 15, 30, 35, 10, 5, 5 (sum 100)
    unit = row(signed_on_time_rate=90, replied_on_time_rate=80, satisfaction_rate=70, resolution_rate=60,
               return_rate=10, reopen_rate=20)
    expected = (D(90) * 15 + D(80) * 30 + D(70) * 35 + D(60) * 10 + D(90) * 5 + D(80) * 5) / 100
    assert score(unit, default) == expected.quantize(D("0.01")) == D("76.50")


def test_returns_and_reopens_count_as_their_complement():
    only_returns = scheme(not_returned=1)
    assert score(row(return_rate="12.5"), only_returns) == D("87.50")
    only_reopens = scheme(not_reopened=3)
    assert score(row(reopen_rate=100), only_reopens) == D("0.00")


def test_weights_need_not_add_up_to_100():
    # 1:3 is the same as 25:75
    assert score(row(satisfaction_rate=100, resolution_rate=0), scheme(satisfaction=1, resolution=3)) == D("25.00")
    assert score(row(satisfaction_rate=100, resolution_rate=0), scheme(satisfaction=25, resolution=75)) == D("25.00")


def test_a_rate_nobody_counted_drops_out_with_its_weight():
    weights = scheme(signed_on_time=20, satisfaction=60, resolution=20)
    # no rating this month: the score is the mean of the other two, weighted 20:20
    assert score(row(signed_on_time_rate=100, resolution_rate=50), weights) == D("75.00")
    # not a zero: a missing satisfaction is not 0% satisfied
    assert score(row(signed_on_time_rate=100, satisfaction_rate=0, resolution_rate=50), weights) == D("30.00")


def test_no_counted_rate_or_no_weight_means_no_score():
    assert score(row(), RankingScheme()) is None
    # the only counted rate has weight 0
    assert score(row(resolution_rate=80), scheme(satisfaction=100)) is None


def test_the_score_is_rounded_half_up_to_two_decimals():
    # (100×1 + 0×2) / 3 = 33.333…; (100×2 + 0×1)/3 = 66.666…
    assert score(row(satisfaction_rate=100, resolution_rate=0), scheme(satisfaction=1, resolution=2)) == D("33.33")
    assert score(row(satisfaction_rate=100, resolution_rate=0), scheme(satisfaction=2, resolution=1)) == D("66.67")
    assert score(row(satisfaction_rate="66.5", resolution_rate="66.6"), scheme(satisfaction=1, resolution=1)) == D(
        "66.55")
