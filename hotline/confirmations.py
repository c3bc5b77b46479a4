"""Public web forms confirmed by an SMS code (推广申请, 承诺事项反馈, 验单).

A form that speaks for a phone number (a villager's promotion request, a
resident's feedback on a pledge, a verification vote) is only acted on once
the code sent to that phone is typed back. `start()` stores what was submitted
with a hashed code and queues the code SMS; `confirm()` checks the code and hands
the stored submission to the handler registered for its purpose, once: a second
confirmation of the same token returns the first result.

Handlers: `@handler("promotion") def f(*, confirmation, resident, by) -> url`.
They run in confirm()'s transaction, so a failing handler leaves the code unused.
"""

import datetime as dt
import hmac
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from hotline import clock, messaging, ratelimits
from hotline.models import PhoneConfirmation, Resident
from hotline.phones import is_mobile, normalize_phone

HANDLERS = {}


def handler(purpose):
    def register(function):
        HANDLERS[purpose] = function
        return function

    return register


class TooMany(ValidationError):
    """A rate limit (codes per phone or per address): the page answers 429 and keeps what was typed."""


def _hash(token, code):
    return salted_hmac("hotline.confirmations", f"{token}:{code}").hexdigest()


def _limits():
    conf = settings.HOTLINE
    return conf["CONFIRM_CODE_MINUTES"], conf["CONFIRM_MAX_ATTEMPTS"]


def start(*, phone, purpose, payload, address=""):
    """Queue a code to `phone` for this submission; returns the PhoneConfirmation (its token goes in the URL).

    Raises ValidationError (on the "phone" field) for a number that cannot take SMS or
    that was sent too many codes lately, and for too many codes from one client address
    (those two as TooMany, a ValidationError the pages answer with 429).
    """
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    if not is_mobile(phone):
        raise ValidationError({"phone": [_("请填写手机号：验证码通过短信发送。")]})
    if not phone.startswith("+86"):  # codes abroad would be SMS pumping at the hotline's cost
        raise ValidationError({"phone": [_("验证码只发送到中国大陆的手机号，请填写中国大陆手机号。")]})
    now = clock.now()
    minutes, _attempts = _limits()
    recent = PhoneConfirmation.objects.filter(phone=phone, created_at__gte=now - dt.timedelta(hours=1)).count()
    if recent >= settings.HOTLINE["CONFIRM_CODES_PER_PHONE_HOUR"]:
        raise TooMany({"phone": [_("这个号码获取验证码太频繁，请一小时后再试。")]})
    if address and not _address_allowed(address):
        raise TooMany({"phone": [_("提交太频繁，请稍后再试。")]})
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        confirmation = PhoneConfirmation(
            phone=phone, purpose=purpose, payload=payload, created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        confirmation.code_hash = _hash(confirmation.token, code)
        confirmation.save()
        with translation.override(settings.LANGUAGE_CODE):  # the SMS is Chinese whatever the page's language
            purpose_name = str(confirmation.get_purpose_display())
        message = messaging.queue_sms(
            phone=phone, template="confirm_code", params={"code": code, "minutes": minutes, "purpose": purpose_name},
        )
        messaging.deliver_after_commit([message.pk])
    return confirmation


def _address_allowed(address):
    """At most CONFIRM_CODES_PER_ADDRESS_HOUR codes per client address per hour (a fixed hourly window)."""
    limit = settings.HOTLINE["CONFIRM_CODES_PER_ADDRESS_HOUR"]
    return ratelimits.hit("confirm-codes", address, limit=limit, period=3600).allowed


def pending(token):
    """The unconfirmed, unexpired PhoneConfirmation for `token`, or None."""
    return PhoneConfirmation.objects.filter(token=token, confirmed_at__isnull=True, expires_at__gt=clock.now()).first()


def confirm(*, token, code, by):
    """Check `code`; on success run the purpose's handler once and return its URL.

    Raises ValidationError (on the "code" field) for a wrong, expired or used-up code;
    the submission is kept until it expires, so the resident can type the code again.
    """
    # full-width digits (a Chinese input method) are the same code
    code = "".join(ch for ch in unicodedata.normalize("NFKC", str(code or "")) if not ch.isspace())
    with transaction.atomic():
        confirmation = PhoneConfirmation.objects.select_for_update().filter(token=token).first()
        problem = _problem(confirmation, code)
        if problem is None and not confirmation.confirmed_at:
            resident = Resident.for_phone(confirmation.phone, by=by)
            url = HANDLERS[confirmation.purpose](confirmation=confirmation, resident=resident, by=by)
            confirmation.confirmed_at = clock.now()
            confirmation.result_url = url or ""
            confirmation.save(update_fields=["confirmed_at", "result_url"])
    # raised after the commit, so a wrong try stays counted
    if problem is not None:
        raise ValidationError({"code": [problem]})
    return confirmation.result_url


def _problem(confirmation, code):
    """Why `code` does not confirm (a sentence; a wrong try is counted), or None."""
    if confirmation is None:
        return _("验证链接无效，请重新提交。")
    if confirmation.confirmed_at:
        return None
    if confirmation.expires_at <= clock.now():
        return _("验证码已过期，请重新提交。")
    _minutes, max_attempts = _limits()
    if confirmation.attempts >= max_attempts:
        return _("验证码错误次数太多，请重新提交。")
    if hmac.compare_digest(confirmation.code_hash, _hash(confirmation.token, code)):
        return None
    confirmation.attempts += 1
    confirmation.save(update_fields=["attempts"])
    left = max_attempts - confirmation.attempts
    if left <= 0:
        return _("验证码错误次数太多，请重新提交。")
    return _("验证码不正确，还可以再试 %(left)s 次。") % {"left": left}


# a confirmation holds a phone and what was typed (feedback text): kept a week, long enough to look into a complaint
KEEP = dt.timedelta(days=7)


def has_old_to_purge(*, now=None):
    return PhoneConfirmation.objects.filter(created_at__lt=(now or clock.now()) - KEEP).exists()


def purge(*, now=None):
    """Delete confirmations older than KEEP, used or not; returns how many."""
    deleted, _by_model = PhoneConfirmation.objects.filter(created_at__lt=(now or clock.now()) - KEEP).delete()
    return deleted
