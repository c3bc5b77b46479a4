"""SMS-code confirmations hold a phone and what the visitor typed: the nightly job deletes them after a week,
and the admin never shows a code."""

import datetime as dt

from django.utils import timezone

from hotline import confirmations
from hotline.models import Message, PhoneConfirmation
from hotline.tasks import purge_confirmations


def _confirmation(days_ago):
    row = confirmations.start(phone="13800138000", purpose="pledge_feedback", payload={"text": "路灯还没修"})
    PhoneConfirmation.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return row


def test_the_nightly_job_deletes_confirmations_older_than_a_week(db, settings):
    settings.HOTLINE = {**settings.HOTLINE, "CONFIRM_CODES_PER_PHONE_HOUR": 10}
    old, recent = _confirmation(8), _confirmation(6)
    assert confirmations.has_old_to_purge()
    purge_confirmations.enqueue()  # the immediate backend in tests runs it now
    assert list(PhoneConfirmation.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not confirmations.has_old_to_purge()
    assert old.pk not in PhoneConfirmation.objects.values_list("pk", flat=True)


def test_the_admin_never_shows_a_confirmation_code(client, db, django_user_model):
    _confirmation(0)
    message = Message.objects.get(template="confirm_code")
    code = message.params["code"]
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    html = client.get(f"/admin/hotline/message/{message.pk}/change/").content.decode()
    assert html.count(code) == 0 and "******" in html
