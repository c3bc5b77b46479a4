"""An upstream platform's ticket is taken once per external id, also when two requests race."""

import threading

import pytest
from django.db import connection

from hotline import upstream
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import Message, Ticket, TicketEvent, UpstreamSystem
from tests.fake_upstream import make_platform
from tests.helpers import run_concurrently

FIELDS = {"kind": "help", "title": "自来水停了", "description": "石门村二组停水两天", "phone": "+8613800138000"}


@pytest.mark.django_db
def test_it_creates_the_ticket_through_the_workflow_with_the_platforms_id(city):
    ticket, created = upstream.receive_from_upstream(by=city.user, external_id="SZ-2026-0001", **FIELDS)

    assert created
    ticket.refresh_from_db()
    assert (ticket.source_system, ticket.external_id, ticket.channel, ticket.status) == (
        city, "SZ-2026-0001", "upstream", "new",
    )
    assert ticket.created_by == city.user
    assert TicketEvent.objects.filter(ticket=ticket, action="receive", actor=city.user).exists()
    assert Message.objects.filter(ticket=ticket, template="received").exists()  # the resident's acknowledgement
    assert ticket.history.first().external_id == "SZ-2026-0001"  # on the record, with the acting login
    assert ticket.history.first().history_user == city.user


@pytest.mark.django_db
def test_the_same_external_id_again_returns_the_same_ticket(city):
    first, created = upstream.receive_from_upstream(by=city.user, external_id="SZ-1", **FIELDS)
    again, created_again = upstream.receive_from_upstream(
        by=city.user, external_id=" SZ-1 ", **{**FIELDS, "title": "重复推送"}
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.title == "自来水停了"  # unchanged by the repeat
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(template="received").count() == 1  # one acknowledgement


@pytest.mark.django_db
def test_the_same_external_id_from_two_platforms_is_two_tickets(city, receiver):
    province = make_platform("province", receiver)
    a, _ = upstream.receive_from_upstream(by=city.user, external_id="X-1", **FIELDS)
    b, _ = upstream.receive_from_upstream(by=province.user, external_id="X-1", **FIELDS)
    assert a.pk != b.pk and b.source_system == province


@pytest.mark.django_db
def test_it_keeps_a_channel_given_by_the_caller(city):
    ticket, _ = upstream.receive_from_upstream(by=city.user, external_id="SZ-9", channel="web", **FIELDS)
    assert ticket.channel == "web"


@pytest.mark.django_db
def test_it_rejects_a_login_that_is_no_platform(people):
    with pytest.raises(NotAllowed, match="不是上级平台的接口账号"):
        upstream.receive_from_upstream(by=people["operator"], external_id="SZ-1", **FIELDS)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_deactivated_platform(city):
    UpstreamSystem.objects.filter(pk=city.pk).update(is_active=False)
    with pytest.raises(NotAllowed, match="已停用"):
        upstream.receive_from_upstream(by=city.user, external_id="SZ-1", **FIELDS)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_platform_login_without_the_operator_role(people, receiver):
    platform = make_platform("county", receiver, with_operator_role=False)
    with pytest.raises(NotAllowed, match="话务员角色"):
        upstream.receive_from_upstream(by=platform.user, external_id="SZ-1", **FIELDS)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("external_id", ["", "   ", None, "x" * 101])
def test_it_requires_an_external_id(city, external_id):
    with pytest.raises(InvalidInput) as info:
        upstream.receive_from_upstream(by=city.user, external_id=external_id, **FIELDS)
    assert "external_id" in info.value.field_errors
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_deadline_that_is_no_date(city):
    with pytest.raises(InvalidInput) as info:
        upstream.receive_from_upstream(by=city.user, external_id="SZ-1", upstream_reply_by="next friday", **FIELDS)
    assert "upstream_reply_by" in info.value.field_errors


@pytest.mark.django_db
def test_the_workflows_own_checks_still_apply(city):
    with pytest.raises(InvalidInput) as info:
        upstream.receive_from_upstream(by=city.user, external_id="SZ-1", **{**FIELDS, "kind": "nonsense"})
    assert "kind" in info.value.field_errors
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_requests_at_once_with_the_same_id_make_one_ticket(city):
    """Both requests are held just after their "does it exist yet?" look-up, so both go on to create it:
    the unique constraint lets one win, and the other returns the winner's ticket."""
    barrier = threading.Barrier(2, timeout=30)
    results, holds = [], []

    def request():
        held = [False]

        def hold_after_lookup(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if not held[0] and sql.startswith("SELECT") and '"hotline_ticket"."external_id" =' in sql:
                held[0] = True
                holds.append(1)
                barrier.wait()
            return result

        with connection.execute_wrapper(hold_after_lookup):
            results.append(upstream.receive_from_upstream(by=city.user, external_id="SZ-RACE", **FIELDS))

    errors = run_concurrently(request, request, barrier=barrier)

    assert not errors, errors
    assert len(holds) == 2  # both looked and found nothing before either created it
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert sorted(created for _, created in results) == [False, True]
    assert {t.pk for t, _ in results} == {ticket.pk}
    assert Message.objects.filter(template="received").count() == 1  # the loser's rows rolled back
    assert TicketEvent.objects.filter(action="receive").count() == 1
