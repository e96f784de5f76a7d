"""Jobs: thin, idempotent wrappers that call services (STYLE.md)."""

from celery import shared_task

from .services import hazard_sweep_overdue


@shared_task(name="safegrid.hazards.tasks.overdue_sweep")
def overdue_sweep() -> dict[str, int]:
    """The nightly overdue sweep (schedule in settings.CELERY_BEAT_SCHEDULE)."""
    return hazard_sweep_overdue()
