"""An upstream platform's API login sees the tickets it handed over, and may not work them itself."""

import pytest

from hotline import access, upstream, workflow
from hotline.errors import NotAllowed
from hotline.models import UpstreamSystem
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(db):
    user = make_user("city12345", "operator")
    return UpstreamSystem.objects.create(code="city", name="市12345平台", user=user, secret="s" * 32)


def test_the_platform_sees_only_its_own_tickets(platform, make_ticket):
    ours, _created = upstream.receive_from_upstream(
        by=platform.user, external_id="SX-1", kind="help", title="路灯不亮", phone="+8613800138000"
    )
    local = make_ticket("new")
    visible = set(access.visible_tickets(platform.user).values_list("pk", flat=True))
    assert visible == {ours.pk}
    assert not access.can_see(platform.user, local)


def test_the_platform_may_hand_over_and_note_but_not_work_tickets(platform, units, refused):
    ticket, _created = upstream.receive_from_upstream(
        by=platform.user, external_id="SX-2", kind="help", title="路灯不亮", phone="+8613800138000"
    )
    assert access.can(platform.user, "note", ticket)
    for action in ("dispatch", "answer", "mark_invalid", "merge", "review", "close"):
        assert not access.can(platform.user, action, ticket), action
    with refused(ticket, NotAllowed):
        workflow.dispatch(ticket=ticket, by=platform.user, lead_unit=units["roads"])


def test_an_ordinary_operator_still_sees_every_ticket(platform, people, make_ticket):
    ticket, _created = upstream.receive_from_upstream(
        by=platform.user, external_id="SX-3", kind="help", title="路灯不亮", phone="+8613800138000"
    )
    local = make_ticket("new")
    assert {ticket.pk, local.pk} <= set(access.visible_tickets(people["operator"]).values_list("pk", flat=True))
