"""Helpers of the promotion tests: a request walked through hotline.promotions up to a state, small photos."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image

from hotline import promotions

STEPS = ("submitted", "accepted", "scheduled", "published", "done")


def jpeg(colour=(200, 30, 30), size=(64, 48), fmt="JPEG"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def submit(operator, *, phone="+8613800138000", product="石门村脆红李", contact_public=False, **details):
    details.setdefault("category", "farm_product")
    details.setdefault("description", "青山镇石门村自家果园种的脆红李，脆甜多汁。")
    details.setdefault("price", "5.00")
    details.setdefault("price_unit", "元/斤")
    return promotions.create_by_operator(
        by=operator, phone=phone, product=product, contact_public=contact_public, **details
    )


def advance(request, state, *, editor):
    """Move a SUBMITTED request up to `state` through the service (platforms: Douyin and WeChat)."""
    today = timezone.localdate()
    if state == "submitted":
        return request
    request = promotions.accept(request=request, by=editor, needs_papers=False, papers_checked=False,
                                wording_checked=True)
    if state == "accepted":
        return request
    request = promotions.schedule(request=request, by=editor, placements={"douyin": today, "wechat": today})
    if state == "scheduled":
        return request
    douyin = request.placements.get(platform="douyin")
    promotions.publish(placement=douyin, by=editor, link="https://v.douyin.com/abc123/", published_on=today)
    request.refresh_from_db()
    if state == "published":
        return request
    promotions.enter_results(placement=douyin, by=editor, views=1200, likes=85, orders=12)
    request = promotions.finish(request=request, by=editor)
    assert state == "done", state
    return request


def snapshot(request):
    """Everything an action on `request` could change (for refusals: nothing changed)."""
    from hotline.models import Message, PromotionPlacement, PromotionRequest

    row = PromotionRequest.objects.get(pk=request.pk)
    return {
        "request": {f.attname: getattr(row, f.attname) for f in PromotionRequest._meta.concrete_fields},
        "history": row.history.count(),
        "placements": list(PromotionPlacement.objects.filter(request=row).order_by("pk").values()),
        "messages": Message.objects.count(),
    }


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)
