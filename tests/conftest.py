import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

from hotline import roles, workflow
from hotline.messaging.gateways import LocmemGateway
from hotline.models import Resident, StaffProfile, Unit, Village
from hotline.models.choices import ContactMethod, Outcome

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    """An aware datetime in the hotline's time zone: at(2026, 10, 9, 10, 0)."""
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.SMS_BACKEND = "locmem"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    LocmemGateway.outbox.clear()
    LocmemGateway.fail_next.clear()
    layer = settings.CHANNEL_LAYERS["default"]
    if layer["BACKEND"] == "channels_redis.core.RedisChannelLayer":
        # one Redis serves both xdist workers: keep each test's groups to itself
        settings.CHANNEL_LAYERS = {
            "default": {**layer, "CONFIG": {**layer["CONFIG"], "prefix": f"test-{uuid.uuid4().hex[:12]}"}}
        }
    yield
    LocmemGateway.outbox.clear()
    LocmemGateway.fail_next.clear()


@pytest.fixture
def outbox():
    return LocmemGateway.outbox


def make_user(username, role, unit=None, phone=""):
    user = User.objects.create_user(username=username, password="pw-" + username, first_name=username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])  # transactional tests flush seeded groups
    StaffProfile.objects.create(user=user, unit=unit, phone=phone)
    return user


@pytest.fixture
def units(db):
    return {
        "roads": Unit.objects.create(name="区交通运输局", kind=Unit.Kind.DEPARTMENT),
        "water": Unit.objects.create(name="区水务局", kind=Unit.Kind.DEPARTMENT),
        "town": Unit.objects.create(name="青山镇", kind=Unit.Kind.TOWNSHIP),
    }


@pytest.fixture
def village(units):
    return Village.objects.create(township=units["town"], name="石门村")


@pytest.fixture
def people(units):
    """One user per role; unit users of the roads bureau, plus a liaison of the water bureau."""
    return {
        "operator": make_user("operator", roles.OPERATOR),
        "supervisor": make_user("supervisor", roles.SUPERVISOR, phone="+8613900000001"),
        "editor": make_user("editor", roles.MEDIA_EDITOR),
        "liaison": make_user("liaison", roles.UNIT_LIAISON, units["roads"], phone="+8613900000002"),
        "head": make_user("head", roles.UNIT_HEAD, units["roads"], phone="+8613900000003"),
        "member": make_user("member", roles.UNIT_MEMBER, units["roads"]),
        "other_liaison": make_user("other_liaison", roles.UNIT_LIAISON, units["water"], phone="+8613900000004"),
        "other_member": make_user("other_member", roles.UNIT_MEMBER, units["roads"]),
        "system": workflow.system_user(),
    }


@pytest.fixture
def resident(db):
    return Resident.objects.create(phone="+8613800138000", name="张三")


@pytest.fixture
def make_ticket(people, units, resident):
    """Build a ticket through the real workflow up to `state`."""

    def build(state="new", *, kind="help", priority="normal", confidential=False, reported_unit=None, lead="roads"):
        op, liaison = people["operator"], people["liaison"]
        ticket = workflow.receive(
            by=op, kind=kind, channel="phone", title="路灯不亮", description="石门村口路灯坏了三天",
            resident=resident, priority=priority, confidential=confidential, reported_unit=reported_unit,
        )
        if state == "new":
            return ticket
        ticket = workflow.dispatch(ticket=ticket, by=op, lead_unit=units[lead])
        if state == "dispatched":
            return ticket
        ticket = workflow.sign(ticket=ticket, by=liaison)
        if state == "in_progress":
            return ticket
        workflow.reply(
            ticket=ticket, by=liaison, text="已修复路灯", outcome=Outcome.RESOLVED,
            contact_method=ContactMethod.VIA_OPERATOR if ticket.hides_resident_from_units else ContactMethod.PHONE,
            contacted_at=ticket.signed_at,
        )
        ticket.refresh_from_db()
        if state == "replied":
            return ticket
        workflow.review(ticket=ticket, by=op, accept=True)
        ticket.refresh_from_db()
        if state == "accepted":
            return ticket
        workflow.record_satisfaction(ticket=ticket, by=op, satisfaction="satisfied")
        ticket.refresh_from_db()
        assert state == "closed", state
        return ticket

    return build


# --- CI: the suite must run on the real PostgreSQL and Redis, with nothing skipped ---

REQUIRE_SERVICES = __import__("os").environ.get("HOTLINE_REQUIRE_SERVICES") == "1"


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if "postgresql" not in engine or "channels_redis" not in layer:
        raise pytest.UsageError(
            f"HOTLINE_REQUIRE_SERVICES=1 but the suite would run on {engine} / {layer}: "
            "set DATABASE_URL to PostgreSQL and REDIS_URL to Redis"
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if REQUIRE_SERVICES and skipped:
        terminalreporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped, but CI requires every test to run", red=True
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if REQUIRE_SERVICES and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = 1


# --- workflow tests: a refused action must write nothing ------------------------------


def _workflow_snapshot(ticket):
    from hotline.models import Assignment, ExtensionRequest, Message, Reply, ReturnRequest, Ticket, TicketEvent

    row = Ticket.objects.get(pk=ticket.pk)
    return {
        "ticket": {f.attname: getattr(row, f.attname) for f in Ticket._meta.concrete_fields if f.attname != "updated_at"},
        "ticket_history": row.history.count(),
        "tickets": Ticket.objects.count(),
        "events": TicketEvent.objects.count(),
        "messages": Message.objects.count(),
        "assignments": list(Assignment.objects.order_by("pk").values()),
        "returns": list(ReturnRequest.objects.order_by("pk").values()),
        "extensions": list(ExtensionRequest.objects.order_by("pk").values()),
        "replies": list(Reply.objects.order_by("pk").values()),
    }


@pytest.fixture
def refused():
    """`with refused(ticket, NotAllowed): workflow.x(...)`: the error is raised and nothing changed."""
    import contextlib

    @contextlib.contextmanager
    def check(ticket, error):
        before = _workflow_snapshot(ticket)
        with pytest.raises(error) as info:
            yield info
        assert _workflow_snapshot(ticket) == before

    return check


@pytest.fixture
def monday(time_machine):
    """Freeze the clock at Monday 2026-03-02 10:00 (a working day, Asia/Shanghai); returns that instant."""
    moment = at(2026, 3, 2, 10, 0)
    time_machine.move_to(moment, tick=False)
    return moment


# --- deadline sweep, SMS delivery and scheduler tests ----------------------------------


@pytest.fixture
def ticket_at(make_ticket):
    """`ticket_at(moment, state="dispatched", **kw)`: make_ticket with the clock frozen at `moment`."""
    import time_machine

    def build(moment, state="dispatched", **kwargs):
        with time_machine.travel(moment, tick=False):
            return make_ticket(state, **kwargs)

    return build


_MIGRATION_APPS = None


@pytest.fixture
def migration_data(transactional_db):
    """For transactional tests: the rows the data migration creates (role groups, the system login, the
    default SLA table, working hours, SMS wording), put back if missing (idempotent).

    A transactional test empties every table when it ends, so later ones would find none of them.
    (Not `serialized_rollback=True`: after a plain transactional test's flush has recreated the content
    types under new ids, restoring the serialized ones fails on their unique constraint.)
    """
    global _MIGRATION_APPS
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    if _MIGRATION_APPS is None:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        _MIGRATION_APPS = loader.project_state(("hotline", "0002_roles_and_defaults")).apps
    import_module("hotline.migrations.0002_roles_and_defaults").forwards(_MIGRATION_APPS, None)
