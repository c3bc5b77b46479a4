"""The Chinese search of service guides, in the database (the same cases run on SQLite and, in CI,
on PostgreSQL): 身份证 finds 居民身份证换领, queries without spaces work by character pairs, the
title ranks above keywords and keywords above the rest, only published guides are found, and
full-width or upper-case input finds the same."""

import pytest

from hotline import guides
from tests.guide_helpers import make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(people, units):
    roads, water = units["roads"], units["water"]
    return {
        "id_renew": make_guide(people, roads, title="居民身份证换领", keywords="身份证 换证 到期"),
        "id_lost": make_guide(people, roads, title="居民身份证补领", keywords="身份证 丢失 补办"),
        "hukou": make_guide(people, roads, title="户口迁移", keywords="落户 迁户口"),
        # 身份证 only among the materials
        "dibao": make_guide(people, roads, title="最低生活保障申请", keywords="低保 救助",
                            materials="申请书、身份证、户口簿"),
        # 社保 in the keywords only, 社保卡 nowhere in the title
        "card": make_guide(people, water, by="other_liaison", title="社会保障卡申领", keywords="社保卡 补卡",
                           materials="户口簿", procedure="窗口申请，当场制卡"),
        "etc": make_guide(people, water, by="other_liaison", title="ETC卡办理", keywords="高速 通行", materials="行驶证"),
        "draft": make_guide(people, roads, title="身份证明开具", state="draft"),
        "pending": make_guide(people, roads, title="身份证件挂失", state="pending"),
        "withdrawn": make_guide(people, roads, title="临时身份证办理", state="withdrawn"),
    }


def titles(query):
    return [guide.title for guide in guides.search(query)]


def test_a_search_for_the_id_card_finds_the_id_card_guides_first(shelf):
    found = titles("身份证")
    assert found[:2] == ["居民身份证换领", "居民身份证补领"] or found[:2] == ["居民身份证补领", "居民身份证换领"]
    # a guide that merely asks for the card comes after the ones about it
    assert found.index("最低生活保障申请") > 1


def test_words_without_spaces_are_matched_by_character_pairs(shelf):
    assert titles("办身份证")[:2] == titles("身份证")[:2]
    assert titles("怎么补办身份证")[0] == "居民身份证补领"  # 补办 is a keyword of the lost-card guide
    assert titles("我想办户口")[0] == "户口迁移"
    assert titles("低保")[0] == "最低生活保障申请"


def test_spaces_separate_terms(shelf):
    assert titles("身份证 丢失")[0] == "居民身份证补领"
    assert titles("户口   落户")[0] == "户口迁移"


def test_title_matches_rank_above_keywords_and_keywords_above_other_fields(shelf, people, units):
    make_guide(people, units["water"], by="other_liaison", title="城乡居民养老保险缴费", keywords="社保 养老金")
    found = titles("社保卡")
    # 社保 and 保卡 are both in the card guide's keywords; only 社保 in the pension guide's
    assert found[0] == "社会保障卡申领"
    assert "城乡居民养老保险缴费" in found
    make_guide(people, units["water"], by="other_liaison", title="社保卡挂失", keywords="挂失")
    assert titles("社保卡")[0] == "社保卡挂失"  # in the title beats in the keywords


def test_only_published_guides_are_found(shelf):
    found = titles("身份证")
    for title in ("身份证明开具", "身份证件挂失", "临时身份证办理"):
        assert title not in found


def test_full_width_and_upper_case_find_the_same(shelf):
    assert titles("ＥＴＣ") == titles("etc") == titles("Etc") == ["ETC卡办理"]
    assert titles("身份证\u3000丢失") == titles("身份证 丢失")
    assert titles("ｅｔｃ卡")[0] == "ETC卡办理"


def test_nothing_matches_nonsense_and_an_empty_query_finds_nothing(shelf):
    assert titles("宇宙飞船") == []
    assert titles("") == titles("   ") == titles("，。！") == []


def test_the_query_grams():
    assert guides.query_grams("办身份证") == ["办身", "身份", "份证"]
    assert guides.query_grams("身份证 丢失") == ["身份", "份证", "丢失"]
    assert guides.query_grams("ＥＴＣ") == ["etc"]
    assert guides.query_grams("怎么办") == ["怎么", "么办"]  # nothing but filler: searched as it is
    assert len(guides.query_grams("很" * 500)) <= guides.MAX_GRAMS


def test_the_search_is_one_query_whatever_the_number_of_guides(shelf, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(guides.search("居民身份证 户口 低保 社保卡"))


def test_guides_keep_their_search_copies_current(shelf, people):
    guide = shelf["hukou"]
    guides.withdraw(guide=guide, by=people["liaison"])
    guides.edit(guide=guide, by=people["liaison"], title="户口迁入", keywords="ＱＲ码 落户")
    guide.refresh_from_db()
    assert guide.search_title == "户口迁入" and guide.search_keywords == "qr码 落户"
    assert "区交通运输局" in guide.search_text  # the unit's name is searched too
