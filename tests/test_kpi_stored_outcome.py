"""解决率 reads the outcome stored on the round (Assignment.outcome): set by the reply, cleared when the
reply is sent back, filled by migration 0011 for rounds replied before the field existed."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from hotline import workflow
from hotline.models import Assignment
from hotline.models.choices import Outcome
from tests.kpi_helpers import Flow, table


@pytest.fixture
def flow(time_machine, people, units):
    return Flow(time_machine, people, units)


def _lead(ticket):
    return Assignment.objects.get(ticket=ticket, is_current=True, role="lead")


@pytest.mark.django_db
def test_the_outcome_follows_the_reply_that_stands(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    flow.sign(ticket)
    flow.reply(ticket, outcome=Outcome.RESOLVED, accept=False)
    assert _lead(ticket).outcome == Outcome.RESOLVED

    workflow.review(ticket=ticket, by=people["operator"], accept=False, note="请附整改照片")
    assert _lead(ticket).outcome == ""
    roads = table(units, 2026, 3)["roads"]
    assert (roads["replied"], roads["resolved"], roads["resolution_rate"]) == (0, 0, None)

    flow.reply(ticket, outcome=Outcome.PARTLY)
    assert _lead(ticket).outcome == Outcome.PARTLY
    roads = table(units, 2026, 3)["roads"]
    assert (roads["replied"], roads["resolved"], roads["resolution_rate"]) == (1, 0, Decimal("0.0"))


@pytest.mark.django_db
def test_the_migration_fills_the_outcome_from_the_rounds_last_reply(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    sent_back, unreplied = flow.dispatch(), flow.dispatch()
    flow.sign(sent_back)
    flow.reply(sent_back, outcome=Outcome.PARTLY, accept=False)
    workflow.review(ticket=sent_back, by=people["operator"], accept=False, note="请说明修复时间")
    flow.at(2026, 3, 3, 10, 0)
    flow.reply(sent_back, outcome=Outcome.RESOLVED)
    before = table(units, 2026, 3)["roads"]
    Assignment.objects.update(outcome="")  # as the rows stood before migration 0011

    importlib.import_module("hotline.migrations.0011_kpi_speed").fill_outcome(apps, None)

    assert _lead(sent_back).outcome == Outcome.RESOLVED
    assert _lead(unreplied).outcome == ""
    assert table(units, 2026, 3)["roads"] == before
