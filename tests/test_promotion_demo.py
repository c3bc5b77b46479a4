"""The promotions' demo data: requests in every state made through hotline.promotions (history, SMS recorded
as sent long ago, placements and results for the finished ones), loaded once: a second run adds nothing."""

import random

import pytest
from django.db import transaction
from django.utils import timezone

from hotline import clock
from hotline.demo import promotions as demo
from hotline.management.commands.load_demo import load_accounts, load_units
from hotline.models import Message, PromotionPhoto, PromotionPlacement, PromotionRequest

pytestmark = pytest.mark.django_db


def load():
    with transaction.atomic(), clock.replaying():
        return demo.load(now=timezone.now(), rng=random.Random(2021))


def test_the_demo_loads_every_state_once(settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_accounts(load_units())
    with django_capture_on_commit_callbacks() as callbacks:
        summary = load()
    assert summary.startswith("推广申请：13 件")
    assert callbacks == []  # replaying the past: nothing is queued for delivery
    statuses = set(PromotionRequest.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "accepted", "declined", "scheduled", "published", "done"}
    for request in PromotionRequest.objects.filter(status="done"):
        placements = list(request.placements.all())
        assert placements and all(p.published_on and p.results_at for p in placements)
        assert request.history.filter(history_user__username="editor").exists()
        assert request.created_at < request.done_at <= timezone.now()
    assert PromotionRequest.objects.filter(status__in=["published", "done"], contact_public=True).exists()
    assert PromotionRequest.objects.filter(status__in=["published", "done"], contact_public=False).exists()
    assert set(PromotionRequest.objects.values_list("channel", flat=True)) == {"sms", "phone", "web"}
    assert PromotionPhoto.objects.exclude(image="").count() >= 8
    outbound = Message.objects.filter(direction="out", template__startswith="promotion_")
    assert outbound.exists() and not outbound.exclude(status="sent").exists()

    counts = (PromotionRequest.objects.count(), PromotionPlacement.objects.count(), Message.objects.count())
    assert load() == "推广申请：已有数据，未再生成。"
    assert (PromotionRequest.objects.count(), PromotionPlacement.objects.count(), Message.objects.count()) == counts
