"""Jobs: thin wrappers that call services (STYLE.md)."""

from celery import shared_task

from .services import idempotency_purge


@shared_task(name="safegrid.idempotency.tasks.purge_keys")
def purge_keys() -> int:
    """Delete idempotency keys past their time to live (expired keys are also replaced lazily)."""
    return idempotency_purge()
