"""Keyword rules: matching, the admin's conflict check, and how they show in the suggestions."""

import pytest

from hotline.admin_routing import RoutingRuleForm
from hotline.models import RoutingRule
from hotline.routing import rules
from hotline.routing.suggest import suggest_units


def test_keywords_are_split_and_normalized():
    assert rules.parse_keywords("路灯、 积水，ＡＢＣ井盖\n路灯; 下水道") == ["路灯", "积水", "abc井盖", "下水道"]


def _form(unit, keywords, **extra):
    return RoutingRuleForm(data={"unit": unit.pk, "keywords": keywords, "weight": "1.0", "is_active": "on", **extra})


@pytest.mark.django_db
def test_a_rule_points_the_matching_ticket_to_its_unit(units):
    RoutingRule.objects.create(unit=units["water"], keywords="停水、水管爆裂")
    got = suggest_units(title="小区停水了", description="昨天水管爆裂以后一直没水")
    assert got[0]["unit"] == units["water"]
    assert got[0]["reason"] == "关键词：停水、水管爆裂"
    assert got[0]["score"] == pytest.approx(1 - 0.55 ** 2, abs=0.01)  # two keywords of weight 1
    assert suggest_units(title="路灯不亮") == []


@pytest.mark.django_db
def test_an_edited_rule_takes_effect_at_once(units):
    rule = RoutingRule.objects.create(unit=units["water"], keywords="停水")
    assert suggest_units(title="停水")[0]["unit"] == units["water"]
    rule.unit = units["roads"]
    rule.save()
    assert suggest_units(title="停水")[0]["unit"] == units["roads"]
    rule.delete()
    assert suggest_units(title="停水") == []


@pytest.mark.django_db
def test_a_keyword_overlapping_another_units_rule_is_refused_until_confirmed(units):
    RoutingRule.objects.create(unit=units["roads"], keywords="路灯、公路")

    form = _form(units["town"], "村道路灯、低保")
    assert not form.is_valid()
    message = form.errors["keywords"][0]
    assert "“村道路灯”与区交通运输局的“路灯”冲突" in message and "仍然保存" in message

    assert _form(units["town"], "村道路灯、低保", confirm_conflicts="on").is_valid()
    assert _form(units["town"], "低保、宅基地").is_valid()
    assert _form(units["roads"], "路灯维修").is_valid()  # the same unit's words never conflict
    inactive = RoutingRuleForm(data={"unit": units["town"].pk, "keywords": "路灯", "weight": "1.0"})
    assert inactive.is_valid()  # an inactive rule suggests nothing, so it conflicts with nothing


@pytest.mark.django_db
def test_editing_a_rule_does_not_conflict_with_itself(units):
    rule = RoutingRule.objects.create(unit=units["roads"], keywords="路灯")
    form = RoutingRuleForm(
        data={"unit": units["town"].pk, "keywords": "路灯", "weight": "1.0", "is_active": "on"}, instance=rule
    )
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_bad_keywords_get_a_clear_error_and_nothing_is_saved(units):
    form = _form(units["water"], "水、停水")
    assert not form.is_valid() and "关键词至少 2 个字：水" in form.errors["keywords"][0]
    form = _form(units["water"], " 、，")
    assert not form.is_valid() and "请至少填写一个关键词" in form.errors["keywords"][0]
    form = RoutingRuleForm(data={"unit": units["water"].pk, "keywords": "停水", "weight": "9", "is_active": "on"})
    assert not form.is_valid() and "weight" in form.errors
    assert not RoutingRule.objects.exists()
