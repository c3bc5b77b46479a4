from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_sms_templates(**kwargs):
    """One editable SmsTemplate row per template the code sends; existing wording is kept."""
    from hotline.messaging.templates import DEFAULTS
    from hotline.models import SmsTemplate

    existing = set(SmsTemplate.objects.values_list("code", flat=True))
    SmsTemplate.objects.bulk_create(
        SmsTemplate(code=code, text=text, description=description)
        for code, (text, description) in DEFAULTS.items()
        if code not in existing
    )


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = "办实事热线"

    def ready(self):
        post_migrate.connect(sync_sms_templates, sender=self)
        from hotline import pledges  # noqa: F401 - registers the pledge forms' SMS-code handlers
        from hotline import promotions  # noqa: F401 - registers the public form's SMS-code handler
        from hotline import upload_checks  # noqa: F401 - registers the MEDIA_ROOT-outside-static check
