"""Helpers of the pledge tests (tests/test_pledge_*.py): pledges built through hotline.pledges, and a check
that a refused action wrote nothing."""

import contextlib
import datetime as dt
import io

import pytest
from PIL import Image

from hotline import pledges
from hotline.models import Message, Pledge, PledgeItem, PledgeUpdate, PledgeUpdatePhoto, PledgeVote, Ticket


def days(n):
    """Today (Asia/Shanghai) plus n days."""
    return pledges.today() + dt.timedelta(days=n)


def make_pledge(people, units, state="published", *, unit="roads", items=(), title="石门村通组路硬化", target=30,
                by="liaison"):
    """A pledge of units[unit] drafted by people[by] and moved through the service up to `state`."""
    pledge = pledges.draft(
        by=people[by], unit=units[unit], title=title, description="硬化一组、二组通组道路2公里。",
        origin="村民来电反映雨天泥泞。", target_date=days(target), broadcast_date=days(10), items=items,
    )
    if state == "draft":
        return pledge
    pledges.submit(pledge=pledge, by=people[by])
    if state == "pending":
        return Pledge.objects.get(pk=pledge.pk)
    pledges.publish(pledge=pledge, by=people["editor"])
    if state == "done":
        pledges.mark_done(pledge=pledge, by=people[by], text="两条路全部硬化通车。")
    elif state == "withdrawn":
        pledges.withdraw(pledge=pledge, by=people["editor"], reason="与其他项目合并实施")
    else:
        assert state == "published", state
    return Pledge.objects.get(pk=pledge.pk)


def photo_bytes(fmt="PNG", size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def snapshot(pledge):
    row = Pledge.objects.get(pk=pledge.pk)
    return {
        "pledge": {f.attname: getattr(row, f.attname) for f in Pledge._meta.concrete_fields if f.attname != "updated_at"},
        "history": Pledge.history.filter(id=pledge.pk).count(),
        "items": list(PledgeItem.objects.filter(pledge=pledge).order_by("pk").values()),
        "item_history": PledgeItem.history.filter(pledge_id=pledge.pk).count(),
        "updates": PledgeUpdate.objects.filter(pledge=pledge).count(),
        "photos": PledgeUpdatePhoto.objects.count(),
        "votes": PledgeVote.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
    }


@contextlib.contextmanager
def unchanged(pledge, error):
    """`with unchanged(pledge, NotAllowed): pledges.x(...)`: the error is raised and nothing was written."""
    before = snapshot(pledge)
    with pytest.raises(error) as info:
        yield info
    assert snapshot(pledge) == before
