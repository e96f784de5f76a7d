"""Jobs of the people module: thin, idempotent wrappers that call services (STYLE.md)."""

from celery import shared_task

from safegrid.notifications.services import notify_certificates_due


@shared_task(name="safegrid.people.tasks.certificate_reminders")
def certificate_reminders() -> int:
    """Daily reminders of certificates due for review or expiry within 60 days (schedule in
    settings.CELERY_BEAT_SCHEDULE); running it again adds nothing."""
    return notify_certificates_due()
