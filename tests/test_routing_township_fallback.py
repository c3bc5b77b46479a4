"""Before there is any model: the village's township for local matters, and the first guesses of
issue 4 (who handled the category, whose duties match), never the reported or the returning unit."""

import pytest

from hotline import workflow
from hotline.models import Category, RouterModel
from hotline.routing.suggest import for_ticket, suggest_units


@pytest.mark.django_db
def test_the_villages_township_is_suggested_with_its_reason(units, village):
    assert not RouterModel.objects.exists()
    got = suggest_units(title="村里垃圾没人清运", village=village)
    assert [s["unit"] for s in got] == [units["town"]]
    assert got[0]["reason"] == "石门村属本乡镇" and got[0]["score"] == 0.35


@pytest.mark.django_db
def test_the_units_duties_and_the_categorys_history_help_before_there_is_a_model(units, village, make_ticket):
    units["water"].description = "负责供水、河道、水库和农田水利"
    units["water"].save()
    pipes = Category.objects.create(name="供水")
    handled = make_ticket("closed", lead="roads")
    handled.category = pipes
    handled.save()

    got = {s["unit"]: s for s in suggest_units(title="河道堵塞，水库放水", village=village, category=pipes)}
    assert "职责相关" in got[units["water"]]["reason"]
    assert got[units["roads"]]["reason"] == "以往办理“供水”1件"
    assert got[units["town"]]["reason"] == "石门村属本乡镇"


@pytest.mark.django_db
def test_a_report_is_never_suggested_to_the_unit_it_is_about(units, village, people):
    ticket = workflow.receive(
        by=people["operator"], kind="report", channel="phone", title="镇干部吃拿卡要", village=village,
        reported_unit=units["town"],
    )
    assert units["town"] not in [s["unit"] for s in for_ticket(ticket)]


@pytest.mark.django_db
def test_a_returned_ticket_goes_where_the_returning_unit_suggested_never_back(units, village, people):
    ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="村里垃圾没人清运", village=village)
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    workflow.request_return(
        ticket=ticket, by=people["liaison"], reason="不属于本单位职责", suggested_unit=units["water"]
    )
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    ticket.refresh_from_db()

    got = {s["unit"]: s for s in for_ticket(ticket)}
    assert units["roads"] not in got
    assert got[units["water"]]["reason"] == "退单单位建议改派至此"
    assert units["town"] in got
