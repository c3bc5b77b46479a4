"""Background tasks of the promotion requests (django-tasks): MMS photo downloads, the nightly cleanup.

Each is safe to run twice: a photo already fetched (or failed) is skipped; the cleanup only
deletes what is still unconfirmed.
"""

from django_tasks import task


@task()
def fetch_promotion_photo(*, photo_id):
    from hotline import promotions

    return promotions.fetch_photo(photo_id=photo_id)


@task()
def purge_unconfirmed_promotions():
    """Public-form requests whose SMS code never came back within a day, with their photos."""
    from hotline import promotions

    return promotions.purge_unconfirmed()
