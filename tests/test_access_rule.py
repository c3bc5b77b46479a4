"""Who sees which tickets: one rule, per unit, reporters hidden."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline import access, workflow
from hotline.models import Message


@pytest.mark.django_db
def test_hotline_staff_see_every_ticket_and_the_media_editor_none(people, make_ticket):
    ticket = make_ticket("dispatched")
    assert access.can_see(people["operator"], ticket)
    assert access.can_see(people["supervisor"], ticket)
    assert not access.can_see(people["editor"], ticket)


@pytest.mark.django_db
def test_a_liaison_cannot_see_another_units_ticket(people, make_ticket):
    ours = make_ticket("dispatched", lead="roads")
    theirs = make_ticket("dispatched", lead="water")
    assert set(access.visible_tickets(people["liaison"])) == {ours}
    assert set(access.visible_tickets(people["other_liaison"])) == {theirs}
    assert not access.can(people["liaison"], "sign", theirs)


@pytest.mark.django_db
def test_a_new_ticket_is_seen_by_no_unit(people, make_ticket):
    ticket = make_ticket("new")
    for name in ("liaison", "head", "member", "other_liaison"):
        assert not access.can_see(people[name], ticket)


@pytest.mark.django_db
def test_co_units_see_the_ticket_but_only_the_lead_unit_acts(people, units, make_ticket):
    ticket = make_ticket("new")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    assert access.can_see(people["other_liaison"], ticket)
    assert not access.can(people["other_liaison"], "sign", ticket)
    assert access.can(people["other_liaison"], "note", ticket)


@pytest.mark.django_db
def test_a_unit_member_sees_only_what_was_handed_to_them(people, make_ticket):
    ticket = make_ticket("in_progress")
    assert access.can_see(people["head"], ticket)
    assert not access.can_see(people["member"], ticket)
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    assert access.can_see(people["member"], ticket)
    assert not access.can_see(people["other_member"], ticket)


@pytest.mark.django_db
def test_a_liaison_never_sees_a_reporters_phone_or_name(people, make_ticket, resident, outbox,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_ticket("in_progress", kind="report")
    assert report.confidential  # reports are always confidential
    assert access.can_see(people["liaison"], report)
    assert not access.sees_resident(people["liaison"], report)
    assert access.sees_resident(people["operator"], report)
    # SMS to the unit's staff carry the number and deadlines only
    staff_sms = Message.objects.filter(ticket=report, recipient_user__isnull=False)
    assert staff_sms.exists()
    for message in staff_sms:
        assert resident.phone not in message.body and resident.name not in message.body
        assert resident.phone[3:] not in message.body


@pytest.mark.django_db
def test_confidential_tickets_hide_the_resident_from_units(people, make_ticket):
    ticket = make_ticket("dispatched", confidential=True)
    assert not access.sees_resident(people["liaison"], ticket)
    plain = make_ticket("dispatched")
    assert access.sees_resident(people["liaison"], plain)


@pytest.mark.django_db
def test_a_report_about_a_unit_is_never_shown_to_that_unit(people, units, make_ticket):
    report = make_ticket("dispatched", kind="report", reported_unit=units["roads"], lead="water")
    assert access.can_see(people["other_liaison"], report)
    for name in ("liaison", "head", "member"):
        assert not access.can_see(people[name], report)
    assert report not in access.visible_tickets(people["liaison"])


@pytest.mark.django_db
def test_the_visible_ticket_list_costs_one_query_whatever_its_size(people, make_ticket):
    for _ in range(3):
        make_ticket("dispatched")
    liaison = people["liaison"]
    access.roles_of(liaison), access.unit_of(liaison)  # warm the per-request caches
    with CaptureQueriesContext(connection) as small:
        list(access.visible_tickets(liaison)[:1])
    for _ in range(5):
        make_ticket("dispatched")
    with CaptureQueriesContext(connection) as large:
        assert len(list(access.visible_tickets(liaison))) == 8
    assert len(small) == len(large) == 1


@pytest.mark.django_db
def test_inactive_users_and_anonymous_see_nothing(people, make_ticket):
    from django.contrib.auth.models import AnonymousUser

    ticket = make_ticket("dispatched")
    people["liaison"].is_active = False
    assert not access.can(people["liaison"], "sign", ticket)
    assert not access.visible_tickets(AnonymousUser()).exists()


@pytest.mark.django_db
def test_a_unit_that_returned_a_ticket_no_longer_sees_it(people, units, make_ticket):
    ticket = make_ticket("in_progress", kind="report")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="属水务局职责", suggested_unit=units["water"])
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["water"])
    assert not access.can_see(people["liaison"], ticket)
    assert not access.can(people["liaison"], "note", ticket)
    assert access.can_see(people["other_liaison"], ticket)


@pytest.mark.django_db
def test_the_lead_unit_still_sees_its_closed_tickets(people, make_ticket):
    ticket = make_ticket("closed")
    assert access.can_see(people["liaison"], ticket)
