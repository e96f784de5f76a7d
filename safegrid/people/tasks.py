"""Jobs of the people module: thin, idempotent wrappers that call services (STYLE.md)."""

from celery import shared_task

from safegrid.notifications.services import notify_certificates_due
from safegrid.people.services import person_purge_expired


@shared_task(name="safegrid.people.tasks.certificate_reminders")
def certificate_reminders() -> int:
    """Daily reminders of certificates due for review or expiry within 60 days (schedule in
    settings.CELERY_BEAT_SCHEDULE); running it again adds nothing."""
    return notify_certificates_due()


@shared_task(name="safegrid.people.tasks.purge_personal_data")
def purge_personal_data() -> int:
    """Nightly: erase the ID numbers and phones of people past the retention after leaving
    (SECURITY.md D6; `services.person_purge_expired`, actor: the system). Running it again the same
    day erases nothing more (it records the run again, with count 0)."""
    return person_purge_expired(actor=None).count
