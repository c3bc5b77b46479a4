import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

from hotline import roles, workflow
from hotline.messaging.gateways import LocmemGateway
from hotline.models import Resident, StaffProfile, Unit, Village
from hotline.models.choices import ContactMethod, Outcome

# fixtures of the fake upstream 12345 platform (receiver, city, upstream_ticket); a redis-server of the
# test's own to stop and restart (redis_server: the Redis outage tests)
pytest_plugins = ["tests.fake_upstream", "tests.redis_server"]

TZ = ZoneInfo("Asia/Shanghai")


def at(*args):
    """An aware datetime in the hotline's time zone: at(2026, 10, 9, 10, 0)."""
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    settings.SMS_BACKEND = "locmem"
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")  # photos never land in the checkout
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    LocmemGateway.outbox.clear()
    LocmemGateway.fail_next.clear()
    # one Redis serves both xdist workers, and locmem outlives a test: each test its own cache keys
    settings.CACHES = {
        name: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"} for name, conf in settings.CACHES.items()
    }
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


def advance_ticket(ticket, state, *, people, lead_unit):
    """Move a new ticket through the real workflow up to `state` (dispatched … closed)."""
    op, liaison = people["operator"], people["liaison"]
    if state == "new":
        return ticket
    ticket = workflow.dispatch(ticket=ticket, by=op, lead_unit=lead_unit)
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


@pytest.fixture
def make_ticket(people, units, resident):
    """Build a ticket through the real workflow up to `state`."""

    def build(state="new", *, kind="help", priority="normal", confidential=False, reported_unit=None, lead="roads"):
        ticket = workflow.receive(
            by=people["operator"], kind=kind, channel="phone", title="路灯不亮", description="石门村口路灯坏了三天",
            resident=resident, priority=priority, confidential=confidential, reported_unit=reported_unit,
        )
        return advance_ticket(ticket, state, people=people, lead_unit=units[lead])

    return build


# --- CI: the suite must run on the real PostgreSQL and Redis, with nothing skipped ---

REQUIRE_SERVICES = __import__("os").environ.get("HOTLINE_REQUIRE_SERVICES") == "1"


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    # one Redis serves both xdist workers, and locmem outlives a test: each test its own cache keys
    settings.CACHES = {
        name: {**conf, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"} for name, conf in settings.CACHES.items()
    }
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


# --- voice webhooks (tests/test_voice_*.py, tests/test_masked_call*.py) ---------------------------

# Real Twilio voice webhook bodies (../shared/twilio/webhook_payloads.json), sent with every parameter.
VOICE_PAYLOADS = {
    # a call from the phone network
    "pstn": "AccountSid=AC00000000000000000000000000000000&ApiVersion=2010-04-01&CallSid=CA1234567890abcdef&CallStatus=ringing&Called=%2B15806336937&CalledCity=&CalledCountry=US&CalledState=OK&CalledZip=&Caller=%2B15551234567&CallerCity=AUSTIN&CallerCountry=US&CallerState=TX&CallerZip=&Direction=inbound&From=%2B15551234567&FromCity=AUSTIN&FromCountry=US&FromState=TX&FromZip=&To=%2B15806336937&ToCity=&ToCountry=US&ToState=OK&ToZip=",
    # a Twilio Client (browser/app) call
    "client": "AccountSid=AC58f1e8f2b1c6b88ca90a012a4be0c279&ApplicationSid=AP7d6fd7b9a8894e36877dc2355da381c8&Caller=client%3Ajoey_ramone&CallStatus=ringing&Called=&To=&PhoneNumber=%2B886225475050&CallSid=CA2d4f6f887f3d24b5fdb945ff88ef8e41&From=client%3Ajoey_ramone&Direction=inbound&CallerID=%2B19252724527&ApiVersion=2010-04-01",
    "client_anonymous": "AccountSid=AC********************************&ApiVersion=2010-04-01&ApplicationSid=AP********************************&CallSid=CA557a5d46438c324c7e1f9aa15e5f0dbb&CallStatus=ringing&Called=&Caller=client%3AAnonymous&Direction=inbound&From=client%3AAnonymous&To=&phoneNumber=%2B12031234567",
    # a SIP call (SIDs redacted by the author)
    "sip": "AccountSid=SID&ApiVersion=2010-04-01&CallSid=SID&CallStatus=ringing&Called=sip%3ANUMBER%40direct-futel-nonemergency-dev.sip.twilio.com&Caller=sip%3AEXTENSION%40direct-futel-nonemergency-dev.sip.twilio.com&Direction=inbound&From=sip%3AEXTENSION%40direct-futel-nonemergency-dev.sip.twilio.com&SipCallId=ID&SipDomain=direct-futel-nonemergency-dev.sip.twilio.com&SipDomainSid=SID&SipSourceIp=IP&To=sip%3ANUMBER%40direct-futel-nonemergency-dev.sip.twilio.com",
    # the <Record> action
    "record_action": "AccountSid=ACcdd8451104f384f1901a6888c1b0e074&ApiVersion=2010-04-01&CallSid=CAe5333b17fb19fbcff5daadcdad159121&CallStatus=in-progress&Called=%2B19729941579&CalledCity=DALLAS&CalledCountry=US&CalledState=TX&CalledZip=75240&Caller=%2B13218775974&CallerCity=&CallerCountry=US&CallerState=FL&CallerZip=&Digits=%2A&Direction=inbound&From=%2B13218775974&FromCity=&FromCountry=US&FromState=FL&FromZip=&RecordingDuration=4&RecordingSid=RE61f2819a711154d8638aeaec9c82e3fd&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FACcdd8451104f384f1901a6888c1b0e074%2FRecordings%2FRE61f2819a711154d8638aeaec9c82e3fd&To=%2B19729941579&ToCity=DALLAS&ToCountry=US&ToState=TX&ToZip=75240",
    # recording status callbacks: of a <Record> verb, and of a call recording started through the API
    "recording": "RecordingSource=RecordVerb&RecordingSid=RE0ff7ecec483bcbbeb0d76eb8bfe5b6e0&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FACf6a02ac6eb6d9b86ba23ff55298fff0e%2FRecordings%2FRE0ff7ecec483bcbbeb0d76eb8bfe5b6e0&RecordingStatus=completed&RecordingChannels=1&ErrorCode=0&CallSid=CAc171381f0271647a58f4b30e02a14d23&RecordingStartTime=Thu%2C%2029%20Jul%202021%2006%3A59%3A25%20%2B0000&AccountSid=ACf6a02ac6eb6d9b86ba23ff55298fff0e&RecordingDuration=3",
    "recording_api": "RecordingSource=StartCallRecordingAPI&RecordingTrack=both&RecordingSid=REe...1&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FACae...3%2FRecordings%2FREe...1&RecordingStatus=completed&RecordingChannels=2&ErrorCode=0&CallSid=CA4140f4ee9836c07ff474b7d2d9b7f75a&RecordingStartTime=Wed%2C%2020%20Apr%202022%2023%3A45%3A25%20%2B0000&AccountSid=ACa...3&RecordingDuration=11",
}


@pytest.fixture
def voice_payload():
    """`voice_payload("pstn", From="+8613800138000")`: a real Twilio voice body (every parameter), with overrides."""
    from urllib.parse import parse_qsl

    def build(name, **overrides):
        params = dict(parse_qsl(VOICE_PAYLOADS[name], keep_blank_values=True))
        params.update(overrides)
        return params

    return build


@pytest.fixture
def twilio_post(client, settings):
    """`twilio_post("/twilio/voice/", params)`: POST form-encoded, signed as Twilio signs it
    (RequestValidator.compute_signature over the public URL incl. query string: http://testserver +
    path, or TWILIO_PUBLIC_BASE_URL + path when set, as the fake_twilio fixture does)."""
    from urllib.parse import urlencode

    from twilio.request_validator import RequestValidator

    def post(path, params, *, signature=None):
        url = (settings.TWILIO_PUBLIC_BASE_URL or "http://testserver").rstrip("/") + path
        if signature is None:
            signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
        headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
        return client.post(path, urlencode(params), content_type="application/x-www-form-urlencoded", **headers)

    return post


# --- inbound SMS webhook (tests/test_sms_intake_*.py) ----------------------------------------

# Inbound requests Twilio really sent (raw form bodies, every parameter), from
# ../shared/twilio/webhook_payloads.json: "sms_incoming_courier_capture" (nyaruka/courier) and
# "mms_incoming_courier_test_receiveMediaWithMsg" (nyaruka/courier handlers/twiml/handlers_test.go).
TWILIO_INBOUND_SMS = (
    "ToCountry=US&ToState=IN&SmsMessageSid=SMa741ddeb574e5dda5516c73417fcd28a&NumMedia=0&ToCity=&FromZip=46204"
    "&SmsSid=SMa741ddeb574e5dda5516c73417fcd28a&FromState=IN&SmsStatus=received&FromCity=INDIANAPOLIS"
    "&Body=Hi+there+from+Twilio&FromCountry=US&To=%2B13177933221&ToZip=&NumSegments=1"
    "&MessageSid=SMa741ddeb574e5dda5516c73417fcd28a&AccountSid=AC7ef44158dbb01b972d64d7e5c851c8d7"
    "&From=%2B13177592786&ApiVersion=2010-04-01"
)
TWILIO_INBOUND_MMS = (
    "ToCountry=US&ToState=District+Of+Columbia&SmsMessageSid=SMe287d7109a5a925f182f0e07fe5b223b&NumMedia=2"
    "&ToCity=&Body=Msg&FromZip=01022&SmsSid=SMe287d7109a5a925f182f0e07fe5b223b&FromState=MA&SmsStatus=received"
    "&FromCity=CHICOPEE&FromCountry=US&To=%2B12028831111&ToZip=&NumSegments=1"
    "&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&AccountSid=acctid&From=%2B14133881111"
    "&ApiVersion=2010-04-01&MediaUrl0=cat.jpg&MediaUrl1=dog.jpg"
)
SMS_URL = "http://testserver/twilio/sms/"


def twilio_params(raw=TWILIO_INBOUND_SMS, *, body=None, phone=None, sid=None, **overrides):
    """A recorded Twilio request's parameters with From/Body/MessageSid replaced (and its SID aliases)."""
    from urllib.parse import parse_qsl

    params = dict(parse_qsl(raw, keep_blank_values=True))
    if body is not None:
        params["Body"] = body
    if phone is not None:
        params["From"] = phone
    sid = sid or "SM" + uuid.uuid4().hex
    params["MessageSid"] = params["SmsSid"] = params["SmsMessageSid"] = sid
    params.update(overrides)
    return params


def twilio_signature(url, params, *, token=None, algorithm=None):
    from django.conf import settings
    from twilio.request_validator import RequestValidator

    return RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, params, algorithm=algorithm)


class SmsWebhook:
    """Post signed inbound SMS to /twilio/sms/ as Twilio does (form-encoded, TwilioProxy headers)."""

    def __init__(self, client):
        self.client = client

    def post(self, params, *, url=SMS_URL, signature=None, headers=None, path=None):
        from urllib.parse import urlencode, urlsplit

        split = urlsplit(url)
        sent_headers = {
            "User-Agent": "TwilioProxy/1.1",
            "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
            "X-Twilio-Signature": twilio_signature(url, params) if signature is None else signature,
        }
        sent_headers.update(headers or {})
        sent_headers = {k: v for k, v in sent_headers.items() if v is not None}
        return self.client.post(
            path or (split.path + (f"?{split.query}" if split.query else "")),
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            headers=sent_headers,
        )

    def send(self, body, *, phone="+8613800138000", sid=None, raw=TWILIO_INBOUND_SMS, **overrides):
        """Send `body` from `phone`; returns (response, reply text from the TwiML)."""
        response = self.post(twilio_params(raw, body=body, phone=phone, sid=sid, **overrides))
        assert response.status_code == 200, response.content
        return response, twiml_reply(response)


def twiml_reply(response):
    """The text of the TwiML <Message> (None for an empty <Response/>)."""
    import xml.etree.ElementTree as ET

    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    messages = root.findall("Message")
    assert len(messages) <= 1
    return messages[0].text if messages else None


@pytest.fixture
def sms(client):
    return SmsWebhook(client)


# --- Twilio: a fake REST API on loopback, driven by the real twilio client -------------------


@pytest.fixture
def fake_twilio(settings):
    """A fake Twilio REST server (tests/fake_twilio.py) that the real `twilio` client talks to.

    Sends SMS through the twilio gateway, with status callbacks at https://hotline.example.cn.
    The per-sender rate limit is raised out of the way (tests of it set their own) and gets
    a namespace of its own, so parallel tests sharing one cache never share send slots.
    """
    from tests.fake_twilio import FakeTwilio

    server = FakeTwilio(account_sid=settings.TWILIO_ACCOUNT_SID, auth_token=settings.TWILIO_AUTH_TOKEN).start()
    settings.TWILIO_API_BASE_URL = server.base_url
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_PUBLIC_BASE_URL = "https://hotline.example.cn"
    settings.TWILIO_HTTP_TIMEOUT = 5.0
    settings.HOTLINE = {
        **settings.HOTLINE, "SMS_PER_SECOND_PER_SENDER": 1000.0, "SMS_RATE_NAMESPACE": f"test-{uuid.uuid4().hex[:12]}",
    }
    yield server
    server.stop()
