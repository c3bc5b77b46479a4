"""The demo's service guides: about twenty for the district's units, made through the service (history
names the liaison and the editor), some drafts and pending ones, two stale; loading twice adds nothing."""

import datetime as dt
import random

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from django.utils import timezone

from hotline import clock, guides
from hotline.demo import guides as demo_guides
from hotline.management.commands.load_demo import load_accounts, load_units
from hotline.models import ServiceGuide

pytestmark = pytest.mark.django_db


def test_the_demo_guides_load_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_accounts(load_units())
    now = timezone.now()
    with clock.replaying():
        summary = demo_guides.load(now=now, rng=random.Random(2021))
    assert summary.startswith("办事指南：") and "待核对 2" in summary
    total = ServiceGuide.objects.count()
    assert 18 <= total <= 25
    counts = dict(ServiceGuide.objects.values_list("status").annotate(n=Count("pk")))
    assert counts["published"] >= 15 and counts["pending"] >= 1 and counts["draft"] >= 1 and counts["withdrawn"] == 1
    assert ServiceGuide.objects.filter(review_note__gt="").count() == 1  # one was sent back

    assert guides.search("身份证")[0].title.startswith("居民身份证")
    assert guides.search("低保")[0].title == "最低生活保障申请（低保）"
    assert guides.stale().count() == 2
    assert all(g.source.startswith("示例数据") for g in ServiceGuide.objects.all())
    published = ServiceGuide.objects.get(title="居民身份证换领")
    assert published.unit.name == "通泉街道" and published.view_count > 0
    editors = set(published.history.values_list("history_user__username", flat=True))
    assert editors == {"tq_liaison", "editor"}
    assert published.history.earliest().history_date < now - dt.timedelta(days=20)  # made in the past

    again = demo_guides.load(now=now, rng=random.Random(2021))
    assert "已有数据" in again and ServiceGuide.objects.count() == total
    assert User.objects.filter(username="editor").exists()
