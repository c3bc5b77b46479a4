"""The Advertising Law check finds absolute and health-claim terms (full- and half-width alike), reports a
longer term once (最佳, not also 最), and leaves everyday words with 最 (最近, 最后) alone."""

import pytest

from hotline.promotions import forbidden_spans, forbidden_terms


@pytest.mark.parametrize(("text", "terms"), [
    ("全县最好吃的脆红李", ["最"]),
    ("最佳口感，国家级品质", ["最佳", "国家级"]),
    ("销量第一，唯一正宗", ["第一", "唯一"]),
    ("１００％纯天然", ["100%"]),
    ("顶级极品蜂蜜，特效降血压", ["顶级", "极品", "特效", "降血压"]),
    ("首个绝对放心的烤鸭", ["首个", "绝对"]),
    ("最近上市，最后一批", []),
    ("石门村脆红李，脆甜多汁", []),
    ("", []),
    (None, []),
])
def test_the_terms_found(text, terms):
    assert forbidden_terms(text) == terms


def test_each_term_once_in_order_with_its_place_in_the_text():
    text = "第一批最好，真正第一"
    assert forbidden_terms(text) == ["第一", "最"]
    assert [(text[a:b], term) for a, b, term in forbidden_spans(text)] == [("第一", "第一"), ("最", "最"), ("第一", "第一")]
    wide = "１００％好"
    assert [wide[a:b] for a, b, _term in forbidden_spans(wide)] == ["１００％"]
