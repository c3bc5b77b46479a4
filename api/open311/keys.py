"""Open311 api_keys: a key is checked by its SHA-256 (the admin keeps nothing else of it)."""

import hashlib

from django.utils import timezone

from hotline.models import Open311Key


def key_hash(key):
    """The SHA-256 hex digest of a key as typed (UTF-8); hotline/admin_open311.py stores the same."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def active_key(key):
    """The active Open311Key for this api_key, or None; its last use is recorded."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        return None
    found = Open311Key.objects.filter(key_hash=key_hash(key), is_active=True).first()
    if found is not None:
        now = timezone.now()
        Open311Key.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found
