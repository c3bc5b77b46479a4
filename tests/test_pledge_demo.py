"""The demo pledges load through hotline.pledges, once: every state, votes, photos and a dated trail."""

import random

import pytest
from django.test import Client
from django.utils import timezone

from hotline import clock, pledges
from hotline.demo import pledges as demo
from hotline.management.commands import load_demo
from hotline.models import Pledge, PledgeUpdatePhoto, PledgeVote, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_pledges_load_once_with_every_state(settings):
    units = load_demo.load_units()
    load_demo.load_accounts(units)
    with clock.replaying():
        summary = demo.load(now=timezone.now(), rng=random.Random(2021))
        counts = (Pledge.objects.count(), PledgeVote.objects.count(), Ticket.objects.count(), Pledge.history.count())
        assert demo.load(now=timezone.now(), rng=random.Random(2021)) == "承诺事项：已有数据，未重复加载。"
    assert (Pledge.objects.count(), PledgeVote.objects.count(), Ticket.objects.count(), Pledge.history.count()) == counts
    assert summary.startswith(f"承诺事项：{counts[0]} 项")
    assert set(Pledge.objects.values_list("status", flat=True)) == set(Pledge.Status.values)
    assert pledges.public_pledges().filter(overdue=True).count() >= 2
    assert PledgeVote.objects.values("pledge").distinct().count() >= 3 and PledgeUpdatePhoto.objects.exists()
    # residents' feedback (群众评单) became tickets linked to their pledge, waiting for the operators
    assert Ticket.objects.filter(channel="pledge_feedback", pledge__isnull=False, status="new").exists()
    assert pledges.last_send_back_note(Pledge.objects.get(title="学校周边交通安全设施完善"))
    road = Pledge.objects.get(title="石门村通组路硬化")
    assert any("雨季连续降雨" in entry["text"] for entry in pledges.trail(road))
    # history is dated in the past, as if it had happened then
    assert road.history.earliest("history_date").history_date < timezone.now() - timezone.timedelta(days=100)
    client = Client()
    for pledge in pledges.public_pledges():
        assert client.get(f"/public/pledges/{pledge.pk}/").status_code == 200
    assert client.get("/public/pledges/").status_code == 200
