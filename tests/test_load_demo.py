"""`manage.py load_demo`: a whole district with a login for every role and tickets in every
state, made through the workflow; running it again changes nothing.

The demo is loaded once for the module, inside a transaction rolled back at its end; each
test runs in its own savepoint within it (the `db` fixture), so none sees another's changes.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F
from django.test import TestCase, override_settings
from django.utils import timezone

from hotline import roles
from hotline.models import (
    Assignment,
    Category,
    ExtensionRequest,
    Message,
    Reply,
    Resident,
    ReturnRequest,
    StaffProfile,
    Ticket,
    TicketEvent,
    Unit,
    Village,
)
from hotline.models.choices import Channel, CloseReason, ContactMethod, Kind, Satisfaction, Status
from hotline.phones import normalize_phone

pytestmark = pytest.mark.django_db

DEMO_TICKETS = 60


def fast_hashing():
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def load_demo(tickets=DEMO_TICKETS):
    out = StringIO()
    call_command("load_demo", tickets=tickets, debug_off_ok=True, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), fast_hashing(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks() as callbacks:
            output = load_demo()
        yield {"output": output, "callbacks": callbacks}
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def test_it_creates_eleven_departments_and_ten_townships_with_villages(loaded):
    assert Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).count() == 11
    townships = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).annotate(n=Count("villages"))
    assert townships.count() == 10
    assert all(3 <= township.n <= 6 for township in townships)
    assert Unit.objects.filter(name__in=["区交通运输局", "区水务局", "青山镇", "通泉街道"]).count() == 4


def test_it_creates_a_category_tree_two_to_three_levels_deep(loaded):
    lamps = Category.objects.get(name="路灯")
    assert [c.name for c in lamps.ancestors(include_self=True)] == ["城乡建设", "道路交通", "路灯"]
    assert Category.objects.filter(parent__isnull=True, children__isnull=True).count() == 0
    assert not Category.objects.filter(parent__parent__parent__isnull=False).exists()


def test_it_creates_a_login_for_every_role_with_the_demo_password(loaded):
    User = get_user_model()
    for role in roles.ALL:
        assert User.objects.filter(groups__name=role).exists(), role
    for username in ("admin", "operator", "operator2", "supervisor", "editor", "jt_liaison", "jt_head", "jt_member",
                     "qs_liaison", "qs_head", "qs_member"):
        user = User.objects.get(username=username)
        with fast_hashing():
            assert user.check_password("hotline-demo"), username
        assert StaffProfile.objects.filter(user=user).exists(), username
    admin, supervisor, operator = (User.objects.get(username=n) for n in ("admin", "supervisor", "operator"))
    assert admin.is_superuser and admin.is_staff
    assert supervisor.is_staff and not supervisor.is_superuser
    assert operator.is_staff and not operator.is_superuser
    assert User.objects.get(username="editor").is_staff  # the editor's pages are the admin's for now
    assert not User.objects.get(username="jt_liaison").is_staff
    assert User.objects.get(username="jt_member").staff.unit.name == "区交通运输局"
    assert str(User.objects.get(username="operator").staff.phone).startswith("+86139000000")
    for unit in Unit.objects.all():
        for role in (roles.UNIT_LIAISON, roles.UNIT_HEAD):
            assert User.objects.filter(staff__unit=unit, groups__name=role).exists(), (unit, role)
    assert "| jt_liaison |" in loaded["output"] and "hotline-demo" in loaded["output"]


def test_it_makes_tickets_in_every_state(loaded):
    tickets = Ticket.objects.all()
    assert tickets.count() >= DEMO_TICKETS
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    # every way to close but 历史导入, which only import_tickets makes (tests/test_import_tickets_*.py)
    closed = set(tickets.exclude(close_reason="").values_list("close_reason", flat=True))
    assert closed == set(CloseReason.values) - {CloseReason.IMPORTED}
    assert set(tickets.exclude(satisfaction="").values_list("satisfaction", flat=True)) == set(Satisfaction.values)
    assert tickets.filter(status=Status.REPLIED, reply_accepted_at__isnull=True).exists()  # awaiting review
    assert tickets.filter(status=Status.REPLIED, reply_accepted_at__isnull=False).exists()  # awaiting the survey
    assert ReturnRequest.objects.filter(status="pending").exists()
    assert ExtensionRequest.objects.filter(status="pending").exists()
    assert tickets.filter(reopen_count__gt=0).exists()
    assert tickets.filter(supervised=True).exists()
    assert tickets.filter(merged_into__isnull=False).exists()
    assert Assignment.objects.filter(role=Assignment.Role.CO).exists()
    assert Assignment.objects.filter(handler__isnull=False).exists()


def test_its_tickets_cover_every_kind_and_the_usual_channels(loaded):
    tickets = Ticket.objects.all()
    assert set(tickets.values_list("kind", flat=True)) == set(Kind.values)
    channels = {Channel.PHONE, Channel.SMS, Channel.VOICEMAIL, Channel.WEB, Channel.WALK_IN, Channel.PLEDGE_FEEDBACK}
    assert set(tickets.values_list("channel", flat=True)) == channels
    assert tickets.filter(confidential=True).exclude(kind=Kind.REPORT).exists()
    assert not tickets.filter(kind=Kind.REPORT, confidential=False).exists()


def test_a_report_about_a_unit_is_never_dispatched_to_it(loaded):
    reports = Ticket.objects.filter(reported_unit__isnull=False)
    assert reports.exists()
    assert not Assignment.objects.filter(ticket__in=reports, unit=F("ticket__reported_unit")).exists()
    assert not Reply.objects.filter(ticket__confidential=True).exclude(
        contact_method__in=[ContactMethod.VIA_OPERATOR, ContactMethod.MASKED_CALL]
    ).exists()


def test_tickets_have_past_timelines_made_by_the_workflow(loaded):
    now = timezone.now()
    tickets = Ticket.objects.all()
    oldest = tickets.order_by("created_at").first().created_at
    assert (now - oldest).days >= 60
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    received = TicketEvent.objects.filter(action=TicketEvent.Action.RECEIVE, ticket__created_at=F("created_at"))
    assert received.count() == tickets.count()
    created = Ticket.history.filter(history_type="+", history_date=F("created_at"), history_user__isnull=False)
    assert created.count() == tickets.count()
    signed = Assignment.objects.filter(signed_at__isnull=False)
    assert signed.exists() and not signed.filter(sign_hours__isnull=True).exists()
    assert not Ticket.objects.filter(resident__isnull=True).exists()
    for phone in Resident.objects.values_list("phone", flat=True):
        assert normalize_phone(phone) == phone and phone.startswith("+861")


def test_its_sms_are_recorded_as_sent_and_nothing_waits_for_delivery(loaded):
    outbound = Message.objects.filter(direction=Message.Direction.OUTBOUND)
    assert outbound.exists()
    assert not outbound.exclude(status=Message.Status.SENT).exists()
    assert not outbound.filter(sent_at__isnull=True).exists()
    assert loaded["callbacks"] == []  # no delivery tasks, no live events queued for commit


def snapshot():
    User = get_user_model()
    models = (Unit, Village, Category, User, StaffProfile, Resident, Ticket, Assignment, TicketEvent, Message,
              Reply, ReturnRequest, ExtensionRequest)
    counts = {model.__name__: model.objects.count() for model in models}
    tracked = (Unit, StaffProfile, Ticket, Resident)
    counts |= {f"history of {model.__name__}": model.history.count() for model in tracked}
    counts["memberships"] = User.groups.through.objects.count()
    counts["users"] = list(User.objects.order_by("pk").values_list("username", "password", "is_staff", "is_superuser"))
    counts["tickets"] = list(Ticket.objects.order_by("pk").values_list("number", "status", "updated_at"))
    return counts


def test_running_it_again_changes_nothing(loaded):
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "不再生成演示工单" in output


@pytest.mark.django_db
def test_production_settings_refuse_the_demo_and_its_public_passwords(settings):
    settings.DEBUG = False
    users = get_user_model().objects.count()
    with pytest.raises(CommandError, match="--with-debug-off"):
        call_command("load_demo", tickets=0, stdout=StringIO())
    assert get_user_model().objects.count() == users
